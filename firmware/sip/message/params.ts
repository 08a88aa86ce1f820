import { SipParseError } from './parse-error.js';
import { MAX_PARAMS } from './limits.js';
import { isTokenChar, scanQuoted, skipWsTo } from './syntax.js';

/** One `;name=value` parameter; `value` is null for a parameter without a value (`;lr`, `;rport`). */
export type Param = readonly [name: string, value: string | null];

/**
 * An ordered parameter list (URI parameters or header parameters). Names are
 * compared case-insensitively (RFC 3261 §7.3.1, §19.1.4); order and spelling
 * are kept so a message serializes back as it came. Immutable: `with` and
 * `without` return new lists, so a parsed header value can be cached safely.
 */
export class Params implements Iterable<Param> {
  static readonly EMPTY = new Params([]);
  readonly entries: readonly Param[];

  constructor(entries: readonly Param[]) {
    this.entries = entries;
  }

  get size(): number {
    return this.entries.length;
  }

  has(name: string): boolean {
    return this.index(name) >= 0;
  }

  /** The value of `name`: a string, null when present without a value, undefined when absent. */
  get(name: string): string | null | undefined {
    const i = this.index(name);
    return i < 0 ? undefined : this.entries[i]![1];
  }

  /** A copy with `name` set (replacing the first occurrence in place, or appended). */
  with(name: string, value: string | null): Params {
    const i = this.index(name);
    const next = this.entries.slice();
    if (i < 0) next.push([name, value]);
    else next[i] = [this.entries[i]![0], value];
    return new Params(next);
  }

  without(name: string): Params {
    const lower = name.toLowerCase();
    return new Params(this.entries.filter(([n]) => n.toLowerCase() !== lower));
  }

  [Symbol.iterator](): Iterator<Param> {
    return this.entries[Symbol.iterator]();
  }

  private index(name: string): number {
    const e = this.entries;
    for (let i = 0; i < e.length; i++) {
      const n = e[i]![0];
      if (n === name || (n.length === name.length && n.toLowerCase() === name.toLowerCase())) return i;
    }
    return -1;
  }
}

/** Serializes header parameters (`;name=value` each; values are written as stored, quotes included). */
export function formatHeaderParams(params: Params): string {
  let out = '';
  for (const [n, v] of params.entries) out += v === null ? `;${n}` : `;${n}=${v}`;
  return out;
}

/**
 * Header parameters from `s[i]` up to `end` (default: the end of `s`)
 * (RFC 3261 §25.1 generic-param: `*( SEMI token [ EQUAL ( token / host /
 * quoted-string ) ] )`). Values keep their quotes, so `;foo="a b"` reads
 * back as `"a b"`. Anything else before `end` is an error; error offsets
 * are indexes into `s`.
 */
export function parseHeaderParams(s: string, i: number, end = s.length): Params {
  let entries: Param[] | undefined;
  i = skipWsTo(s, i, end);
  while (i < end) {
    if (s.charCodeAt(i) !== 59) throw new SipParseError('expected ; before parameter', i);
    i = skipWsTo(s, i + 1, end);
    const nameStart = i;
    while (i < end && isTokenChar(s.charCodeAt(i))) i++;
    if (i === nameStart) throw new SipParseError('empty parameter name', i);
    const name = s.slice(nameStart, i);
    i = skipWsTo(s, i, end);
    let value: string | null = null;
    if (i < end && s.charCodeAt(i) === 61) {
      i = skipWsTo(s, i + 1, end);
      const valueStart = i;
      i = paramValueEnd(s, i, end);
      if (i === valueStart) throw new SipParseError(`empty value for parameter ${name}`, i);
      value = s.slice(valueStart, i);
      i = skipWsTo(s, i, end);
    }
    (entries ??= []).push([name, value]);
    if (entries.length > MAX_PARAMS) throw new SipParseError('too many parameters', i);
  }
  return entries === undefined ? Params.EMPTY : new Params(entries);
}

/**
 * parseHeaderParams without building anything: the same grammar, the same
 * errors at the same places, and the values of the parameters named in
 * `wanted` (lower case; the first of each name, as Params.get finds it)
 * written to `found` (string, null for no value, undefined when absent).
 * A parse checks a Via's parameters at once but reads only branch,
 * received and rport of them; the Params object waits until asked for.
 */
export function scanHeaderParams(s: string, i: number, end: number, wanted: readonly string[], found: (string | null | undefined)[]): void {
  for (let w = 0; w < wanted.length; w++) found[w] = undefined;
  let count = 0;
  i = skipWsTo(s, i, end);
  while (i < end) {
    if (s.charCodeAt(i) !== 59) throw new SipParseError('expected ; before parameter', i);
    i = skipWsTo(s, i + 1, end);
    const nameStart = i;
    while (i < end && isTokenChar(s.charCodeAt(i))) i++;
    if (i === nameStart) throw new SipParseError('empty parameter name', i);
    const nameEnd = i;
    i = skipWsTo(s, i, end);
    let valueStart = -1;
    let valueEnd = -1;
    if (i < end && s.charCodeAt(i) === 61) {
      i = skipWsTo(s, i + 1, end);
      valueStart = i;
      i = paramValueEnd(s, i, end);
      if (i === valueStart) throw new SipParseError(`empty value for parameter ${s.slice(nameStart, nameEnd)}`, i);
      valueEnd = i;
      i = skipWsTo(s, i, end);
    }
    for (let w = 0; w < wanted.length; w++) {
      if (found[w] === undefined && sameName(s, nameStart, nameEnd, wanted[w]!)) {
        found[w] = valueStart < 0 ? null : s.slice(valueStart, valueEnd);
        break;
      }
    }
    if (++count > MAX_PARAMS) throw new SipParseError('too many parameters', i);
  }
}

/** s[a, b) equals the lower-case `name`, ignoring ASCII case. */
function sameName(s: string, a: number, b: number, name: string): boolean {
  if (b - a !== name.length) return false;
  for (let k = 0; k < name.length; k++) {
    const c = s.charCodeAt(a + k);
    if ((c >= 65 && c <= 90 ? c + 32 : c) !== name.charCodeAt(k)) return false;
  }
  return true;
}

/**
 * Where a parameter value starting at `i` ends: a quoted-string (its closing
 * quote included), or token / host, whose ":" "[" "]" allow IPv6 references
 * (RFC 3261 §25.1 generic-param, gen-value). Shared by parseHeaderParams and
 * scanHeaderParams so the two keep one grammar.
 */
function paramValueEnd(s: string, i: number, end: number): number {
  if (i < end && s.charCodeAt(i) === 34) {
    const close = scanQuoted(s, i);
    if (close < 0 || close > end) throw new SipParseError('unterminated quoted parameter value', i);
    return close;
  }
  while (i < end) {
    const c = s.charCodeAt(i);
    if (!isTokenChar(c) && c !== 58 && c !== 91 && c !== 93) break;
    i++;
  }
  return i;
}
