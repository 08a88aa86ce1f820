/**
 * Header names a phone sees in nearly every message, spelled canonically.
 * The parser matches a name against these in place (no lower-casing, no new
 * strings), so the common fields cost no allocation for their name and key.
 */
const CANONICAL = [
  'Via', 'From', 'To', 'Call-ID', 'CSeq', 'Max-Forwards', 'Contact', 'Content-Length', 'Content-Type',
  'Record-Route', 'Route', 'Allow', 'Supported', 'Require', 'Proxy-Require', 'Unsupported', 'Expires',
  'Min-Expires', 'User-Agent', 'Server', 'WWW-Authenticate', 'Proxy-Authenticate', 'Authorization',
  'Proxy-Authorization', 'Event', 'Subscription-State', 'Allow-Events', 'Accept', 'Date', 'Timestamp',
  'Session-Expires', 'Min-SE', 'Refer-To', 'Referred-By', 'Replaces', 'P-Asserted-Identity',
  'P-Preferred-Identity', 'Subject', 'Content-Disposition', 'Content-Encoding', 'Accept-Encoding',
  'Accept-Language', 'Alert-Info', 'Call-Info', 'Reason', 'RSeq', 'RAck', 'Path', 'Service-Route',
  'Privacy', 'Warning', 'Retry-After', 'Organization', 'Priority', 'Diversion',
] as const;

const NAMES: string[] = [...CANONICAL];
const KEYS: string[] = NAMES.map((n) => n.toLowerCase());
/** Indexes into NAMES/KEYS by name length. */
const BY_LENGTH: number[][] = [];
NAMES.forEach((n, i) => (BY_LENGTH[n.length] ??= []).push(i));

export interface KnownName {
  /** The canonical spelling when the text matches it exactly, else undefined (keep the text as written). */
  name: string | undefined;
  key: string;
}

const result: KnownName = { name: undefined, key: '' };

/**
 * Matches text[start, end) case-insensitively against the known names.
 * Returns a shared result object (valid until the next call) or undefined.
 */
export function matchKnownName(text: string, start: number, end: number): KnownName | undefined {
  const candidates = BY_LENGTH[end - start];
  if (candidates === undefined) return undefined;
  outer: for (const i of candidates) {
    const canonical = NAMES[i]!;
    const key = KEYS[i]!;
    let exact = true;
    for (let k = 0; k < key.length; k++) {
      const c = text.charCodeAt(start + k);
      if (c !== canonical.charCodeAt(k)) {
        exact = false;
        if ((c >= 65 && c <= 90 ? c + 32 : c) !== key.charCodeAt(k)) continue outer;
      }
    }
    result.name = exact ? canonical : undefined;
    result.key = key;
    return result;
  }
  return undefined;
}
