import { SipParseError } from './parse-error.js';
import { MAX_LIST_VALUES } from './limits.js';
import { isToken, splitList } from './syntax.js';
import type { SourceText } from './source-text.js';

/**
 * RFC 3261 §7.3.3 compact forms, plus those registered later (RFC 3265 o/u,
 * RFC 3515 r, RFC 3892 b, RFC 4028 x, RFC 3841 a/j/d, RFC 4474 y/n).
 */
const COMPACT: Readonly<Record<string, string>> = {
  i: 'call-id',
  m: 'contact',
  e: 'content-encoding',
  l: 'content-length',
  c: 'content-type',
  f: 'from',
  s: 'subject',
  k: 'supported',
  t: 'to',
  v: 'via',
  o: 'event',
  u: 'allow-events',
  r: 'refer-to',
  b: 'referred-by',
  x: 'session-expires',
  y: 'identity',
  a: 'accept-contact',
  j: 'reject-contact',
  d: 'request-disposition',
  n: 'identity-info',
};

/** The lookup key of a header name: lower case, compact forms expanded (§7.3.1 names are case-insensitive). */
export function headerKey(name: string): string {
  const lower = name.toLowerCase();
  return lower.length === 1 ? (COMPACT[lower] ?? lower) : lower;
}

interface ParsedFields {
  names: string[];
  keys: string[];
  values: (string | undefined)[];
  positions: number[];
  ends: number[] | undefined;
  source: SourceText | undefined;
}

export interface HeaderField {
  /** As written (compact or long, original case). */
  readonly name: string;
  /** Trimmed, folding replaced by a single space (§7.3.1). */
  readonly value: string;
}

/** A value parser reading text[start, end) in place; error offsets are indexes into `text`. */
export type RangeParser<T> = (text: string, start: number, end: number) => T;

/** A value accepted by the setters: text, or a parsed value whose toString() is its wire form. */
export type HeaderValue = string | number | { toString(): string };

/**
 * The header fields of a message, in wire order, multiple occurrences kept
 * (§7.3.1: order of same-named fields matters, e.g. Via and Route). Lookups
 * are case-insensitive and understand compact names. Parsed values are
 * computed on first use and cached until the field is changed, so a message
 * costs only the header split until someone asks for a value.
 */
export class SipHeaders implements Iterable<HeaderField> {
  private names: string[];
  private keys: string[];
  /** A hole is a value not cut from `source` yet: it spans positions[i] to ends[i] (see value()). */
  private values: (string | undefined)[];
  /** Character index of each value in `source` (-1 for fields added later), for error positions. */
  private positions: number[];
  /** End index of each value in `source` while values are cut lazily; undefined once every value is in `values`. */
  private ends: number[] | undefined;
  private source: SourceText | undefined;
  /** Parsed values aligned with the fields: a value, or for list headers the items of that field. */
  private parsed: unknown[] = [];
  /** Whole parsed lists by key (all fields of the name joined). */
  private lists: Map<string, unknown[]> | undefined;

  constructor(fields?: Iterable<HeaderField | readonly [string, HeaderValue]>, parsed?: ParsedFields) {
    this.names = parsed?.names ?? [];
    this.keys = parsed?.keys ?? [];
    this.values = parsed?.values ?? [];
    this.positions = parsed?.positions ?? [];
    this.ends = parsed?.ends;
    this.source = parsed?.source;
    if (fields) for (const f of fields) Array.isArray(f) ? this.append(f[0], f[1]) : this.append((f as HeaderField).name, (f as HeaderField).value);
  }

  /**
   * Used by the parser: takes the split fields as they are (already
   * validated). With `ends`, a hole in `values` is the text of `source`
   * from positions[i] to ends[i], cut when first read: most values of a
   * message are never read.
   */
  static fromParsed(
    names: string[],
    keys: string[],
    values: (string | undefined)[],
    positions: number[],
    source: SourceText | undefined,
    ends?: number[],
  ): SipHeaders {
    const headers = new SipHeaders(undefined, { names, keys, values, positions, ends, source });
    // the parse fills some of these at once (Via, From, To, Call-ID, CSeq): one allocation of the right size
    headers.parsed = new Array(names.length);
    return headers;
  }

  get size(): number {
    return this.names.length;
  }

  has(name: string): boolean {
    return this.keys.indexOf(headerKey(name)) >= 0;
  }

  /** The first field's value, or undefined. */
  get(name: string): string | undefined {
    const i = this.keys.indexOf(headerKey(name));
    return i < 0 ? undefined : this.value(i);
  }

  /** Every field's value, in order (not split at commas). */
  getAll(name: string): string[] {
    const key = headerKey(name);
    const out: string[] = [];
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] === key) out.push(this.value(i));
    return out;
  }

  /**
   * The values of a list header (§7.3.1: `Route: a, b` ≡ two Route fields):
   * every field split at top-level commas, in order. Not for WWW-Authenticate
   * and friends, whose values contain commas.
   */
  list(name: string): string[] {
    const key = headerKey(name);
    const out: string[] = [];
    for (let i = 0; i < this.keys.length; i++) {
      if (this.keys[i] !== key) continue;
      const parts = splitList(this.value(i), MAX_LIST_VALUES);
      if (typeof parts === 'string') throw this.errorAt(i, parts, 0);
      for (const p of parts) {
        if (p.length === 0) throw this.errorAt(i, `empty value in ${this.names[i]}`, 0);
        out.push(p);
      }
      if (out.length > MAX_LIST_VALUES) throw this.errorAt(i, 'too many list values', 0);
    }
    return out;
  }

  /** Replaces every field of this name with the given value(s), at the position of the first one (or at the end). */
  set(name: string, value: HeaderValue | readonly HeaderValue[]): this {
    const key = headerKey(name);
    const vals = Array.isArray(value) ? (value as readonly HeaderValue[]) : [value as HeaderValue];
    let at = this.keys.indexOf(key);
    const writtenName = at >= 0 ? this.names[at]! : name;
    this.remove(key);
    if (at < 0 || at > this.keys.length) at = this.keys.length;
    this.insertAt(at, writtenName, key, vals);
    return this;
  }

  append(name: string, value: HeaderValue): this {
    this.insertAt(this.keys.length, name, headerKey(name), [value]);
    return this;
  }

  /** Inserts before the first field of this name (a new topmost Via or Route), or at the end. */
  prepend(name: string, value: HeaderValue): this {
    const key = headerKey(name);
    const at = this.keys.indexOf(key);
    this.insertAt(at < 0 ? this.keys.length : at, name, key, [value]);
    return this;
  }

  delete(name: string): this {
    this.remove(headerKey(name));
    return this;
  }

  *[Symbol.iterator](): Iterator<HeaderField> {
    for (let i = 0; i < this.names.length; i++) yield { name: this.names[i]!, value: this.value(i) };
  }

  /** A deep copy (parsed-value cache not shared). */
  clone(): SipHeaders {
    return SipHeaders.fromParsed(this.names.slice(), this.keys.slice(), this.values.slice(), this.positions.slice(), this.source, this.ends?.slice());
  }

  /** The parsed value of the first field named `key` (a headerKey), cached; undefined when absent. */
  parsedOne<T>(key: string, parse: RangeParser<T>): T | undefined {
    const i = this.keys.indexOf(key);
    if (i < 0) return undefined;
    const cached = this.parsed[i];
    if (cached !== undefined) return cached as T;
    const v = this.parseField(i, parse);
    this.parsed[i] = v;
    return v;
  }

  /** The parsed values of every list item of `key`, in order, cached; empty when absent. Not to be mixed with parsedOne for one key. */
  parsedList<T>(key: string, parse: RangeParser<T>): readonly T[] {
    const cached = this.lists?.get(key);
    if (cached !== undefined) return cached as T[];
    const out: T[] = [];
    for (let i = this.keys.indexOf(key); i >= 0 && i < this.keys.length; i++) {
      if (this.keys[i] !== key) continue;
      const items = this.fieldItems(i, parse);
      for (let k = 0; k < items.length; k++) out.push(items[k]!);
      if (out.length > MAX_LIST_VALUES) throw this.errorAt(i, 'too many list values', 0);
    }
    (this.lists ??= new Map()).set(key, out);
    return out;
  }

  /** The first list item of `key` (the topmost Via), parsing only the first field; undefined when absent. */
  parsedFirst<T>(key: string, parse: RangeParser<T>): T | undefined {
    const i = this.keys.indexOf(key);
    return i < 0 ? undefined : this.fieldItems(i, parse)[0];
  }

  /**
   * Parses field `i` whole. A value not cut yet is read in place in the
   * header section (a flat string: a loop over the cut copy, a sliced
   * string, took 1.7 times as long here), and is cut only if the parser
   * keeps text of it.
   */
  private parseField<T>(i: number, parse: RangeParser<T>): T {
    const v = this.values[i];
    const text = v ?? this.source!.text;
    const start = v === undefined ? this.positions[i]! : 0;
    const end = v === undefined ? this.ends![i]! : v.length;
    try {
      return parse(text, start, end);
    } catch (e) {
      if (e instanceof SipParseError) throw this.errorAt(i, e.reason, e.offset - start);
      throw e;
    }
  }

  private fieldItems<T>(i: number, parse: RangeParser<T>): T[] {
    const cached = this.parsed[i];
    if (cached !== undefined) return cached as T[];
    // most fields hold one value: no comma at all, so no list to split
    const v = this.values[i];
    const comma = v === undefined ? this.source!.text.indexOf(',', this.positions[i]) : v.indexOf(',');
    if (comma < 0 || (v === undefined && comma >= this.ends![i]!)) {
      const items = [this.parseField(i, parse)];
      this.parsed[i] = items;
      return items;
    }
    const parts = splitList(this.value(i), MAX_LIST_VALUES);
    if (typeof parts === 'string') throw this.errorAt(i, parts, 0);
    const items: T[] = [];
    for (const p of parts) {
      if (p.length === 0) throw this.errorAt(i, 'empty list value', 0);
      try {
        items.push(parse(p, 0, p.length));
      } catch (e) {
        if (e instanceof SipParseError) throw this.errorAt(i, e.reason, parts.length === 1 ? e.offset : 0);
        throw e;
      }
    }
    this.parsed[i] = items;
    return items;
  }

  /** A SipParseError positioned at the field at index `i` (offset within its value). */
  private errorAt(i: number, reason: string, within: number): SipParseError {
    const at = this.positions[i]!;
    const name = this.names[i]!;
    const text = reason.toLowerCase().includes(headerKey(name)) ? reason : `${reason} in ${name}`;
    if (at < 0 || this.source === undefined) return new SipParseError(text, 0, 0);
    return new SipParseError(text, this.source.byte(at + within), this.source.line(at));
  }

  /** The value of field `i`, cut from the source on first read. */
  private value(i: number): string {
    const v = this.values[i];
    if (v !== undefined) return v;
    const cut = this.source!.text.slice(this.positions[i], this.ends![i]);
    this.values[i] = cut;
    return cut;
  }

  /** Cuts every value still held as a span, so the field arrays can be spliced. */
  private cutAll(): void {
    if (this.ends === undefined) return;
    for (let i = 0; i < this.names.length; i++) this.value(i);
    this.ends = undefined;
  }

  private remove(key: string): void {
    this.cutAll();
    this.lists?.delete(key);
    for (let i = this.keys.length - 1; i >= 0; i--) {
      if (this.keys[i] !== key) continue;
      this.names.splice(i, 1);
      this.keys.splice(i, 1);
      this.values.splice(i, 1);
      this.positions.splice(i, 1);
      this.parsed.splice(i, 1);
    }
  }

  private insertAt(at: number, name: string, key: string, vals: readonly HeaderValue[]): void {
    this.cutAll();
    this.lists?.delete(key);
    if (!isToken(name)) throw new SipParseError(`bad header name ${JSON.stringify(name)}`);
    const names: string[] = [];
    const strs: string[] = [];
    for (const v of vals) {
      const s = String(v);
      // a value with CR or LF would inject header fields on the wire
      if (/[\r\n\0]/.test(s)) throw new SipParseError(`CR, LF or NUL in value of ${name}`);
      names.push(name);
      strs.push(s);
    }
    this.names.splice(at, 0, ...names);
    this.keys.splice(at, 0, ...names.map(() => key));
    this.values.splice(at, 0, ...strs);
    this.positions.splice(at, 0, ...names.map(() => -1));
    this.parsed.splice(at, 0, ...names.map(() => undefined));
  }
}
