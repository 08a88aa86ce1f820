/**
 * Character classes and small scanners for the RFC 3261 §25.1 grammar. Every
 * scanner is a single forward pass over a string with an index (no regular
 * expression that could backtrack), so the cost of any input is linear.
 */

const enum C {
  Token = 1, // token: alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~"
  Unreserved = 2, // alphanum / mark
  User = 4, // unreserved / user-unreserved ("&" / "=" / "+" / "$" / "," / ";" / "?" / "/")
  Password = 8, // unreserved / "&" / "=" / "+" / "$" / ","
  Param = 16, // unreserved / param-unreserved ("[" / "]" / "/" / ":" / "&" / "+" / "$")
  Header = 32, // unreserved / hnv-unreserved ("[" / "]" / "/" / "?" / ":" / "+" / "$")
  Word = 64, // word (Call-ID)
  Host = 128, // hostname and IPv4 characters: alphanum / "-" / "."
}

const table = new Uint8Array(128);
function mark(chars: string, flag: number): void {
  for (let i = 0; i < chars.length; i++) table[chars.charCodeAt(i)]! |= flag;
}
const alnum = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
mark(alnum, C.Token | C.Unreserved | C.User | C.Password | C.Param | C.Header | C.Word | C.Host);
mark("-.!%*_+`'~", C.Token);
mark("-_.!~*'()", C.Unreserved | C.User | C.Password | C.Param | C.Header);
mark('&=+$,;?/', C.User);
mark('&=+$,', C.Password);
mark('[]/:&+$', C.Param);
mark('[]/?:+$', C.Header);
mark("-.!%*_+`'~()<>:\\\"/[]?{}", C.Word);
mark('-.', C.Host);

export function isTokenChar(c: number): boolean {
  return c < 128 && (table[c]! & C.Token) !== 0;
}
export function isWordChar(c: number): boolean {
  return c < 128 && (table[c]! & C.Word) !== 0;
}
export function isHostChar(c: number): boolean {
  return c < 128 && (table[c]! & C.Host) !== 0;
}
export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
export function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
export function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** Class flags exported for the URI scanner. */
export const CharClass = {
  Unreserved: C.Unreserved,
  User: C.User,
  Password: C.Password,
  Param: C.Param,
  Header: C.Header,
} as const;

export function inClass(c: number, cls: number): boolean {
  return c < 128 && (table[c]! & cls) !== 0;
}

/** True when `s` is a non-empty RFC 3261 token. */
export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isTokenChar(s.charCodeAt(i))) return false;
  return true;
}

/** Index of the first character at or after `i` that is not SP or HTAB. */
export function skipWs(s: string, i: number): number {
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9) break;
    i++;
  }
  return i;
}

/** skipWs bounded by `end` (for a value read in place inside the header section). */
export function skipWsTo(s: string, i: number, end: number): number {
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9) break;
    i++;
  }
  return i;
}

/** Index just past a run of token characters starting at `i`. */
export function scanToken(s: string, i: number): number {
  while (i < s.length && isTokenChar(s.charCodeAt(i))) i++;
  return i;
}

/**
 * RFC 3261 §25.1 quoted-string starting at `s[i] === '"'`: returns the index
 * just past the closing quote, or -1 when it is unterminated or holds a bare
 * CR/LF. quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F).
 */
export function scanQuoted(s: string, i: number): number {
  i++;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 34) return i + 1;
    if (c === 92) {
      const n = s.charCodeAt(i + 1);
      if (Number.isNaN(n) || n === 10 || n === 13) return -1;
      i += 2;
      continue;
    }
    if (c === 10 || c === 13) return -1;
    i++;
  }
  return -1;
}

/** The text of a quoted-string (quotes included in `raw`) with its quoted-pairs resolved. */
export function unquote(raw: string): string {
  if (raw.length < 2 || raw.charCodeAt(0) !== 34) return raw;
  const inner = raw.slice(1, -1);
  if (inner.indexOf('\\') < 0) return inner;
  let out = '';
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i]!;
    if (c === '\\' && i + 1 < inner.length) {
      out += inner[i + 1];
      i++;
    } else out += c;
  }
  return out;
}

/** `text` as a quoted-string, escaping `"` and `\` (RFC 3261 §25.1). */
export function quote(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"' || c === '\\') out += '\\';
    out += c;
  }
  return out + '"';
}

/**
 * Splits a header value at top-level commas (RFC 3261 §7.3.1: a field whose
 * grammar is a comma-separated list may be split or combined). Commas inside
 * quoted strings and inside `<…>` are not separators. Returns the trimmed
 * items, or a string naming the fault.
 */
export function splitList(s: string, max: number): string[] | string {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  let angle = false;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 34) {
      const end = scanQuoted(s, i);
      if (end < 0) return 'unterminated quoted string';
      i = end;
      continue;
    }
    if (c === 60) angle = true;
    else if (c === 62) angle = false;
    else if (c === 44 && !angle) {
      out.push(s.slice(start, i).trim());
      if (out.length >= max) return 'too many list values';
      start = i + 1;
    }
    i++;
  }
  if (angle) return 'unterminated <';
  out.push(s.slice(start).trim());
  return out;
}

/**
 * RFC 3261 §25.1 host: hostname / IPv4address / IPv6reference. Returns an
 * error string or undefined when valid. `host` has its brackets for IPv6.
 */
export function checkHost(host: string): string | undefined {
  if (host.length === 0) return 'empty host';
  if (host.charCodeAt(0) === 91) {
    if (host.charCodeAt(host.length - 1) !== 93) return 'unterminated IPv6 reference';
    return isIPv6(host.slice(1, -1)) ? undefined : 'bad IPv6 address';
  }
  // the common case in Via, received and Contact: a dotted quad is a valid host, one pass decides it
  if (isDigit(host.charCodeAt(0)) && isIPv4(host)) return undefined;
  let allNumeric = true;
  let labelStart = 0;
  let lastLabelFirst = 0;
  for (let i = 0; i <= host.length; i++) {
    const c = i < host.length ? host.charCodeAt(i) : 46;
    if (c === 46) {
      // trailing "." is allowed by the grammar (hostname = *(domainlabel ".") toplabel ["."])
      if (i === labelStart) {
        if (i === host.length && i > 0) break;
        return 'empty host label';
      }
      const first = host.charCodeAt(labelStart);
      const last = host.charCodeAt(i - 1);
      if (first === 45 || last === 45) return 'host label starts or ends with -';
      lastLabelFirst = first;
      labelStart = i + 1;
      continue;
    }
    if (!isHostChar(c)) return 'bad character in host';
    if (!isDigit(c)) allNumeric = false;
  }
  if (allNumeric) return isIPv4(host) ? undefined : 'bad IPv4 address';
  // toplabel = ALPHA / ALPHA *( alphanum / "-" ) alphanum
  if (!isAlpha(lastLabelFirst)) return 'top label must start with a letter';
  return undefined;
}

export function isIPv4(s: string): boolean {
  let parts = 0;
  let i = 0;
  while (parts < 4) {
    const start = i;
    let v = 0;
    while (i < s.length && isDigit(s.charCodeAt(i)) && i - start < 3) v = v * 10 + s.charCodeAt(i++) - 48;
    if (i === start || v > 255) return false;
    parts++;
    if (parts < 4) {
      if (s.charCodeAt(i) !== 46) return false;
      i++;
    }
  }
  return i === s.length;
}

/** RFC 3261 §25.1 IPv6address (hexpart [ ":" IPv4address ]), "::" at most once. */
export function isIPv6(s: string): boolean {
  if (s.length < 2 || s.length > 45) return false;
  let groups = 0;
  let doubleColon = false;
  let i = 0;
  if (s.startsWith('::')) {
    doubleColon = true;
    i = 2;
    if (i === s.length) return true;
  } else if (s.charCodeAt(0) === 58) return false;
  while (i < s.length) {
    const start = i;
    while (i < s.length && isHexDigit(s.charCodeAt(i)) && i - start < 5) i++;
    const len = i - start;
    if (i < s.length && s.charCodeAt(i) === 46) {
      // trailing IPv4 part counts as two groups
      if (!isIPv4(s.slice(start))) return false;
      groups += 2;
      i = s.length;
      break;
    }
    if (len === 0 || len > 4) return false;
    groups++;
    if (i === s.length) break;
    if (s.charCodeAt(i) !== 58) return false;
    i++;
    if (s.charCodeAt(i) === 58) {
      if (doubleColon) return false;
      doubleColon = true;
      i++;
      if (i === s.length) break;
    } else if (i === s.length) return false;
  }
  return doubleColon ? groups <= 7 : groups === 8;
}
