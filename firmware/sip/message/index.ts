/**
 * SIP messages (RFC 3261 §7, §19, §20, §25): parse, inspect, build, serialize.
 *
 * - `parseMessage(data, { stream? })` → `SipRequest | SipResponse` (check
 *   `.kind`); throws `SipParseError { reason, offset, line, partial? }`.
 *   Checked at parse time: size limits, start line, header syntax (token
 *   names, CRLF line ends, folding, no control characters, valid UTF-8),
 *   Content-Length framing (§18.3), and the values every transaction reads:
 *   top Via, From, To (display name, tag; not the URI), Call-ID, CSeq,
 *   Max-Forwards. A response missing Via/From/To/Call-ID/CSeq is rejected
 *   (§18.1.2); a request is returned so the UA can answer it — call
 *   `validateRequest(req)` for its problems (missing fields, CSeq method
 *   mismatch, bad or unsupported Request-URI, SIP version → 400/416/505).
 *   Everything else (Request-URI, From/To URIs, further Vias, Contact,
 *   Route…) is parsed on first access and cached; a malformed value throws
 *   SipParseError then. `err.partial` (a message that parsed structurally
 *   but has a bad core field) still lets a UAS copy Via/From/To/Call-ID/CSeq
 *   into a 400 with `createResponse`. `responseProblem(res)` says when a UAC
 *   should drop a response that parsed (§8.1.3.3: more than one Via).
 * - Parsing is cheap where it can be: a clean ASCII header section is
 *   checked a word at a time, header values are cut from it only when read,
 *   and a parsed Via, From or To builds its Params only when they are read
 *   (branch, received, rport and tag are kept from the check). What decides
 *   that a message is malformed still runs inside parseMessage.
 * - `msg.body` is a view into the input (no copy); copy it to keep it past
 *   the input buffer's reuse.
 * - `serializeMessage(msg)` → bytes; Content-Length always equals the body.
 *   parse ∘ serialize ∘ parse is stable.
 * - Framing of TCP/TLS byte streams into messages is the transport's job:
 *   `StreamFramer` in ../transport/stream-framer.ts.
 * - Messages: `msg.headers` (SipHeaders: ordered fields, case-insensitive and
 *   compact-name lookup, `get/getAll/list/set/append/prepend/delete`), typed
 *   accessors `vias`, `topVia`, `from`, `to` (NameAddr with `.tag`), `callId`,
 *   `cseq` ({seq, method}), `maxForwards`, `contacts`, `contactWildcard`,
 *   `routes`, `recordRoutes`, `expires`, `contentLength`, `contentType`,
 *   `tokens(name)`, `body`, `bodyText`; requests `method`, `uri`,
 *   `uriString`; responses `status`, `reason`; `clone()`. Parsed values are immutable:
 *   change a header with `headers.set('To', to.withTag(t))`. Challenges and
 *   credentials are read by firmware/sip/auth (`parseChallenges(msg.headers.getAll('WWW-Authenticate'))`).
 * - Values: `SipUri`/`TelUri`/`AbsoluteUri` (`parseUri`, `uriEquals` per
 *   §19.1.4), `NameAddr` (`parseNameAddr`), `Via` (`parseVia`, `.branch`,
 *   `.received`, `.rport`), `CSeq`, `Params`.
 * - Builders: `createRequest({...})` with the §8.1.1 fields,
 *   `createResponse(req, status, {toTag, ...})` per §8.2.6;
 *   `generateBranch/Tag/CallId`; `reasonPhrase(status)`.
 * - Limits (`MAX_MESSAGE_BYTES`, `MAX_HEADER_COUNT`, `MAX_LINE_LENGTH`…) bound the work for any input.
 */
export { SipParseError } from './parse-error.js';
export * from './limits.js';
export { parseMessage, type ParseOptions } from './parser.js';
export { serializeMessage, serializeHead } from './serializer.js';
export { SipRequest, SipResponse, parseUnsigned, type SipMessage } from './message.js';
export { SipHeaders, headerKey, type HeaderField, type HeaderValue } from './headers.js';
export { Params, parseHeaderParams, formatHeaderParams, type Param } from './params.js';
export { SipUri, TelUri, AbsoluteUri, parseUri, parseSipUri, parseTelUri, uriEquals, type Uri } from './uri.js';
export { NameAddr, parseNameAddr, parseNameAddrStrict } from './name-addr.js';
export { Via, parseVia, BRANCH_MAGIC_COOKIE } from './via.js';
export { CSeq, parseCSeq } from './cseq.js';
export { createRequest, createResponse, DEFAULT_MAX_FORWARDS, type RequestInit, type ResponseInit } from './builders.js';
export { validateRequest, responseProblem, type RequestProblem } from './validate.js';
export { reasonPhrase } from './reason-phrases.js';
export { generateBranch, generateTag, generateCallId } from './ids.js';
export { quote, unquote, isToken, isTokenChar, scanQuoted, skipWs } from './syntax.js';
