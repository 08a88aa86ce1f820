import { DeskphoneError } from '../../errors.js';

/**
 * application/simple-message-summary bodies (RFC 3842 §5.2):
 *
 *   message-summary = msg-status-line CRLF [msg-account CRLF] [*(msg-summary-line CRLF)]
 *                     [ *opt-msg-headers ]
 *   msg-status-line  = "Messages-Waiting" HCOLON msg-status   ; "yes" / "no"
 *   msg-account      = "Message-Account" HCOLON Account-URI
 *   msg-summary-line = message-context-class HCOLON newmsgs SLASH oldmsgs
 *                      [ LPAREN new-urgentmsgs SLASH old-urgentmsgs RPAREN ]
 *
 * The message context classes come from RFC 3458 §7 (voice-message, fax-message, pager-message,
 * multimedia-message, text-message, none). PBXs in the field vary case and spacing and some add lines of
 * their own, so matching is case-insensitive and lines that fit no rule are skipped, not fatal.
 */
export interface MessageCounts {
  new: number;
  old: number;
  urgentNew: number;
  urgentOld: number;
}

export interface MessageSummary {
  /** Messages-Waiting: yes/no (inferred from the counts when a PBX leaves the line out). */
  waiting: boolean;
  /** Message-Account: the mailbox URI, when given. */
  account?: string;
  /** Counts per message context class, keyed by the class name in lower case ("voice-message"). */
  classes: Record<string, MessageCounts>;
}

export class MwiParseError extends DeskphoneError {
  constructor(message: string, readonly body: string) {
    super('SIP_MWI_PARSE', message);
  }
}

export const MESSAGE_SUMMARY_TYPE = 'application/simple-message-summary';

/** Counts a line per RFC 3842 §5.2 msg-summary-line: "new/old" with an optional "(urgent_new/urgent_old)". */
const SUMMARY_LINE = /^([a-z][a-z0-9-]*)\s*:\s*(\d{1,9})\s*\/\s*(\d{1,9})\s*(?:\(\s*(\d{1,9})\s*\/\s*(\d{1,9})\s*\))?\s*$/i;
const HEADER_LINE = /^([a-z][a-z0-9-]*)\s*:\s*(.*)$/i;
/** RFC 3458 §7 classes; others are kept too (an extension class is still a count the PBX meant). */
const KNOWN_CLASSES = new Set(['voice-message', 'fax-message', 'pager-message', 'multimedia-message', 'text-message', 'none']);

export function parseMessageSummary(body: string | Uint8Array): MessageSummary {
  const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
  let waiting: boolean | undefined;
  let account: string | undefined;
  const classes: Record<string, MessageCounts> = {};
  for (const raw of text.split(/\r\n|\n|\r/)) {
    const line = raw.trim();
    // §5.2: after the summary lines a blank line may introduce opt-msg-headers of individual messages: those
    // (To:, From:, Subject:…) never match a class line, so reading on is harmless.
    if (line === '') continue;
    const counts = SUMMARY_LINE.exec(line);
    if (counts) {
      const name = counts[1]!.toLowerCase();
      if (!KNOWN_CLASSES.has(name) && !name.endsWith('-message')) continue;
      classes[name] = {
        new: Number(counts[2]),
        old: Number(counts[3]),
        urgentNew: counts[4] === undefined ? 0 : Number(counts[4]),
        urgentOld: counts[5] === undefined ? 0 : Number(counts[5]),
      };
      continue;
    }
    const header = HEADER_LINE.exec(line);
    if (!header) continue;
    const name = header[1]!.toLowerCase();
    const value = header[2]!.trim();
    if (name === 'messages-waiting') {
      const v = value.toLowerCase();
      if (v === 'yes') waiting = true;
      else if (v === 'no') waiting = false;
    } else if (name === 'message-account' && value !== '' && account === undefined) {
      account = value;
    }
  }
  const anyClass = Object.keys(classes).length > 0;
  if (waiting === undefined && !anyClass) throw new MwiParseError('no Messages-Waiting line and no message counts (RFC 3842 §5.2)', text);
  if (waiting === undefined) waiting = Object.values(classes).some((c) => c.new > 0);
  return account === undefined ? { waiting, classes } : { waiting, account, classes };
}

/** The voice-message counts, zero when the PBX did not list them. */
export function voiceCounts(summary: MessageSummary): MessageCounts {
  return summary.classes['voice-message'] ?? { new: 0, old: 0, urgentNew: 0, urgentOld: 0 };
}
