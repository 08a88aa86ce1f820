import { SipParseError } from './parse-error.js';
import { MAX_CONTENT_LENGTH, MAX_HEADER_COUNT, MAX_LINE_LENGTH, MAX_MESSAGE_BYTES } from './limits.js';
import { SipHeaders, headerKey } from './headers.js';
import { SipRequest, SipResponse, parseUnsigned, type SipMessage } from './message.js';
import { parseUri, type Uri } from './uri.js';
import { isDigit, isTokenChar } from './syntax.js';

export interface ParseOptions {
  /**
   * The message came over a stream transport (TCP, TLS): Content-Length is
   * then mandatory (RFC 3261 §18.3, §20.14). On datagrams a missing
   * Content-Length means the body is the rest of the datagram.
   */
  stream?: boolean;
}

/** Characters that may not appear in the header section: controls other than HT, CR and LF, DEL, a CR not followed by LF or an LF not preceded by CR. A single alternation of fixed-width branches: linear time. */
const FORBIDDEN = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]|\r(?!\n)|(?<!\r)\n/;

function toBuffer(data: Uint8Array | string): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/** Positions in the decoded header text → byte offsets in the input. */
class Locator {
  constructor(
    private readonly head: string,
    private readonly base: number,
    private readonly ascii: boolean,
  ) {}

  byte(charIndex: number): number {
    return this.base + (this.ascii ? charIndex : Buffer.byteLength(this.head.slice(0, charIndex), 'utf8'));
  }
}

function isVersion(s: string): boolean {
  // SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT (ABNF literals are case-insensitive)
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
 * Checked eagerly: size limits, start line (method, Request-URI, version,
 * status code), header field syntax (names are tokens, no stray control
 * characters, CRLF line ends, folding), Content-Length framing (§18.3), and
 * the values of Via, From, To, Call-ID, CSeq and Max-Forwards when present.
 * A response missing Via, From, To, Call-ID or CSeq is rejected (§18.1.2
 * discards it); a request missing them is returned so the UA can answer
 * 400 — see validateRequest. Other header values parse on first access.
 */
export function parseMessage(data: Uint8Array | string, options?: ParseOptions): SipMessage {
  const buf = toBuffer(data);
  if (buf.length > MAX_MESSAGE_BYTES) throw new SipParseError('message too large', MAX_MESSAGE_BYTES);
  // §7.5: CRLFs before the start line are ignored (stream keep-alives leave them)
  let start = 0;
  while (start + 1 < buf.length && buf[start] === 13 && buf[start + 1] === 10) start += 2;
  if (start >= buf.length) throw new SipParseError('empty message', start);
  const headEnd = buf.indexOf('\r\n\r\n', start, 'latin1');
  if (headEnd < 0) throw new SipParseError('header section not terminated by an empty line', buf.length);
  // the header section including the CRLF of its last line
  const head = buf.toString('utf8', start, headEnd + 2);
  const ascii = head.length === headEnd + 2 - start;
  const loc = new Locator(head, start, ascii);
  const bad = FORBIDDEN.exec(head);
  if (bad) {
    const c = bad[0].charCodeAt(0);
    const what = c === 0 ? 'NUL byte' : c === 0xfffd ? 'invalid UTF-8' : c === 13 ? 'CR without LF' : c === 10 ? 'LF without CR' : 'control character';
    throw new SipParseError(`${what} in header section`, loc.byte(bad.index), lineOf(head, bad.index));
  }

  // start line
  let eol = head.indexOf('\r\n');
  if (eol > MAX_LINE_LENGTH) throw new SipParseError('start line too long', start, 1);
  const first = head.slice(0, eol);
  let message: SipMessage;
  if (first.startsWith('SIP/') || first.startsWith('sip/')) message = parseStatusLine(first, loc);
  else message = parseRequestLine(first, loc);

  // header fields (§7.3), unfolding continuation lines (§7.3.1)
  const names: string[] = [];
  const keys: string[] = [];
  const values: string[] = [];
  const offsets: number[] = [];
  const lines: number[] = [];
  let pos = eol + 2;
  let lineNo = 2;
  let clIndex = -1;
  while (pos < head.length) {
    eol = head.indexOf('\r\n', pos);
    const lineStart = pos;
    const startLineNo = lineNo;
    let line = head.slice(pos, eol);
    pos = eol + 2;
    lineNo++;
    const c0 = line.charCodeAt(0);
    if (c0 === 32 || c0 === 9) throw new SipParseError('continuation line without a header', loc.byte(lineStart), startLineNo);
    if (pos < head.length && (head.charCodeAt(pos) === 32 || head.charCodeAt(pos) === 9)) {
      // §7.3.1: a line starting with whitespace continues the previous one; the fold counts as one SP
      const parts = [line.trimEnd()];
      let total = parts[0]!.length;
      while (pos < head.length && (head.charCodeAt(pos) === 32 || head.charCodeAt(pos) === 9) && total <= MAX_LINE_LENGTH) {
        eol = head.indexOf('\r\n', pos);
        const piece = head.slice(pos, eol).trim();
        if (piece.length > 0) {
          parts.push(piece);
          total += piece.length + 1;
        }
        pos = eol + 2;
        lineNo++;
      }
      line = parts.join(' ');
    }
    if (line.length > MAX_LINE_LENGTH) throw new SipParseError('header line too long', loc.byte(lineStart), startLineNo);
    const colon = line.indexOf(':');
    if (colon < 0) throw new SipParseError('header line without colon', loc.byte(lineStart), startLineNo);
    // HCOLON = *( SP / HTAB ) ":" SWS
    let nameEnd = colon;
    while (nameEnd > 0 && (line.charCodeAt(nameEnd - 1) === 32 || line.charCodeAt(nameEnd - 1) === 9)) nameEnd--;
    if (nameEnd === 0) throw new SipParseError('empty header name', loc.byte(lineStart), startLineNo);
    for (let k = 0; k < nameEnd; k++) {
      if (!isTokenChar(line.charCodeAt(k))) throw new SipParseError('bad character in header name', loc.byte(lineStart + k), startLineNo);
    }
    const name = nameEnd === line.length ? line : line.slice(0, nameEnd);
    let v0 = colon + 1;
    while (v0 < line.length && (line.charCodeAt(v0) === 32 || line.charCodeAt(v0) === 9)) v0++;
    let v1 = line.length;
    while (v1 > v0 && (line.charCodeAt(v1 - 1) === 32 || line.charCodeAt(v1 - 1) === 9)) v1--;
    const key = headerKey(name);
    if (key === 'content-length') {
      if (clIndex >= 0 && values[clIndex] !== line.slice(v0, v1)) {
        throw new SipParseError('conflicting Content-Length headers', loc.byte(lineStart), startLineNo);
      }
      clIndex = names.length;
    }
    names.push(name);
    keys.push(key);
    values.push(line.slice(v0, v1));
    offsets.push(loc.byte(lineStart + v0));
    lines.push(startLineNo);
    if (names.length > MAX_HEADER_COUNT) throw new SipParseError('too many header fields', loc.byte(lineStart), startLineNo);
  }
  message.headers = SipHeaders.fromParsed(names, keys, values, offsets, lines);

  // body framing, §18.3
  const bodyStart = headEnd + 4;
  const available = buf.length - bodyStart;
  let length = available;
  if (clIndex >= 0) {
    try {
      length = parseUnsigned(values[clIndex]!, MAX_CONTENT_LENGTH);
    } catch (e) {
      if (e instanceof SipParseError) throw new SipParseError('bad Content-Length', offsets[clIndex]!, lines[clIndex]!);
      throw e;
    }
    // "If the transport packet ends before the end of the message body, this is considered an error"
    if (length > available) throw new SipParseError('Content-Length larger than the data', offsets[clIndex]!, lines[clIndex]!);
  } else if (options?.stream) {
    throw new SipParseError('missing Content-Length on a stream transport', headEnd, lineNo);
  }
  if (length > 0) message.body = Uint8Array.prototype.slice.call(buf, bodyStart, bodyStart + length);

  // the fields every layer reads: parse now so a malformed one is rejected here
  try {
    const m = message;
    if (m.kind === 'response') {
      m.topVia;
      m.from;
      m.to;
      m.callId;
      m.cseq;
    } else {
      m.vias;
      if (m.headers.has('from')) m.from;
      if (m.headers.has('to')) m.to;
      if (m.headers.has('call-id')) m.callId;
      if (m.headers.has('cseq')) m.cseq;
    }
    m.maxForwards;
  } catch (e) {
    if (e instanceof SipParseError) {
      e.partial = message;
      if (e.line === 0) e.line = lineNo;
    }
    throw e;
  }
  return message;
}

function lineOf(head: string, index: number): number {
  let n = 1;
  for (let i = head.indexOf('\n'); i >= 0 && i < index; i = head.indexOf('\n', i + 1)) n++;
  return n;
}

function parseStatusLine(line: string, loc: Locator): SipResponse {
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
  }
  return new SipResponse(status, reason, undefined, undefined, version);
}

function parseRequestLine(line: string, loc: Locator): SipRequest {
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
  let uri: Uri;
  try {
    uri = parseUri(line.slice(sp1 + 1, sp2));
  } catch (e) {
    if (e instanceof SipParseError) throw new SipParseError(`${e.reason} in Request-URI`, loc.byte(sp1 + 1 + e.offset), 1);
    throw e;
  }
  return new SipRequest(line.slice(0, sp1), uri, undefined, undefined, version);
}
