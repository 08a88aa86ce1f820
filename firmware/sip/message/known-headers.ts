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
/**
 * Lower-case keys, internalized (a string used as a property name is V8's
 * one shared copy, the same the accessors' literals like 'via' refer to),
 * so a lookup compares pointers instead of characters.
 */
const KEYS: string[] = NAMES.map((n) => Object.keys({ [n.toLowerCase()]: 0 })[0]!);

/**
 * The case-insensitive hash of a header name, one character at a time: the
 * parser folds it in while it checks the name's characters, so finding a
 * known name costs one table probe and one comparison. `c | 32` folds
 * ASCII letters to lower case and leaves the other token characters as
 * they are (apart from "_", which the comparison then sorts out).
 */
export function hashStep(h: number, c: number): number {
  return (Math.imul(h, 31) + (c | 32)) | 0;
}

const SLOTS = 256;
/** Open addressing by hash: NAMES index + 1 in each slot, 0 for an empty one. */
const TABLE = new Uint8Array(SLOTS);
const slotOf = (h: number): number => (h ^ (h >>> 8)) & (SLOTS - 1);
KEYS.forEach((key, index) => {
  let h = 0;
  for (let k = 0; k < key.length; k++) h = hashStep(h, key.charCodeAt(k));
  let slot = slotOf(h);
  while (TABLE[slot] !== 0) slot = (slot + 1) & (SLOTS - 1);
  TABLE[slot] = index + 1;
});

export interface KnownName {
  /** The canonical spelling when the text matches it exactly, else undefined (keep the text as written). */
  name: string | undefined;
  key: string;
}

const result: KnownName = { name: undefined, key: '' };

/**
 * Matches text[start, end) case-insensitively against the known names,
 * given the name's hash (hashStep over its characters). Returns a shared
 * result object (valid until the next call) or undefined.
 */
export function matchHashedName(text: string, start: number, end: number, hash: number): KnownName | undefined {
  const length = end - start;
  for (let slot = slotOf(hash); ; slot = (slot + 1) & (SLOTS - 1)) {
    const entry = TABLE[slot]!;
    if (entry === 0) return undefined;
    const key = KEYS[entry - 1]!;
    if (key.length !== length) continue;
    const canonical = NAMES[entry - 1]!;
    let exact = true;
    let k = 0;
    for (; k < length; k++) {
      const c = text.charCodeAt(start + k);
      if (c !== canonical.charCodeAt(k)) {
        exact = false;
        if ((c >= 65 && c <= 90 ? c + 32 : c) !== key.charCodeAt(k)) break;
      }
    }
    if (k < length) continue;
    result.name = exact ? canonical : undefined;
    result.key = key;
    return result;
  }
}

/** matchHashedName for a name whose hash is not at hand. */
export function matchKnownName(text: string, start: number, end: number): KnownName | undefined {
  let h = 0;
  for (let k = start; k < end; k++) h = hashStep(h, text.charCodeAt(k));
  return matchHashedName(text, start, end, h);
}

/**
 * Exact-spelling match of a header name by its bytes, four at a time: with
 * the canonical spelling (what nearly every UA sends) the name is found and
 * shown to be a token without reading it character by character.
 * Candidates by length and first byte; `WORDS[i]` holds the little-endian
 * 32-bit words of NAMES[i] (the last one overlapping when the length is
 * not a multiple of four).
 */
const MAX_EXACT = 31;
const FIRST_BY_LENGTH_AND_BYTE = new Uint8Array((MAX_EXACT + 1) * 128);
const NEXT = new Uint8Array(NAMES.length + 1);
const WORDS: Int32Array[] = NAMES.map((n) => {
  const b = Buffer.from(n, 'latin1');
  const out: number[] = [];
  for (let k = 0; k + 4 <= b.length; k += 4) out.push(b.readInt32LE(k));
  if (b.length % 4 !== 0 && b.length >= 4) out.push(b.readInt32LE(b.length - 4));
  return Int32Array.from(out);
});
NAMES.forEach((n, i) => {
  const slot = n.length * 128 + n.charCodeAt(0);
  NEXT[i + 1] = FIRST_BY_LENGTH_AND_BYTE[slot]!;
  FIRST_BY_LENGTH_AND_BYTE[slot] = i + 1;
});

/**
 * The known header whose canonical spelling is exactly the `length` bytes
 * at `at` in `view`; sets the shared result and returns it, or undefined.
 */
export function matchExactName(view: DataView<ArrayBufferLike>, at: number, length: number): KnownName | undefined {
  if (length > MAX_EXACT || length === 0) return undefined;
  const first = view.getUint8(at);
  if (first >= 128) return undefined;
  for (let entry = FIRST_BY_LENGTH_AND_BYTE[length * 128 + first]!; entry !== 0; entry = NEXT[entry]!) {
    const i = entry - 1;
    if (length < 4) {
      const name = NAMES[i]!;
      let k = 1;
      while (k < length && view.getUint8(at + k) === name.charCodeAt(k)) k++;
      if (k < length) continue;
    } else {
      const w = WORDS[i]!;
      const full = length >>> 2;
      let k = 0;
      while (k < full && view.getInt32(at + 4 * k, true) === w[k]) k++;
      if (k < full || (w.length > full && view.getInt32(at + length - 4, true) !== w[full])) continue;
    }
    result.name = NAMES[i]!;
    result.key = KEYS[i]!;
    return result;
  }
  return undefined;
}
