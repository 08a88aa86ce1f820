import { describe, expect, it } from 'vitest';
import {
  MAX_HEADER_COUNT,
  SipParseError,
  SipRequest,
  SipResponse,
  SipUri,
  parseMessage,
  validateRequest,
  type SipMessage,
} from '../../../../firmware/sip/message/index.js';
import { INVITE_WITH_SDP, OK_WITH_SDP, REGISTER_WITH_AUTH } from './fixtures/messages.js';

const crlf = (...lines: string[]): string => lines.join('\r\n');

function request(m: SipMessage): SipRequest {
  expect(m).toBeInstanceOf(SipRequest);
  return m as SipRequest;
}

function parseError(data: string | Uint8Array): SipParseError {
  try {
    parseMessage(data);
  } catch (e) {
    expect(e).toBeInstanceOf(SipParseError);
    return e as SipParseError;
  }
  throw new Error('expected a SipParseError');
}

describe('parseMessage: requests and responses (RFC 3261 §7)', () => {
  it('reads an INVITE with SDP: start line, headers in order, body framed by Content-Length', () => {
    const m = request(parseMessage(INVITE_WITH_SDP));
    expect(m.method).toBe('INVITE');
    expect(m.uri).toBeInstanceOf(SipUri);
    expect((m.uri as SipUri).user).toBe('201');
    expect(m.version).toBe('SIP/2.0');
    expect(m.vias.map((v) => v.branch)).toEqual(['z9hG4bKcydzigwkX', 'z9hG4bK74bf9']);
    expect(m.topVia.host).toBe('192.0.2.1');
    expect(m.recordRoutes.map((r) => r.uri.toString())).toEqual(['sip:192.0.2.1;lr;ftag=a73kszlfl']);
    expect(m.from.displayName).toBe('Bob');
    expect(m.from.tag).toBe('a73kszlfl');
    expect(m.to.tag).toBeUndefined();
    expect(m.callId).toBe('3848276298220188511@198.51.100.7');
    expect(m.cseq).toMatchObject({ seq: 1, method: 'INVITE' });
    expect(m.maxForwards).toBe(69);
    expect(m.contentType).toBe('application/sdp');
    expect(m.tokens('Supported')).toEqual(['replaces', 'timer']);
    expect(m.tokens('Allow')).toContain('OPTIONS');
    expect(m.bodyText.startsWith('v=0\r\no=alice')).toBe(true);
    expect(m.body.length).toBe(m.contentLength);
    expect([...m.headers].map((h) => h.name)[0]).toBe('Record-Route');
  });

  it('reads a response: status, reason, and the fields a transaction matches on', () => {
    const m = parseMessage(OK_WITH_SDP) as SipResponse;
    expect(m.kind).toBe('response');
    expect(m.status).toBe(200);
    expect(m.reason).toBe('OK');
    expect(m.to.tag).toBe('1410948204');
    expect(m.topVia.branch).toBe('z9hG4bKcydzigwkX');
  });

  it('reads Contact with expires and a wildcard Contact (§10.2.2)', () => {
    const m = parseMessage(REGISTER_WITH_AUTH);
    expect(m.contacts).toHaveLength(1);
    expect(m.contacts[0]!.expires).toBe(3600);
    expect(m.expires).toBe(3600);
    const star = parseMessage(
      crlf('REGISTER sip:r.example SIP/2.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'To: <sip:a@r.example>', 'From: <sip:a@r.example>;tag=1', 'Call-ID: c', 'CSeq: 2 REGISTER', 'Contact: *', 'Expires: 0', '', ''),
    );
    expect(star.contactWildcard).toBe(true);
    expect(star.contacts).toEqual([]);
  });

  it('accepts an empty reason phrase and a UTF-8 one', () => {
    const base = ['Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'To: <sip:a@b>;tag=2', 'From: <sip:a@b>;tag=1', 'Call-ID: c', 'CSeq: 1 INVITE', 'Content-Length: 0', '', ''];
    expect((parseMessage(crlf('SIP/2.0 180 ', ...base)) as SipResponse).reason).toBe('');
    expect((parseMessage(crlf('SIP/2.0 180', ...base)) as SipResponse).reason).toBe('');
    expect((parseMessage(crlf('SIP/2.0 486 Besetzt – bitte später', ...base)) as SipResponse).reason).toBe('Besetzt – bitte später');
  });
});

describe('valid but unusual messages (inspired by RFC 4475 §3.1.1)', () => {
  // RFC 4475 "wsinv", the short tortuous INVITE: case, compact forms, folding, odd spacing
  const tortuous = crlf(
    'INVITE sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0',
    'TO :',
    ' sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n',
    'from   : "J Rosenberg \\\\\\""       <sip:jdrosen@example.com>',
    '  ;',
    '  tag = 98asjd8',
    'MaX-fOrWaRdS: 0068',
    'Call-ID: wsinv.ndaksdj@192.0.2.1',
    'Content-Length   : 4',
    'cseq: 0009',
    '  INVITE',
    'Via  : SIP  /   2.0',
    ' /UDP',
    '    192.0.2.2;rport;branch=390skdjuw',
    's :',
    'NewFangledHeader:   newfangled value',
    ' continued newfangled value',
    'UnknownHeaderWithUnusualValue: ;;,,;;,;',
    'Content-Type: application/sdp',
    'Route:',
    ' <sip:services.example.com;lr;unknownwith=value;unknown-no-value>',
    'v:  SIP  / 2.0  / TCP     spindle.example.com   ;',
    '  branch  =   z9hG4bK9ikj8  ,',
    ' SIP  /    2.0   / UDP  192.168.255.111   ; branch=',
    ' z9hG4bK30239',
    'm:"Quoted string \\"\\"" <sip:jdrosen@example.com> ; newparam =',
    '      newvalue ;',
    '  secondparam ; q = 0.33',
    '',
    'v=0\r\n',
  );

  it('parses the tortuous INVITE: compact names, folding, LWS everywhere', () => {
    const m = request(parseMessage(tortuous));
    expect(m.to.tag).toBe('1918181833n');
    expect(m.from.displayName).toBe('J Rosenberg \\"');
    expect(m.from.tag).toBe('98asjd8');
    expect(m.maxForwards).toBe(68);
    expect(m.cseq).toMatchObject({ seq: 9, method: 'INVITE' });
    expect(m.vias.map((v) => [v.transport, v.host, v.branch])).toEqual([
      ['UDP', '192.0.2.2', '390skdjuw'],
      ['TCP', 'spindle.example.com', 'z9hG4bK9ikj8'],
      ['UDP', '192.168.255.111', 'z9hG4bK30239'],
    ]);
    expect(m.headers.get('Subject')).toBe('');
    expect(m.headers.get('newfangledheader')).toBe('newfangled value continued newfangled value');
    expect(m.headers.get('UnknownHeaderWithUnusualValue')).toBe(';;,,;;,;');
    expect(m.routes[0]!.uri.toString()).toBe('sip:services.example.com;lr;unknownwith=value;unknown-no-value');
    expect(m.contacts[0]!.displayName).toBe('Quoted string ""');
    expect(m.contacts[0]!.params.get('q')).toBe('0.33');
    expect(m.bodyText).toBe('v=0\r');
  });

  it('ignores bytes after the declared body (§18.3, RFC 4475 "dblreq" style)', () => {
    const m = parseMessage(crlf('OPTIONS sip:a@b SIP/2.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'Content-Length: 2', '', 'okEXTRA BYTES'));
    expect(m.bodyText).toBe('ok');
  });

  it('takes the rest of a datagram as body when Content-Length is absent', () => {
    const m = parseMessage(crlf('MESSAGE sip:a@b SIP/2.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', '', 'hello'));
    expect(m.bodyText).toBe('hello');
  });

  it('requires Content-Length on streams (§18.3, §20.14)', () => {
    const text = crlf('MESSAGE sip:a@b SIP/2.0', 'Via: SIP/2.0/TCP h;branch=z9hG4bK1', '', '');
    expect(() => parseMessage(text, { stream: true })).toThrow(/missing Content-Length on a stream/);
  });

  it('accepts the same Content-Length twice, compact l, and leading CRLFs (§7.5)', () => {
    const m = parseMessage('\r\n\r\n' + crlf('OPTIONS sip:a@b SIP/2.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'l: 3', 'Content-Length: 3', '', 'abc'));
    expect(m.bodyText).toBe('abc');
  });

  it('keeps a body with NUL bytes and binary data untouched', () => {
    const head = Buffer.from(crlf('MESSAGE sip:a@b SIP/2.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'Content-Type: application/octet-stream', 'Content-Length: 4', '', ''));
    const m = parseMessage(Buffer.concat([head, Buffer.from([0, 255, 13, 10])]));
    expect([...m.body]).toEqual([0, 255, 13, 10]);
  });

  it('reads unknown methods, schemes and a non-2.0 version structurally (the UA answers 405/416/505)', () => {
    const base = ['Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'Content-Length: 0', '', ''];
    expect(request(parseMessage(crlf('NEWMETHOD sip:a@b SIP/2.0', ...base))).method).toBe('NEWMETHOD');
    expect(request(parseMessage(crlf('OPTIONS urn:service:sos SIP/2.0', ...base))).uri.scheme).toBe('urn');
    expect(request(parseMessage(crlf('OPTIONS sip:a@b SIP/7.0', ...base))).version).toBe('SIP/7.0');
  });

  it('reads header names case-insensitively with any whitespace before the colon', () => {
    const m = parseMessage(crlf('OPTIONS sip:a@b SIP/2.0', 'VIA\t: SIP/2.0/UDP h;branch=z9hG4bK1', 'call-id:x@y', 'I: ignored-second', '', ''));
    expect(m.topVia.branch).toBe('z9hG4bK1');
    expect(m.callId).toBe('x@y');
    expect(m.headers.getAll('Call-ID')).toEqual(['x@y', 'ignored-second']);
  });

  it('accepts a Call-ID made of word characters (§25.1)', () => {
    const m = parseMessage(crlf('OPTIONS sip:a@b SIP/2.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'Call-ID: 0ha0isndaksdj@10.0.0.1:5060/<~(x)>', '', ''));
    expect(m.callId).toBe('0ha0isndaksdj@10.0.0.1:5060/<~(x)>');
  });
});

describe('invalid messages are rejected with what and where (inspired by RFC 4475 §3.1.2)', () => {
  const good = ['Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'To: <sip:a@b>', 'From: <sip:c@d>;tag=1', 'Call-ID: x', 'CSeq: 1 INVITE', 'Max-Forwards: 70'];

  it('Content-Length larger than the message (RFC 4475 "clerr")', () => {
    const e = parseError(crlf('INVITE sip:a@b SIP/2.0', ...good, 'Content-Length: 9999', '', 'v=0'));
    expect(e.reason).toBe('Content-Length larger than the data');
    expect(e.line).toBe(8);
  });

  it('negative or non-numeric Content-Length (RFC 4475 "ncl")', () => {
    expect(parseError(crlf('INVITE sip:a@b SIP/2.0', ...good, 'Content-Length: -999', '', '')).reason).toBe('bad Content-Length');
    expect(parseError(crlf('INVITE sip:a@b SIP/2.0', ...good, 'Content-Length: 12abc', '', '')).reason).toBe('bad Content-Length');
    expect(parseError(crlf('INVITE sip:a@b SIP/2.0', ...good, 'l: 1', 'Content-Length: 2', '', 'xx')).reason).toBe('conflicting Content-Length headers');
  });

  it('overlarge scalar fields (RFC 4475 "scalar02")', () => {
    expect(parseError(crlf('REGISTER sip:a@b SIP/2.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'CSeq: 36893488147419103232 REGISTER', '', '')).reason).toMatch(/CSeq number too large/);
    expect(parseError(crlf('REGISTER sip:a@b SIP/2.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'Max-Forwards: 300', '', '')).reason).toMatch(/out of range/);
    expect(parseError(crlf('SIP/2.0 4294967301 better not break the receiver', ...good, '', '')).reason).toBe('expected space after status code');
    expect(parseError(crlf('SIP/2.0 099 Too low', ...good, '', '')).reason).toBe('status code out of range');
  });

  it('bad start lines: request-URI with spaces, <>, several SPs, trailing SP, missing version', () => {
    expect(parseError(crlf('INVITE sip:user@example.com; lr SIP/2.0', ...good, '', '')).reason).toMatch(/whitespace inside Request-URI/);
    expect(parseError(crlf('INVITE <sip:user@example.com> SIP/2.0', ...good, '', '')).reason).toMatch(/Request-URI without scheme/);
    expect(parseError(crlf('INVITE  sip:user@example.com SIP/2.0', ...good, '', '')).reason).toBe('empty Request-URI');
    expect(parseError(crlf('OPTIONS sip:user@example.com SIP/2.0 ', ...good, '', '')).reason).toMatch(/whitespace/);
    expect(parseError(crlf('INVITE sip:user@example.com', ...good, '', '')).reason).toBe('request line without SIP version');
    expect(parseError(crlf('INVITE sip:user@example.com HTTP/1.1', ...good, '', '')).reason).toBe('bad SIP version in request line');
    expect(parseError(crlf('INV"ITE sip:user@example.com SIP/2.0', ...good, '', '')).reason).toBe('bad character in method');
    expect(parseError(crlf(' INVITE sip:user@example.com SIP/2.0', ...good, '', '')).reason).toBe('request line starts with a space');
    expect(parseError(crlf('SIP/2.0 2x0 OK', ...good, '', '')).reason).toBe('bad status code');
    expect(parseError(crlf('SIP/2 200 OK', ...good, '', '')).reason).toBe('bad SIP version in status line');
  });

  it('bad header lines: no colon, bad name, continuation first, controls, bare LF or CR', () => {
    expect(parseError(crlf('OPTIONS sip:a@b SIP/2.0', 'Via SIP/2.0/UDP h', '', '')).reason).toBe('bad character in header name');
    expect(parseError(crlf('OPTIONS sip:a@b SIP/2.0', 'Just a line', '', '')).reason).toBe('bad character in header name');
    expect(parseError(crlf('OPTIONS sip:a@b SIP/2.0', 'NoColon', '', '')).reason).toBe('header line without colon');
    expect(parseError(crlf('OPTIONS sip:a@b SIP/2.0', ': empty', '', '')).reason).toBe('empty header name');
    expect(parseError(crlf('OPTIONS sip:a@b SIP/2.0', 'Bad(Name): x', '', '')).reason).toBe('bad character in header name');
    expect(parseError(crlf('OPTIONS sip:a@b SIP/2.0', ' folded: x', '', '')).reason).toBe('continuation line without a header');
    const nul = parseError(crlf('OPTIONS sip:a@b SIP/2.0', 'Subject: a\0b', '', ''));
    expect(nul.reason).toBe('NUL byte in header');
    expect(nul.offset).toBe('OPTIONS sip:a@b SIP/2.0\r\nSubject: a'.length);
    expect(nul.line).toBe(2);
    expect(parseError(crlf('OPTIONS sip:a@b SIP/2.0', 'Subject: a\x07b', '', '')).reason).toBe('control character in header');
    expect(parseError('OPTIONS sip:a@b SIP/2.0\r\nSubject: a\nVia: x\r\n\r\n').reason).toBe('LF without CR in header');
    expect(parseError('OPTIONS sip:a@b SIP/2.0\r\nSubject: a\rVia: x\r\n\r\n').reason).toBe('CR without LF in header');
  });

  it('invalid UTF-8 in the header section', () => {
    const bytes = Buffer.concat([Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nSubject: '), Buffer.from([0xc3, 0x28]), Buffer.from('\r\n\r\n')]);
    expect(parseError(bytes).reason).toBe('invalid UTF-8 in header');
  });

  it('gives byte offsets, not character offsets, after UTF-8 text', () => {
    const e = parseError(crlf('OPTIONS sip:a@b SIP/2.0', 'Subject: ü', 'Bad Name: x', '', ''));
    expect(e.offset).toBe(Buffer.byteLength('OPTIONS sip:a@b SIP/2.0\r\nSubject: ü\r\nBad '));
    expect(e.line).toBe(3);
  });

  it('a message without the empty line, an empty message, only CRLFs', () => {
    expect(parseError('OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h\r\n').reason).toBe('header section not terminated by an empty line');
    expect(parseError('').reason).toBe('empty message');
    expect(parseError('\r\n\r\n').reason).toBe('empty message');
  });

  it('too many header fields and over-long lines', () => {
    const many = Array.from({ length: MAX_HEADER_COUNT + 1 }, (_, i) => `X-H${i}: v`);
    expect(parseError(crlf('OPTIONS sip:a@b SIP/2.0', ...many, '', '')).reason).toBe('too many header fields');
    expect(parseError(crlf('OPTIONS sip:a@b SIP/2.0', `Subject: ${'x'.repeat(9000)}`, '', '')).reason).toBe('header line too long');
    expect(parseError(crlf('OPTIONS sip:a@b SIP/2.0', 'Subject: a', ...Array.from({ length: 2000 }, () => ' folded-more'), '', '')).reason).toBe('header line too long');
    expect(parseError(crlf(`OPTIONS sip:${'a'.repeat(9000)}@b SIP/2.0`, '', '')).reason).toBe('start line too long');
    expect(parseError('OPTIONS sip:a@b SIP/2.0\r\nX: ' + 'y'.repeat(70_000) + '\r\n\r\n').reason).toBe('message too large');
  });

  it('a response missing a mandatory field is rejected (§18.1.2 discards it)', () => {
    const e = parseError(crlf('SIP/2.0 200 OK', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'To: <sip:a@b>', 'From: <sip:c@d>;tag=1', 'CSeq: 1 INVITE', '', ''));
    expect(e.reason).toBe('missing Call-ID header');
    expect(e.partial?.kind).toBe('response');
  });

  it('a malformed core field is rejected at parse time, with the message as parsed so far', () => {
    const e = parseError(crlf('INVITE sip:a@b SIP/2.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'To: <sip:a@b>', 'From: <sip:c@d>;tag=1', 'Call-ID: x', 'CSeq: one INVITE', '', ''));
    expect(e.reason).toMatch(/bad CSeq number/);
    expect(e.line).toBe(6);
    expect(e.offset).toBe(crlf('INVITE sip:a@b SIP/2.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'To: <sip:a@b>', 'From: <sip:c@d>;tag=1', 'Call-ID: x', 'CSeq: ').length);
    const partial = e.partial as SipRequest;
    expect(partial.method).toBe('INVITE');
    expect(partial.headers.get('call-id')).toBe('x');
    expect(parseError(crlf('INVITE sip:a@b SIP/2.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'Call-ID: a b', '', '')).reason).toMatch(/Call-ID/);
    expect(parseError(crlf('INVITE sip:a@b SIP/2.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'From: Bell, Alexander <sip:a@b>;tag=1', '', '')).reason).toMatch(/display name/);
    expect(parseError(crlf('INVITE sip:a@b SIP/2.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'To: "unterminated <sip:a@b>', '', '')).reason).toMatch(/unterminated display name/);
  });

  it('reports a bad Request-URI when it is read (parsed lazily)', () => {
    const m = request(parseMessage(crlf('INVITE sip:a@bad..host SIP/2.0', ...good, '', '')));
    expect(() => m.uri).toThrow(/empty host label in Request-URI/);
  });
});

describe('more RFC 4475-style messages', () => {
  const head = (start: string, ...extra: string[]) =>
    [start, 'Via: SIP/2.0/UDP host1.example.com;branch=z9hG4bK-d87543', 'To: <sip:j_user@example.com>', 'From: <sip:caller@example.net>;tag=134161461246', 'Call-ID: k345asd@192.0.2.1', 'Max-Forwards: 70', ...extra];
  const msg = (lines: string[], body = '') => [...lines, `Content-Length: ${Buffer.byteLength(body)}`, '', body].join('\r\n');

  it('RFC 4475 "intmeth": a method of unusual token characters, matched by CSeq', () => {
    const method = "!interesting-Method0123456789_*+`.%indeed'~";
    const m = request(parseMessage(msg(head(`${method} sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com SIP/2.0`, `CSeq: 139122385 ${method}`))));
    expect(m.method).toBe(method);
    expect(m.cseq.method).toBe(method);
    expect((m.uri as SipUri).user).toBe("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    expect((m.uri as SipUri).password).toBe("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
    expect(validateRequest(m)).toEqual([]);
  });

  it('RFC 4475 "esc01"/"escnull": escaped characters, including %00, in the Request-URI user', () => {
    const m = request(parseMessage(msg(head('RE%47IST%45R sip:null-%00-null@example.com SIP/2.0', 'CSeq: 1 RE%47IST%45R'))));
    expect(m.method).toBe('RE%47IST%45R');
    expect((m.uri as SipUri).user).toBe('null-\0-null');
    expect(String(m.uri)).toBe('sip:null-%00-null@example.com');
  });

  it('RFC 4475 "zeromf", "inv2543": Max-Forwards 0 and an RFC 2543 branch-less Via are structurally fine', () => {
    const zero = request(parseMessage(msg([...head('OPTIONS sip:a@example.com SIP/2.0', 'CSeq: 1 OPTIONS')].map((l) => (l.startsWith('Max-Forwards') ? 'Max-Forwards: 0' : l)))));
    expect(zero.maxForwards).toBe(0);
    const old = request(parseMessage(msg(['INVITE sip:UserB@example.com SIP/2.0', 'Via: SIP/2.0/UDP 192.0.2.15', 'From: <sip:UserA@example.com>', 'To: <sip:UserB@example.com>', 'Call-ID: 0ha0isndaksdj@192.0.2.15', 'CSeq: 8 INVITE', 'Max-Forwards: 70'])));
    expect(old.topVia.branch).toBeUndefined();
    expect(old.from.tag).toBeUndefined();
  });

  it('RFC 4475 "transports": varied and unknown transports in Via', () => {
    const m = request(parseMessage(msg(head('OPTIONS sip:a@example.com SIP/2.0', 'CSeq: 1 OPTIONS', 'Via: SIP/2.0/SCTP t2.example.com;branch=z9hG4bKklasjdhf', 'Via: SIP/2.0/TLS t3.example.com;branch=z9hG4bK2980unddj', 'Via: SIP/2.0/UNKNOWN t4.example.com;branch=z9hG4bKasd0f3en', 'Via: SIP/2.0/TCP t5.example.com;branch=z9hG4bK0a9idfnee'))));
    expect(m.vias.map((v) => v.transport)).toEqual(['UDP', 'SCTP', 'TLS', 'UNKNOWN', 'TCP']);
  });

  it('RFC 4475 "unksm2": an unknown URI scheme in To is read as text', () => {
    const m = request(parseMessage(msg([...head('REGISTER sip:example.com SIP/2.0', 'CSeq: 1 REGISTER')].map((l) => (l.startsWith('To:') ? 'To: isbn:2983792873' : l)))));
    expect(m.to.uri.scheme).toBe('isbn');
    expect(String(m.to.uri)).toBe('isbn:2983792873');
  });

  it('RFC 4475 "longreq": long values and 60 Vias are within the limits', () => {
    const vias = Array.from({ length: 60 }, (_, i) => `Via: SIP/2.0/TCP sip${i}.example.com:5060;received=192.0.2.${i};branch=z9hG4bK${'x'.repeat(40)}${i}`);
    const m = request(parseMessage(msg(head('INVITE sip:user@example.com SIP/2.0', 'CSeq: 1 INVITE', ...vias, `Subject: ${'very long subject '.repeat(200)}`, `X-Long-${'a'.repeat(300)}: ${'b'.repeat(2000)}`))));
    expect(m.vias).toHaveLength(61);
    expect(m.headers.get(`X-Long-${'a'.repeat(300)}`)).toHaveLength(2000);
  });

  it('RFC 4475 "noreason"/"unreason": empty and UTF-8 reason phrases', () => {
    const resp = (line: string) => parseMessage([line, 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'To: <sip:a@b>;tag=2', 'From: <sip:a@b>;tag=1', 'Call-ID: c', 'CSeq: 1 INVITE', 'Content-Length: 0', '', ''].join('\r\n')) as SipResponse;
    expect(resp('SIP/2.0 100 ').reason).toBe('');
    expect(resp('SIP/2.0 200 = 2**3 * 5**2 но сто девяносто девять - простое').reason).toBe('= 2**3 * 5**2 но сто девяносто девять - простое');
  });

  it('RFC 4475 "multi01": two values of a single-value field are a 400', () => {
    const m = request(parseMessage(msg(head('INVITE sip:user@company.com SIP/2.0', 'CSeq: 1 INVITE', 'To: <sip:other@example.com>', 'Call-ID: other@example.com'))));
    expect(validateRequest(m).map((p) => p.reason)).toEqual(['Multiple To', 'Multiple Call-ID']);
  });

  it('RFC 4475 "regbadct": a Contact addr-spec with a URI header is rejected when read', () => {
    const m = parseMessage(msg(head('REGISTER sip:example.com SIP/2.0', 'CSeq: 1 REGISTER', 'Contact: sip:user@example.com?Route=%3Csip:sip.example.com%3E')));
    expect(() => m.contacts).toThrow(/enclosed in <>/);
  });
});
