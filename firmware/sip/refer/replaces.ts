import type { DialogId } from '../dialog/index.js';
import { ReferError } from './refer-error.js';

/**
 * RFC 3891 §6.1: `Replaces: callid *(SEMI replaces-param)`, with `to-tag`, `from-tag` and the flag
 * `early-only`. The tags name the dialog from the side of the UA that receives the INVITE with Replaces:
 * its to-tag is that UA's local tag.
 */
export interface Replaces {
  callId: string;
  toTag: string;
  fromTag: string;
  earlyOnly: boolean;
}

export function parseReplaces(value: string): Replaces {
  if (!value.includes(';') && value.includes('?')) return parseQuestionMarked(value);
  const parts = value.split(';').map((p) => p.trim());
  const callId = parts.shift() ?? '';
  if (callId === '' || /\s/.test(callId)) throw new ReferError(`Replaces without a Call-ID: "${value}"`, 'bad-header', 'Replaces');
  let toTag: string | undefined;
  let fromTag: string | undefined;
  let earlyOnly = false;
  for (const part of parts) {
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    const val = eq < 0 ? undefined : part.slice(eq + 1).trim();
    if (name === 'to-tag') toTag = val;
    else if (name === 'from-tag') fromTag = val;
    else if (name === 'early-only') earlyOnly = true;
  }
  // §6.1: "the to-tag and from-tag parameters ... are mandatory".
  if (!toTag || !fromTag) throw new ReferError(`Replaces needs to-tag and from-tag: "${value}"`, 'bad-header', 'Replaces');
  return { callId, toTag, fromTag, earlyOnly };
}

/**
 * baresip 1.0.0's Replaces: when it follows a Refer-To `?Replaces=callid%3Bto-tag%3Dx%3Bfrom-tag%3Dy`, each
 * escaped `;` and `=` comes out as `?` (`callid?to-tag?x?from-tag?y`, seen on the wire). A value with no
 * `;` at all cannot be read by §6.1's grammar, so it is read this way instead: the words to-tag and
 * from-tag are followed by their tag, early-only stands alone, and everything before the first of them is
 * the Call-ID (a Call-ID may itself hold `?`, RFC 3261 §25.1 word).
 */
function parseQuestionMarked(value: string): Replaces {
  const parts = value.split('?');
  const names = new Set(['to-tag', 'from-tag', 'early-only']);
  const first = parts.findIndex((p, i) => i > 0 && names.has(p.toLowerCase()));
  if (first < 0) throw new ReferError(`Replaces without tags: "${value}"`, 'bad-header', 'Replaces');
  const callId = parts.slice(0, first).join('?');
  let toTag: string | undefined;
  let fromTag: string | undefined;
  let earlyOnly = false;
  for (let i = first; i < parts.length; i++) {
    const name = parts[i]!.toLowerCase();
    if (name === 'early-only') earlyOnly = true;
    else if (name === 'to-tag') toTag = parts[++i];
    else if (name === 'from-tag') fromTag = parts[++i];
  }
  if (callId === '' || !toTag || !fromTag) throw new ReferError(`Replaces needs a Call-ID, to-tag and from-tag: "${value}"`, 'bad-header', 'Replaces');
  return { callId, toTag, fromTag, earlyOnly };
}

export function formatReplaces(replaces: Replaces): string {
  return `${replaces.callId};to-tag=${replaces.toTag};from-tag=${replaces.fromTag}${replaces.earlyOnly ? ';early-only' : ''}`;
}

/**
 * The Replaces that names our dialog `id` to the far end of it (RFC 3891 §6.1, RFC 5589 §7): seen from the
 * other UA, its local tag (to-tag) is our remote tag and its remote tag (from-tag) our local one.
 */
export function replacesFor(id: DialogId, earlyOnly = false): Replaces {
  return { callId: id.callId, toTag: id.remoteTag, fromTag: id.localTag, earlyOnly };
}
