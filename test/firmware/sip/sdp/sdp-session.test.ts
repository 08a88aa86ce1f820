import { parse } from 'sdp-transform';
import { describe, expect, it } from 'vitest';
import { answerDirection, SdpError, SdpSession, type SdpCodec } from '../../../../firmware/sip/sdp/index.js';

const PCMU: SdpCodec = { name: 'PCMU', payloadType: 0, clockRate: 8000, channels: 1 };
const PCMA: SdpCodec = { name: 'PCMA', payloadType: 8, clockRate: 8000, channels: 1 };
const G722: SdpCodec = { name: 'G722', payloadType: 9, clockRate: 8000, channels: 1 };
const TE: SdpCodec = { name: 'telephone-event', kind: 'telephone-event', payloadType: 101, clockRate: 8000, channels: 1, fmtp: '0-15' };

const phone = (codecs: SdpCodec[] = [PCMU, PCMA, TE], address = '192.0.2.10', port = 40000) =>
  new SdpSession({ address, port, codecs }, { sessionId: '4242' });

const sdp = (...lines: string[]) => lines.join('\r\n') + '\r\n';
const remoteOffer = (media: string[], session: string[] = ['c=IN IP4 198.51.100.7']) =>
  sdp('v=0', 'o=peer 1 1 IN IP4 198.51.100.7', 's=-', ...session, 't=0 0', ...media);

describe('offers (RFC 3264 §5)', () => {
  it('lists the configured codecs in config order with rtpmap, telephone-event fmtp, ptime and sendrecv', () => {
    const offer = parse(phone().createOffer());
    const m = offer.media[0]!;
    expect(m.payloads).toBe('0 8 101');
    expect(m.rtp.map((r) => `${r.payload} ${r.codec}/${r.rate}`)).toEqual(['0 PCMU/8000', '8 PCMA/8000', '101 telephone-event/8000']);
    expect(m.fmtp).toEqual([{ payload: 101, config: '0-15' }]);
    expect(m.ptime).toBe(20);
    expect(m.direction).toBe('sendrecv');
    expect(m.port).toBe(40000);
    expect(offer.connection).toEqual({ version: 4, ip: '192.0.2.10' });
  });

  it('puts G.722 where the caller lists it', () => {
    const m = parse(phone([G722, PCMA, TE]).createOffer()).media[0]!;
    expect(m.payloads).toBe('9 8 101');
    expect(m.rtp[0]).toMatchObject({ payload: 9, codec: 'G722', rate: 8000 });
  });

  it('writes IN IP6 for an IPv6 interface in o= and c=', () => {
    const offer = parse(phone([PCMU], '2001:db8::10').createOffer());
    expect(offer.connection).toEqual({ version: 6, ip: '2001:db8::10' });
    expect(offer.origin).toMatchObject({ ipVer: 6, address: '2001:db8::10' });
  });

  it('increments the o= version on every offer that changes the session and keeps it for a repeat (§8)', () => {
    const s = phone();
    const version = () => Number(parse(s.lastSdp!).origin.sessionVersion);
    s.createOffer();
    const v1 = version();
    s.createOffer('sendonly');
    expect(version()).toBe(v1 + 1);
    s.createOffer('sendonly');
    expect(version()).toBe(v1 + 1);
    s.createOffer('sendrecv');
    expect(version()).toBe(v1 + 2);
    s.updateLocal({ port: 40002 });
    s.createOffer('sendrecv');
    expect(version()).toBe(v1 + 3);
    expect(parse(s.lastSdp!).origin.sessionId).toBe(4242);
  });
});

describe('answers (RFC 3264 §6)', () => {
  it('picks the first offered codec we also have, plus telephone-event, with the offer\'s payload numbers', () => {
    const offer = remoteOffer(['m=audio 5004 RTP/AVP 18 8 0 96', 'a=rtpmap:18 G729/8000', 'a=rtpmap:96 telephone-event/8000', 'a=fmtp:96 0-16', 'a=ptime:30']);
    const { answer, media } = phone().receiveOffer(offer);
    const m = parse(answer).media[0]!;
    expect(m.payloads).toBe('8 96');
    expect(m.fmtp).toEqual([{ payload: 96, config: '0-16' }]);
    expect(media).toMatchObject({
      remoteAddress: '198.51.100.7',
      remotePort: 5004,
      codec: { name: 'PCMA', clockRate: 8000, channels: 1 },
      payloadType: 8,
      ptime: 30,
      telephoneEventPayloadType: 96,
      direction: 'sendrecv',
      remoteHolds: false,
    });
  });

  it('reads static payload types that come without rtpmap', () => {
    const { media } = phone([PCMA]).receiveOffer(remoteOffer(['m=audio 5004 RTP/AVP 0 8']));
    expect(media.codec.name).toBe('PCMA');
    expect(media.telephoneEventPayloadType).toBeUndefined();
  });

  it('uses the media-level connection address over the session-level one', () => {
    const { media } = phone().receiveOffer(remoteOffer(['m=audio 5004 RTP/AVP 0', 'c=IN IP6 2001:db8::7'], ['c=IN IP4 198.51.100.7']));
    expect(media.remoteAddress).toBe('2001:db8::7');
  });

  it('rejects streams it does not take with port 0 and keeps the m= line count', () => {
    const offer = remoteOffer(['m=video 6000 RTP/AVP 96', 'a=rtpmap:96 H264/90000', 'm=audio 5004 RTP/AVP 0', 'm=audio 5006 RTP/AVP 8']);
    const m = parse(phone().receiveOffer(offer).answer).media;
    expect(m.map((x) => `${x.type} ${x.port}`)).toEqual(['video 0', 'audio 40000', 'audio 0']);
  });

  it('refuses an offer with no common codec: SdpError with status 488', () => {
    const offer = remoteOffer(['m=audio 5004 RTP/AVP 18', 'a=rtpmap:18 G729/8000']);
    let error: unknown;
    try {
      phone().receiveOffer(offer);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SdpError);
    expect((error as SdpError).status).toBe(488);
    expect((error as SdpError).code).toBe('SIP_SDP');
  });

  it('refuses a codec that matches by name but not by clock rate', () => {
    expect(() => phone([G722]).receiveOffer(remoteOffer(['m=audio 5004 RTP/AVP 97', 'a=rtpmap:97 G722/16000']))).toThrow(SdpError);
  });

  it('answers garbage with an unparseable error (400)', () => {
    let error: SdpError | undefined;
    try {
      phone().receiveOffer('hello');
    } catch (err) {
      error = err as SdpError;
    }
    expect(error?.reason).toBe('unparseable');
    expect(error?.status).toBe(400);
  });

  it('mirrors the offered direction: sendonly → recvonly, recvonly → sendonly, inactive → inactive', () => {
    const dir = (d: string) => phone().receiveOffer(remoteOffer(['m=audio 5004 RTP/AVP 0', `a=${d}`])).media;
    expect(dir('sendonly')).toMatchObject({ direction: 'recvonly', remoteHolds: true });
    expect(dir('recvonly')).toMatchObject({ direction: 'sendonly', remoteHolds: false });
    expect(dir('inactive')).toMatchObject({ direction: 'inactive', remoteHolds: true });
  });

  it('takes a session-level direction attribute when the media has none', () => {
    const { media } = phone().receiveOffer(remoteOffer(['m=audio 5004 RTP/AVP 0'], ['c=IN IP4 198.51.100.7', 'a=sendonly']));
    expect(media.remoteHolds).toBe(true);
  });

  it('treats c=0.0.0.0 as the RFC 2543 form of hold', () => {
    const { media, answer } = phone().receiveOffer(remoteOffer(['m=audio 5004 RTP/AVP 0'], ['c=IN IP4 0.0.0.0']));
    expect(media.remoteHolds).toBe(true);
    expect(media.direction).toBe('recvonly');
    expect(parse(answer).media[0]!.direction).toBe('recvonly');
  });

  it('answers inactive when we hold and the peer offers sendonly (§8.4)', () => {
    const { answer } = phone().receiveOffer(remoteOffer(['m=audio 5004 RTP/AVP 0', 'a=sendonly']), 'sendonly');
    expect(parse(answer).media[0]!.direction).toBe('inactive');
  });

  it('computes answer directions as the intersection of offer and wish', () => {
    expect(answerDirection('sendrecv', 'sendrecv')).toBe('sendrecv');
    expect(answerDirection('sendrecv', 'sendonly')).toBe('sendonly');
    expect(answerDirection('sendonly', 'sendrecv')).toBe('recvonly');
    expect(answerDirection('recvonly', 'recvonly')).toBe('inactive');
  });
});

describe('reading the answer to our offer', () => {
  it('sends with the first answered codec we offered', () => {
    const s = phone();
    s.createOffer();
    const media = s.receiveAnswer(remoteOffer(['m=audio 7000 RTP/AVP 8 0 101', 'a=rtpmap:101 telephone-event/8000', 'a=ptime:20']));
    expect(media).toMatchObject({ payloadType: 8, remotePort: 7000, telephoneEventPayloadType: 101, direction: 'sendrecv' });
    expect(s.media).toBe(media);
  });

  it('keeps our hold direction and sees the peer\'s recvonly answer', () => {
    const s = phone();
    s.createOffer('sendonly');
    const media = s.receiveAnswer(remoteOffer(['m=audio 7000 RTP/AVP 0', 'a=recvonly']));
    expect(media).toMatchObject({ direction: 'sendonly', remoteDirection: 'recvonly', remoteHolds: false });
  });

  it('fails when the answer rejects the stream or invents a codec', () => {
    const s = phone();
    s.createOffer();
    expect(() => s.receiveAnswer(remoteOffer(['m=audio 0 RTP/AVP 0']))).toThrow(/rejected/);
    s.createOffer();
    expect(() => s.receiveAnswer(remoteOffer(['m=audio 7000 RTP/AVP 18', 'a=rtpmap:18 G729/8000']))).toThrow(SdpError);
  });

  it('fails for an answer that arrives with no offer outstanding', () => {
    expect(() => phone().receiveAnswer(remoteOffer(['m=audio 7000 RTP/AVP 0']))).toThrow(/without an offer/);
  });

  it('round-trips between two of our own sessions (offer in one, answer in the other)', () => {
    const a = phone([PCMU, PCMA, TE]);
    const b = phone([PCMA, TE], '2001:db8::2', 50000);
    const { answer, media: atB } = b.receiveOffer(a.createOffer());
    const atA = a.receiveAnswer(answer);
    expect(atB).toMatchObject({ payloadType: 8, remoteAddress: '192.0.2.10', remotePort: 40000 });
    expect(atA).toMatchObject({ payloadType: 8, remoteAddress: '2001:db8::2', remotePort: 50000, telephoneEventPayloadType: 101 });
  });
});
