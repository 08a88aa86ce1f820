import { SipParseError } from './parse-error.js';
import { MAX_CONTENT_LENGTH, MAX_HEADER_COUNT, MAX_LINE_LENGTH, MAX_MESSAGE_BYTES } from './limits.js';
import { SipHeaders, headerKey } from './headers.js';
import { SourceText } from './source-text.js';
import { hashStep, matchExactName, matchHashedName, matchKnownName } from './known-headers.js';
import { MAX_FAST_LINES, dataViewOver, scanAsciiHead } from './head-scan.js';
import { SipRequest, SipResponse, parseCallIdIn, parseMaxForwardsIn, parseUnsignedIn, type SipMessage } from './message.js';
import { parseViaIn } from './via.js';
import { parseNameAddrIn } from './name-addr.js';
import { parseCSeqIn } from './cseq.js';
import { isAlpha, isDigit, isTokenChar } from './syntax.js';

export interface ParseOptions {
  /**
   * The message came over a stream transport (TCP, TLS): Content-Length is
   * then mandatory (RFC 3261 §18.3, §20.14). On datagrams a missing
   * Content-Length means the body is the rest of the datagram.
   */
  stream?: boolean;
}

const END_OF_HEADERS = Buffer.from('\r\n\r\n', 'latin1');

function toBuffer(data: Uint8Array | string): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

function isVersion(s: string): boolean {
  // SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT (ABNF literals are case-insensitive)
  if (s === 'SIP/2.0') return true;
  if (s.length < 7 || s.slice(0, 4).toUpperCase() !== 'SIP/') return false;
  const dot = s.indexOf('.', 4);
  if (dot <= 4 || dot === s.length - 1) return false;
  for (let i = 4; i < s.length; i++) if (i !== dot && !isDigit(s.charCodeAt(i))) return false;
  return true;
}

/**
 * Parses one SIP message (RFC 3261 §7, §25) from a datagram, a framed stream
 * chunk or text. Returns a SipRequest or SipResponse; throws SipParseError
 * naming the fault and its byte offset and line.
 *
 * Checked eagerly: size limits, start line (method, the Request-URI's
 * scheme and characters, version, status code), header field syntax (names
 * are tokens, no stray control characters, CRLF line ends, folding),
 * Content-Length framing (§18.3), and the values every transaction reads:
 * the top Via, From and To (all but their URIs), Call-ID, CSeq and
 * Max-Forwards. A response missing Via, From, To, Call-ID or CSeq is
 * rejected (§18.1.2 discards it); a request missing them is returned so the
 * UA can answer 400 — see validateRequest. Everything else (Request-URI,
 * From/To URIs, other Vias, Contact, Route…) parses on first access.
 *
 * Two scanners, one answer: a clean ASCII header section without folds (the
 * common message) takes the fast path — its bytes checked four at a time,
 * canonically spelled names matched by their bytes, values left in place
 * until read; anything else takes the careful character scanner, which
 * names a fault and its position (test/firmware/sip/message/fast-path.test.ts
 * holds the two to the same results). Either way the checks above run here.
 */
export function parseMessage(data: Uint8Array | string, options?: ParseOptions): SipMessage {
  return parse(data, options, true);
}

/**
 * parseMessage with the fast path switched off: every message takes the
 * character-by-character scanner. For tests that hold the two paths to the
 * same answers; not part of the module's surface.
 */
export function parseMessageCarefully(data: Uint8Array | string, options?: ParseOptions): SipMessage {
  return parse(data, options, false);
}

function parse(data: Uint8Array | string, options: ParseOptions | undefined, fast: boolean): SipMessage {
  const buf = toBuffer(data);
  if (buf.length > MAX_MESSAGE_BYTES) throw new SipParseError('message too large', MAX_MESSAGE_BYTES);
  // §7.5: CRLFs before the start line are ignored (stream keep-alives leave them)
  let start = 0;
  while (start + 1 < buf.length && buf[start] === 13 && buf[start + 1] === 10) start += 2;
  if (start >= buf.length) throw new SipParseError('empty message', start);
  const parsed = (fast ? scanFast(buf, start) : undefined) ?? scanCareful(buf, start);
  const { loc, startLine, values, positions, ends, clIndex, lineNo, headEnd } = parsed;
  const headers = SipHeaders.fromParsed(parsed.names, parsed.keys, values, positions, loc, ends);
  const message: SipMessage =
    startLine.kind === 'request'
      ? new SipRequest(startLine.method, startLine.uri, headers, undefined, startLine.version)
      : new SipResponse(startLine.status, startLine.reason, headers, undefined, startLine.version);

  // body framing, §18.3
  const bodyStart = headEnd + 4;
  const available = buf.length - bodyStart;
  let length = available;
  if (clIndex >= 0) {
    try {
      const v = values[clIndex];
      length = v === undefined ? parseUnsignedIn(loc.text, positions[clIndex]!, ends![clIndex]!, MAX_CONTENT_LENGTH) : parseUnsignedIn(v, 0, v.length, MAX_CONTENT_LENGTH);
    } catch (e) {
      if (e instanceof SipParseError) throw new SipParseError('bad Content-Length', loc.byte(positions[clIndex]!), loc.line(positions[clIndex]!));
      throw e;
    }
    // "If the transport packet ends before the end of the message body, this is considered an error"
    if (length > available) throw new SipParseError('Content-Length larger than the data', loc.byte(positions[clIndex]!), loc.line(positions[clIndex]!));
  } else if (options?.stream) {
    throw new SipParseError('missing Content-Length on a stream transport', headEnd, lineNo);
  }
  // a view, not a copy: allocating a fresh ArrayBuffer costs more than the rest of the parse.
  // Transports hand over a buffer per message; whoever keeps a body past the input's life copies it.
  if (length > 0) message.body = buf.subarray(bodyStart, bodyStart + length);

  // the fields every transaction reads: parse now so a malformed one is rejected here
  // (From/To URIs and every other value are parsed when first read)
  try {
    if (message.kind === 'response') {
      // §8.1.3.3 / §18.1.2: a response without these cannot be matched and is dropped
      message.topVia;
      message.from;
      message.to;
      message.callId;
      message.cseq;
    } else {
      // a request lacking them is still returned, for validateRequest and a 400
      headers.parsedFirst('via', parseViaIn);
      headers.parsedOne('from', parseNameAddrIn);
      headers.parsedOne('to', parseNameAddrIn);
      headers.parsedOne('call-id', parseCallIdIn);
      headers.parsedOne('cseq', parseCSeqIn);
      headers.parsedOne('max-forwards', parseMaxForwardsIn);
    }
  } catch (e) {
    if (e instanceof SipParseError) {
      e.partial = message;
      if (e.line === 0) e.line = lineNo;
    }
    throw e;
  }
  return message;
}

interface HeaderFields {
  names: string[];
  keys: string[];
  /** Each field's value; a hole means "not cut yet": the text between positions[i] and ends[i]. */
  values: (string | undefined)[];
  /** Character index of each value in the header section (for errors, and with ends for lazy values). */
  positions: number[];
  /** Where each value ends, when values are cut on first read; undefined when every value is in `values`. */
  ends: number[] | undefined;
  /** Index of the Content-Length field, -1 when absent. */
  clIndex: number;
  /** Line number after the last header line. */
  lineNo: number;
}

interface ParsedHead extends HeaderFields {
  /** Index of the CRLF CRLF that ends the header section. */
  headEnd: number;
  loc: SourceText;
  startLine: StatusLine | RequestLine;
}

/** `clean`: every character is known to be printable ASCII or HTAB (the fast path checked the bytes). */
function parseStartLine(head: string, eol: number, loc: SourceText, clean: boolean): StatusLine | RequestLine {
  if (eol > MAX_LINE_LENGTH) throw new SipParseError('start line too long', loc.byte(0), 1);
  const first = head.slice(0, eol);
  return first.startsWith('SIP/') || first.startsWith('sip/') ? parseStatusLine(first, loc) : parseRequestLine(first, loc, clean);
}

/**
 * The careful path: decodes the header section as UTF-8 and checks it one
 * character at a time, naming the first fault and its position. Takes every
 * message the fast path declines (non-ASCII text, folded lines, any fault).
 */
function scanCareful(buf: Buffer, start: number): ParsedHead {
  const headEnd = buf.indexOf(END_OF_HEADERS, start);
  if (headEnd < 0) throw new SipParseError('header section not terminated by an empty line', buf.length);
  // the header section including the CRLF of its last line
  const head = buf.toString('utf8', start, headEnd + 2);
  const ascii = head.length === headEnd + 2 - start;
  const loc = new SourceText(head, start, ascii);
  const startLine = parseStartLine(head, head.indexOf('\r\n'), loc, false);
  const f = scanHeaderFields(head, head.indexOf('\r\n') + 2, loc);
  // the same shape as scanFast's result, so parse() sees one kind of object
  return { headEnd, loc, startLine, names: f.names, keys: f.keys, values: f.values, positions: f.positions, ends: f.ends, clIndex: f.clIndex, lineNo: f.lineNo };
}

const lineEnds = new Int32Array(MAX_FAST_LINES);

/**
 * The fast path for the common message: clean ASCII, no folded lines, no
 * fault (scanAsciiHead checks every byte four at a time and finds the line
 * ends). It cuts no value: it notes where each one starts and ends, and
 * SipHeaders cuts a value when it is first read. Returns undefined for
 * anything else, which then takes the careful path (scanCareful) — so a
 * malformed message is rejected there, with the same reason and position.
 */
function scanFast(buf: Buffer, start: number): ParsedHead | undefined {
  const lines = scanAsciiHead(buf, start, lineEnds);
  if (lines < 0) return undefined;
  const headEnd = lineEnds[lines - 1]!;
  const end = headEnd + 2;
  // ASCII only (checked above): Latin-1 decoding gives the same text as UTF-8, and is cheaper
  const head = buf.toString('latin1', start, end);
  const loc = new SourceText(head, start, true);
  const startLine = parseStartLine(head, lineEnds[0]! - start, loc, true);
  const view = dataViewOver(buf);
  const base = buf.byteOffset + start;
  // one field per line (folds take the careful path): arrays of the exact size, filled in order
  const count = lines - 1;
  if (count > MAX_HEADER_COUNT) return undefined;
  const names: string[] = new Array(count);
  const keys: string[] = new Array(count);
  const positions: number[] = new Array(count);
  const ends: number[] = new Array(count);
  let clIndex = -1;
  for (let k = 1; k < lines; k++) {
    const f = k - 1;
    const ls = lineEnds[k - 1]! - start + 2;
    const le = lineEnds[k]! - start;
    // §7.3.1 folding: the next line starts with SP or HTAB (rare; the careful path unfolds it)
    if (k + 1 < lines) {
      const next = head.charCodeAt(le + 2);
      if (next === 32 || next === 9) return undefined;
    }
    if (le - ls > MAX_LINE_LENGTH) return undefined;
    // header-name HCOLON: token *( SP / HTAB ) ":" SWS
    let name: string;
    let key: string;
    let i: number;
    let c: number;
    // a canonically spelled name right before the colon: matched by its bytes, no character loop
    const colon = head.indexOf(':', ls);
    const exact = colon > ls && colon < le ? matchExactName(view, base + ls, colon - ls) : undefined;
    if (exact !== undefined) {
      name = exact.name!;
      key = exact.key;
      i = colon;
    } else {
      // (the line ends in CR, so every loop here stops inside it)
      i = ls;
      c = 0;
      let hash = 0;
      for (; i < le; i++) {
        c = head.charCodeAt(i) | 0;
        if (!isTokenChar(c)) break;
        hash = hashStep(hash, c);
      }
      c = head.charCodeAt(i) | 0;
      const nameEnd = i;
      while (c === 32 || c === 9) c = head.charCodeAt(++i);
      if (c !== 58 || nameEnd === ls) return undefined;
      const known = matchHashedName(head, ls, nameEnd, hash);
      if (known !== undefined) {
        name = known.name ?? head.slice(ls, nameEnd);
        key = known.key;
      } else {
        name = head.slice(ls, nameEnd);
        key = headerKey(name);
      }
    }
    c = head.charCodeAt(++i);
    while (c === 32 || c === 9) c = head.charCodeAt(++i);
    const v0 = i;
    let e = le;
    while (e > v0 && ((c = head.charCodeAt(e - 1)) === 32 || c === 9)) e--;
    if (key === 'content-length') {
      // two that disagree: the careful path reports them
      if (clIndex >= 0 && head.slice(positions[clIndex], ends[clIndex]) !== head.slice(v0, e)) return undefined;
      clIndex = f;
    }
    names[f] = name;
    keys[f] = key;
    positions[f] = v0;
    ends[f] = e;
  }
  return { headEnd, loc, startLine, names, keys, values: [], positions, ends, clIndex, lineNo: lines + 1 };
}

/** Splits the header fields of `head` from `from` on (see parseMessage). */
function scanHeaderFields(head: string, from: number, loc: SourceText): HeaderFields {
  // header fields (§7.3) in one pass: name, colon, value up to CRLF; a CRLF followed by
  // SP/HT is a fold (§7.3.1). Controls other than HT, bare CR/LF, DEL and U+FFFD (invalid
  // UTF-8) are rejected on the way, so every value kept is clean text.
  const names: string[] = [];
  const keys: string[] = [];
  const values: string[] = [];
  const positions: number[] = [];
  const n = head.length;
  let i = from;
  let lineNo = 2;
  let clIndex = -1;
  while (i < n) {
    const lineStart = i;
    const startLineNo = lineNo;
    let c = head.charCodeAt(i);
    if (c === 32 || c === 9) throw new SipParseError('continuation line without a header', loc.byte(i), lineNo);
    while (isTokenChar(c)) c = head.charCodeAt(++i);
    const nameEnd = i;
    // HCOLON = *( SP / HTAB ) ":" SWS
    while (c === 32 || c === 9) c = head.charCodeAt(++i);
    if (c !== 58 || nameEnd === lineStart) {
      const reason = nameEnd === lineStart && c === 58 ? 'empty header name' : c === 13 ? 'header line without colon' : 'bad character in header name';
      throw new SipParseError(reason, loc.byte(i), lineNo);
    }
    c = head.charCodeAt(++i);
    while (c === 32 || c === 9) c = head.charCodeAt(++i);
    const v0 = i;
    let folded = false;
    let vEnd: number;
    for (;;) {
      // the line ends at the next CRLF (native search); every character before it must be text
      const eolAt = head.indexOf('\r\n', i);
      vEnd = eolAt;
      for (let k = i; k < eolAt; k++) {
        const ch = head.charCodeAt(k);
        if (ch < 32 ? ch !== 9 : ch === 127 || ch === 0xfffd) {
          const reason = ch === 10 ? 'LF without CR' : ch === 13 ? 'CR without LF' : ch === 0 ? 'NUL byte' : ch === 0xfffd ? 'invalid UTF-8' : 'control character';
          throw new SipParseError(`${reason} in header`, loc.byte(k), lineNo);
        }
      }
      lineNo++;
      i = eolAt + 2;
      const next = head.charCodeAt(i);
      if (next !== 32 && next !== 9) break;
      folded = true;
    }
    if (vEnd - lineStart > MAX_LINE_LENGTH) throw new SipParseError('header line too long', loc.byte(lineStart), startLineNo);
    let e = vEnd;
    while (e > v0 && (head.charCodeAt(e - 1) === 32 || head.charCodeAt(e - 1) === 9)) e--;
    const value = folded ? unfold(head.slice(v0, e)) : head.slice(v0, e);
    let name: string;
    let key: string;
    const known = matchKnownName(head, lineStart, nameEnd);
    if (known !== undefined) {
      name = known.name ?? head.slice(lineStart, nameEnd);
      key = known.key;
    } else {
      name = head.slice(lineStart, nameEnd);
      key = headerKey(name);
    }
    if (key === 'content-length') {
      if (clIndex >= 0 && values[clIndex] !== value) {
        throw new SipParseError('conflicting Content-Length headers', loc.byte(lineStart), startLineNo);
      }
      clIndex = names.length;
    }
    names.push(name);
    keys.push(key);
    values.push(value);
    positions.push(v0);
    if (names.length > MAX_HEADER_COUNT) throw new SipParseError('too many header fields', loc.byte(lineStart), startLineNo);
  }
  return { names, keys, values, positions, ends: undefined, clIndex, lineNo };
}

/** §7.3.1: each fold (CRLF and the whitespace around it) becomes a single SP. */
function unfold(value: string): string {
  const parts = value.split('\r\n');
  let out = parts[0]!.trimEnd();
  for (let k = 1; k < parts.length; k++) {
    const p = parts[k]!.trim();
    if (p.length > 0) out = out.length > 0 ? out + ' ' + p : p;
  }
  return out;
}

interface StatusLine {
  kind: 'response';
  version: string;
  status: number;
  reason: string;
}

interface RequestLine {
  kind: 'request';
  method: string;
  uri: string;
  version: string;
}

function parseStatusLine(line: string, loc: SourceText): StatusLine {
  // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF (§7.2)
  const sp = line.indexOf(' ');
  const version = sp < 0 ? line : line.slice(0, sp);
  if (!isVersion(version)) throw new SipParseError('bad SIP version in status line', loc.byte(0), 1);
  const code = line.slice(sp + 1, sp + 4);
  if (sp < 0 || code.length !== 3 || !isDigit(code.charCodeAt(0)) || !isDigit(code.charCodeAt(1)) || !isDigit(code.charCodeAt(2))) {
    throw new SipParseError('bad status code', loc.byte(sp + 1), 1);
  }
  const status = Number(code);
  if (status < 100 || status > 699) throw new SipParseError('status code out of range', loc.byte(sp + 1), 1);
  let reason = '';
  if (line.length > sp + 4) {
    if (line.charCodeAt(sp + 4) !== 32) throw new SipParseError('expected space after status code', loc.byte(sp + 4), 1);
    reason = line.slice(sp + 5);
    // Reason-Phrase = *(reserved / unreserved / escaped / UTF8-NONASCII / UTF8-CONT / SP / HTAB)
    for (let k = 0; k < reason.length; k++) {
      const c = reason.charCodeAt(k);
      if (c < 32 ? c !== 9 : c === 127 || c === 0xfffd) throw new SipParseError('control character in reason phrase', loc.byte(sp + 5 + k), 1);
    }
  }
  return { kind: 'response', version, status, reason };
}

function parseRequestLine(line: string, loc: SourceText, clean: boolean): RequestLine {
  // Request-Line = Method SP Request-URI SP SIP-Version CRLF, "separated by a single SP" (§7.1)
  const sp1 = line.indexOf(' ');
  if (sp1 <= 0) throw new SipParseError(sp1 === 0 ? 'request line starts with a space' : 'bad request line', loc.byte(0), 1);
  for (let k = 0; k < sp1; k++) {
    if (!isTokenChar(line.charCodeAt(k))) throw new SipParseError('bad character in method', loc.byte(k), 1);
  }
  const sp2 = line.indexOf(' ', sp1 + 1);
  if (sp2 < 0) throw new SipParseError('request line without SIP version', loc.byte(line.length), 1);
  if (sp2 === sp1 + 1) throw new SipParseError('empty Request-URI', loc.byte(sp2), 1);
  if (line.indexOf(' ', sp2 + 1) >= 0 || line.indexOf('\t') >= 0) throw new SipParseError('whitespace inside Request-URI or after version', loc.byte(sp2), 1);
  const version = line.slice(sp2 + 1);
  if (!isVersion(version)) throw new SipParseError('bad SIP version in request line', loc.byte(sp2 + 1), 1);
  // The Request-URI is parsed when first read (SipRequest.uri, validateRequest); here its frame:
  // a scheme (RFC 3986 §3.1) and no character a URI cannot hold unescaped.
  const uri = line.slice(sp1 + 1, sp2);
  const colon = uri.indexOf(':');
  if (colon <= 0 || !isAlpha(uri.charCodeAt(0))) throw new SipParseError('Request-URI without scheme', loc.byte(sp1 + 1), 1);
  // with clean text only " < > can be wrong here (no SP or HTAB: checked above), and a native search finds them
  if (!clean || uri.indexOf('"') >= 0 || uri.indexOf('<') >= 0 || uri.indexOf('>') >= 0) {
    for (let k = 0; k < uri.length; k++) {
      const c = uri.charCodeAt(k);
      if (c <= 32 || c >= 127 || c === 34 || c === 60 || c === 62) throw new SipParseError('bad character in Request-URI', loc.byte(sp1 + 1 + k), 1);
    }
  }
  return { kind: 'request', method: line.slice(0, sp1), uri, version };
}
