import { SipParseError } from './parse-error.js';
import { Params, formatHeaderParams, parseHeaderParams, scanHeaderParams, type Param } from './params.js';
import { parseUri, type Uri } from './uri.js';
import { isTokenChar, quote, scanQuoted, skipWsTo, unquote } from './syntax.js';

/**
 * A name-addr or addr-spec with header parameters (RFC 3261 §20.10, §20.20,
 * §20.39, §25.1: From, To, Contact, Route, Record-Route, Refer-To…):
 * `"Alice" <sip:alice@example.com>;tag=1928301774`.
 * Always written back as name-addr (angle brackets), which §20.10 allows for
 * every value and which keeps URI parameters apart from header parameters.
 * The URI is parsed on first access to `uri` (a malformed one throws then).
 */
export class NameAddr {
  /** Unquoted display name; undefined when absent. */
  readonly displayName: string | undefined;
  private parsedUri: Uri | undefined;
  /** The URI as written, until it is first read (a dialog reads it, a transaction never does). */
  private readonly uriText: string | undefined;
  /** The header parameters; for a parsed value, built on first read from the text the parse checked. */
  private built: Params | undefined;
  private paramText = '';
  private paramStart = 0;
  private paramEnd = 0;
  /** For a parsed value whose Params are not built yet: the tag as the parse found it. */
  private found = false;
  private foundTag: string | null | undefined;

  constructor(uri: Uri | string, params?: Params | readonly Param[], displayName?: string) {
    if (typeof uri === 'string') this.uriText = uri;
    else this.parsedUri = uri;
    this.built = params === undefined ? Params.EMPTY : params instanceof Params ? params : new Params(params);
    this.displayName = displayName;
  }

  /** parseNameAddrIn's result: parameters already checked in text[start, end), built when first read. */
  static checked(uriText: string, displayName: string | undefined, text: string, start: number, end: number, tag: string | null | undefined): NameAddr {
    const na = new NameAddr(uriText, undefined, displayName);
    na.built = undefined;
    na.paramText = text;
    na.paramStart = start;
    na.paramEnd = end;
    na.found = true;
    na.foundTag = tag;
    return na;
  }

  get params(): Params {
    return (this.built ??= parseHeaderParams(this.paramText, this.paramStart, this.paramEnd));
  }

  /** Parsed on first access; throws SipParseError if the URI is malformed. */
  get uri(): Uri {
    return (this.parsedUri ??= parseUri(this.uriText!));
  }

  /** The `tag` parameter of From/To (RFC 3261 §19.3). */
  get tag(): string | undefined {
    const t = this.found && this.built === undefined ? this.foundTag : this.params.get('tag');
    return typeof t === 'string' ? t : undefined;
  }

  /** The Contact `expires` parameter in seconds (RFC 3261 §20.10), undefined when absent or not a number. */
  get expires(): number | undefined {
    const v = this.params.get('expires');
    if (typeof v !== 'string' || !/^\d{1,10}$/.test(v)) return undefined;
    return Number(v);
  }

  withTag(tag: string): NameAddr {
    return this.withParam('tag', tag);
  }

  withParam(name: string, value: string | null): NameAddr {
    return new NameAddr(this.parsedUri ?? this.uriText!, this.params.with(name, value), this.displayName);
  }

  withoutParam(name: string): NameAddr {
    return new NameAddr(this.parsedUri ?? this.uriText!, this.params.without(name), this.displayName);
  }

  toString(): string {
    const name = this.displayName === undefined ? '' : quote(this.displayName) + ' ';
    const uri = this.parsedUri === undefined ? this.uriText! : this.parsedUri.toString();
    return `${name}<${uri}>${formatHeaderParams(this.params)}`;
  }
}

const TAG = ['tag'] as const;
const found: (string | null | undefined)[] = [undefined];

/** Parses one name-addr / addr-spec with its header parameters (no list splitting). */
export function parseNameAddr(s: string): NameAddr {
  return parseNameAddrIn(s, 0, s.length);
}

/** parseNameAddr of s[start, end), read in place; error offsets are indexes into `s`. */
export function parseNameAddrIn(s: string, start: number, end: number): NameAddr {
  let i = skipWsTo(s, start, end);
  let displayName: string | undefined;
  let uriStart: number;
  let uriEnd: number;
  if (i < end && s.charCodeAt(i) === 34) {
    const close = scanQuoted(s, i);
    if (close < 0 || close > end) throw new SipParseError('unterminated display name', i);
    displayName = unquote(s.slice(i, close));
    i = skipWsTo(s, close, end);
    if (i >= end || s.charCodeAt(i) !== 60) throw new SipParseError('expected < after display name', i);
  }
  // name-addr when a "<" comes before any ";" or quote: in an addr-spec a "<" can only sit in a quoted parameter value
  let lt = i;
  if (displayName === undefined) {
    lt = -1;
    for (let k = i; k < end; k++) {
      const c = s.charCodeAt(k);
      if (c === 60) {
        lt = k;
        break;
      }
      if (c === 59 || c === 34) break;
    }
  }
  if (lt >= 0) {
    if (displayName === undefined && lt > i) {
      // display-name = *(token LWS); UTF-8 text is tolerated unquoted since phones send it
      for (let k = i; k < lt; k++) {
        const c = s.charCodeAt(k);
        if (!isTokenChar(c) && c !== 32 && c !== 9 && c < 128) throw new SipParseError('bad character in display name', k);
      }
      displayName = s.slice(i, lt).trim();
    }
    const gt = s.indexOf('>', lt + 1);
    if (gt < 0 || gt >= end) throw new SipParseError('missing > after URI', end);
    uriStart = lt + 1;
    uriEnd = gt;
    i = gt + 1;
  } else {
    // addr-spec: §20.10, a URI with ";" "," or "?" must be in <>, so ";" starts header parameters here
    uriStart = i;
    let e = i;
    while (e < end) {
      const c = s.charCodeAt(e);
      if (c === 59 || c === 32 || c === 9) break;
      e++;
    }
    uriEnd = e;
    const q = s.indexOf('?', i);
    if (q >= 0 && q < e) throw new SipParseError('URI with headers must be enclosed in <>', i);
    i = e;
  }
  if (uriEnd === uriStart) throw new SipParseError('empty URI', uriStart);
  // the URI itself is parsed when first read (NameAddr.uri); here only what frames it
  const colon = s.indexOf(':', uriStart);
  if (colon <= uriStart || colon >= uriEnd) throw new SipParseError('URI without scheme', uriStart);
  for (let k = uriStart; k < uriEnd; k++) {
    const c = s.charCodeAt(k);
    if (c <= 32 || c === 34 || c === 60 || c === 62 || c === 127) throw new SipParseError('bad character in URI', k);
  }
  // the parameters are checked now and built when first read: a transaction reads the tag only
  scanHeaderParams(s, i, end, TAG, found);
  return NameAddr.checked(s.slice(uriStart, uriEnd), displayName, s, i, end, found[0]);
}

/** parseNameAddr with the URI parsed at once (for values built from configuration or user input). */
export function parseNameAddrStrict(s: string): NameAddr {
  const na = parseNameAddr(s);
  try {
    na.uri;
  } catch (e) {
    if (e instanceof SipParseError) throw new SipParseError(e.reason, s.indexOf('<') + 1 + e.offset);
    throw e;
  }
  return na;
}
