import { describe, expect, it } from 'vitest';
import {
  SipRequest,
  SipResponse,
  createRequest,
  createResponse,
  generateBranch,
  generateCallId,
  generateTag,
  isToken,
  parseMessage,
  parseNameAddr,
  parseUri,
  parseVia,
  reasonPhrase,
  serializeMessage,
  validateRequest,
  responseProblem,
  SipParseError,
} from '../../../../firmware/sip/message/index.js';
import { REALISTIC_MIX } from './fixtures/messages.js';

const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');

describe('serializeMessage', () => {
  it('writes back what it read, names as written, Content-Length matching the body', () => {
    for (const original of REALISTIC_MIX) {
      expect(text(serializeMessage(parseMessage(original)))).toBe(original);
    }
  });

  it('is stable: parse ∘ serialize ∘ parse gives the same message', () => {
    const folded = 'INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nSubject: one\r\n  two\r\nf: <sip:c@d>;tag=1\r\n\r\nbody-without-length';
    const once = serializeMessage(parseMessage(folded));
    const twice = serializeMessage(parseMessage(once));
    expect(text(twice)).toBe(text(once));
    expect(text(once)).toContain('Subject: one two\r\n');
    expect(text(once)).toContain('Content-Length: 19\r\n');
  });

  it('corrects a Content-Length that no longer matches a changed body', () => {
    const m = parseMessage(REALISTIC_MIX[1]!);
    m.body = new TextEncoder().encode('v=0\r\n');
    expect(text(serializeMessage(m))).toContain('Content-Length: 5\r\n\r\nv=0\r\n');
  });
});

describe('createRequest (RFC 3261 §8.1.1)', () => {
  it('writes the mandatory fields in order with Max-Forwards 70', () => {
    const req = createRequest({
      method: 'INVITE',
      uri: 'sip:bob@biloxi.com',
      from: '"Alice" <sip:alice@atlanta.com>;tag=1928301774',
      to: 'Bob <sip:bob@biloxi.com>',
      callId: 'a84b4c76e66710@pc33.atlanta.com',
      cseq: 314159,
      via: parseVia('SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds'),
      contact: '<sip:alice@pc33.atlanta.com>',
      body: 'v=0\r\n',
      contentType: 'application/sdp',
    });
    expect(text(serializeMessage(req))).toBe(
      [
        'INVITE sip:bob@biloxi.com SIP/2.0',
        'Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds',
        'Max-Forwards: 70',
        'To: "Bob" <sip:bob@biloxi.com>',
        'From: "Alice" <sip:alice@atlanta.com>;tag=1928301774',
        'Call-ID: a84b4c76e66710@pc33.atlanta.com',
        'CSeq: 314159 INVITE',
        'Contact: <sip:alice@pc33.atlanta.com>',
        'Content-Type: application/sdp',
        'Content-Length: 5',
        '',
        'v=0\r\n',
      ].join('\r\n'),
    );
    expect(validateRequest(parseMessage(serializeMessage(req)) as SipRequest)).toEqual([]);
  });

  it('rejects a bad URI in a value it is given', () => {
    expect(() => createRequest({ method: 'OPTIONS', uri: 'sip:a@b', from: '<sip:a@bad..host>', to: '<sip:b@c>', callId: 'x', cseq: 1 })).toThrow(SipParseError);
  });
});

describe('createResponse (RFC 3261 §8.2.6)', () => {
  const invite = parseMessage(REALISTIC_MIX[1]!) as SipRequest;

  it('copies Via (all, in order), From, To, Call-ID and CSeq, and tags To', () => {
    const r = createResponse(invite, 180, { toTag: 'x9' });
    expect(r.status).toBe(180);
    expect(r.reason).toBe('Ringing');
    expect(r.headers.getAll('via')).toEqual(invite.headers.getAll('via'));
    expect(r.from.toString()).toBe(invite.from.toString());
    expect(r.to.tag).toBe('x9');
    expect(r.callId).toBe(invite.callId);
    expect(r.cseq).toEqual(invite.cseq);
    expect(r.headers.has('record-route')).toBe(false);
    const reparsed = parseMessage(serializeMessage(r)) as SipResponse;
    expect(reparsed.to.tag).toBe('x9');
  });

  it('keeps an existing To tag, copies Record-Route when asked (§12.1.1) and Timestamp into 100 (§8.2.6.1)', () => {
    const inDialog = parseMessage(serializeMessage(createResponse(invite, 200, { toTag: 'a' }))) as SipResponse;
    const bye = createRequest({ method: 'BYE', uri: 'sip:x@y', from: inDialog.to, to: inDialog.from, callId: 'c', cseq: 2 });
    expect(createResponse(bye, 200, { toTag: 'other' }).to.tag).toBe(inDialog.from.tag);
    expect(createResponse(invite, 200, { toTag: 't', recordRoute: true }).headers.getAll('Record-Route')).toEqual(invite.headers.getAll('Record-Route'));
    const withTs = parseMessage('INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nTimestamp: 54\r\nTo: <sip:a@b>\r\n\r\n') as SipRequest;
    const trying = createResponse(withTs, 100, { toTag: 'never' });
    expect(trying.headers.get('timestamp')).toBe('54');
    expect(trying.to.tag).toBeUndefined();
  });

  it('answers a request whose To could not be parsed by echoing it (a 400 to a partial request)', () => {
    let partial: SipRequest | undefined;
    try {
      parseMessage('INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nTo: "broken <sip:a@b>\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\n\r\n');
    } catch (e) {
      partial = (e as SipParseError).partial as SipRequest;
    }
    const r = createResponse(partial!, 400, { reason: 'Bad To', toTag: 't' });
    const out = text(serializeMessage(r));
    expect(out.startsWith('SIP/2.0 400 Bad To\r\n')).toBe(true);
    expect(out).toContain('To: "broken <sip:a@b>\r\n');
  });

  it('knows the standard reason phrases', () => {
    expect(reasonPhrase(481)).toBe('Call/Transaction Does Not Exist');
    expect(reasonPhrase(299)).toBe('Success');
  });
});

describe('validateRequest: what a UAS answers 400/416/505 to', () => {
  const parse = (t: string) => parseMessage(t) as SipRequest;

  it('lists every missing mandatory field (§8.1.1)', () => {
    const problems = validateRequest(parse('OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n\r\n'));
    expect(problems.map((p) => p.reason)).toEqual(['Missing To', 'Missing From', 'Missing CSeq', 'Missing Call-ID', 'Missing Max-Forwards']);
    expect(problems.every((p) => p.status === 400)).toBe(true);
  });

  const full = (start: string, cseq = '1 OPTIONS') =>
    `${start}\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nTo: <sip:a@b>\r\nFrom: <sip:c@d>;tag=1\r\nCall-ID: x\r\nCSeq: ${cseq}\r\nMax-Forwards: 70\r\n\r\n`;

  it('finds CSeq method mismatch, other versions, URI headers and unknown schemes', () => {
    expect(validateRequest(parse(full('OPTIONS sip:a@b SIP/2.0')))).toEqual([]);
    expect(validateRequest(parse(full('OPTIONS sip:a@b SIP/2.0', '1 INVITE')))).toEqual([{ status: 400, reason: 'CSeq method does not match' }]);
    expect(validateRequest(parse(full('OPTIONS sip:a@b SIP/7.0')))).toEqual([{ status: 505, reason: 'Version Not Supported' }]);
    expect(validateRequest(parse(full('OPTIONS sip:a@b?Route=%3Csip:x%3E SIP/2.0')))).toEqual([{ status: 400, reason: 'Headers not allowed in Request-URI' }]);
    expect(validateRequest(parse(full('OPTIONS urn:service:sos SIP/2.0')))).toEqual([{ status: 416, reason: 'Unsupported URI Scheme' }]);
    expect(validateRequest(parse(full('OPTIONS sip:a@b..c SIP/2.0')))).toEqual([{ status: 400, reason: 'Bad Request-URI' }]);
  });
});

describe('responseProblem: what a UAC discards', () => {
  const base = (vias: string[], version = 'SIP/2.0') =>
    parseMessage([`${version} 200 OK`, ...vias, 'To: <sip:a@b>;tag=2', 'From: <sip:a@b>;tag=1', 'Call-ID: c', 'CSeq: 1 OPTIONS', '', ''].join('\r\n')) as SipResponse;

  it('accepts a response with one Via and flags more than one (§8.1.3.3), a bad second Via and another version', () => {
    expect(responseProblem(base(['Via: SIP/2.0/UDP h;branch=z9hG4bK1']))).toBeUndefined();
    expect(responseProblem(base(['Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'Via: SIP/2.0/UDP p;branch=z9hG4bK2']))).toBe('more than one Via');
    expect(responseProblem(base(['Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'Via: SIP/2.0/UDP p:x']))).toMatch(/bad port in Via/);
    expect(responseProblem(base(['Via: SIP/2.0/UDP h;branch=z9hG4bK1'], 'SIP/3.0'))).toBe('unsupported SIP version');
  });
});

describe('clone', () => {
  it('copies headers so the copy can change without touching the original, keeping the URI unparsed', () => {
    const req = parseMessage(REALISTIC_MIX[1]!) as SipRequest;
    const copy = req.clone();
    copy.headers.set('CSeq', '2 INVITE');
    copy.headers.prepend('Via', 'SIP/2.0/UDP new;branch=z9hG4bKnew');
    expect(req.cseq.seq).toBe(1);
    expect(req.topVia.branch).toBe('z9hG4bKcydzigwkX');
    expect(copy.cseq.seq).toBe(2);
    expect(copy.topVia.branch).toBe('z9hG4bKnew');
    expect(copy.uriString).toBe(req.uriString);
    expect(copy.body).toBe(req.body);
    const res = createResponse(req, 180, { toTag: 'x' });
    expect(res.clone().to.tag).toBe('x');
  });
});


describe('identifiers', () => {
  it('makes branches with the magic cookie (§8.1.1.7), tags and Call-IDs that are tokens and differ', () => {
    const b = generateBranch();
    expect(b.startsWith('z9hG4bK')).toBe(true);
    expect(isToken(b) && isToken(generateTag())).toBe(true);
    expect(generateTag()).not.toBe(generateTag());
    expect(generateCallId('192.0.2.1')).toMatch(/@192\.0\.2\.1$/);
    const req = createRequest({ method: 'OPTIONS', uri: parseUri('sip:a@b'), from: parseNameAddr('<sip:c@d>').withTag(generateTag()), to: '<sip:a@b>', callId: generateCallId(), cseq: 1 });
    expect(validateRequest(parseMessage(serializeMessage(req)) as SipRequest).map((p) => p.reason)).toEqual(['Missing Via']);
  });
});
