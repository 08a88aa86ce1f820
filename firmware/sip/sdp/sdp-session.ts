import { randomInt } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { parse, write, type MediaDescription, type SessionDescription } from 'sdp-transform';
import { answerDirection, DIRECTIONS, type MediaDirection } from './media-direction.js';
import { isTelephoneEvent, sameFormat, staticFormat, type RemoteFormat, type SdpCodec } from './sdp-codec.js';
import { SdpError } from './sdp-error.js';

/** RFC 3551 §4.2 / §4.5: 20 ms is the default packetization for G.711 and what every desk phone sends. */
export const DEFAULT_PTIME = 20;

/** Where our audio is received and how we want it: the phone layer fills this from config and the media engine. */
export interface LocalMedia {
  /** Connection address for c= (RFC 4566 §5.7): the interface the call uses, IPv4 or IPv6, never 0.0.0.0. */
  address: string;
  /** RTP port the media engine listens on. */
  port: number;
  /** Codecs in preference order (config order); telephone-event among them when RFC 4733 DTMF is wanted. */
  codecs: readonly SdpCodec[];
  /** a=ptime we ask for (RFC 4566 §6). */
  ptime?: number;
  /** o= username (RFC 4566 §5.2); "-" when the phone has no name to give. */
  username?: string;
  sessionName?: string;
}

/** The audio stream both sides agreed on: what the media engine needs to open the stream. */
export interface NegotiatedMedia {
  /** Where to send RTP (the media-level c= if any, else the session-level one). */
  remoteAddress: string;
  remotePort: number;
  /** The codec we send and expect, with the payload type used on the wire. */
  codec: { name: string; clockRate: number; channels: number };
  payloadType: number;
  /** Packetization the remote wants to receive (its a=ptime, else ours). */
  ptime: number;
  /** RFC 4733 payload type when both sides have telephone-event. */
  telephoneEventPayloadType: number | undefined;
  /** What we do: sendrecv, or sendonly/recvonly/inactive while one side holds. */
  direction: MediaDirection;
  /** The direction the remote wrote in its SDP. */
  remoteDirection: MediaDirection;
  /** The remote put us on hold (RFC 3264 §8.4: sendonly or inactive; RFC 2543 style c=0.0.0.0). */
  remoteHolds: boolean;
  localAddress: string;
  localPort: number;
}

interface Chosen {
  format: RemoteFormat;
  telephoneEvent: RemoteFormat | undefined;
}

/**
 * One call's offer/answer state (RFC 3264, SDP per RFC 4566) on top of
 * sdp-transform. It builds our offers and answers, reads the peer's, and keeps
 * the o= line: the same session id for the call and a version that "MUST
 * increment by one from the previous SDP" whenever what we send changes
 * (RFC 3264 §8), and stays the same when we repeat ourselves (a session
 * refresh, RFC 4028 §7.4 suggests the same SDP).
 */
export class SdpSession {
  private local: LocalMedia;
  private readonly sessionId: string;
  private version: number;
  private lastBody: string | undefined;
  private lastSent: string | undefined;
  /** Codecs of our outstanding offer, matched against the answer. */
  private offered: readonly SdpCodec[] | undefined;
  private offeredDirection: MediaDirection = 'sendrecv';
  private current: NegotiatedMedia | undefined;

  constructor(local: LocalMedia, options: { sessionId?: string } = {}) {
    this.local = local;
    this.sessionId = options.sessionId ?? String(randomInt(1, 2 ** 47));
    this.version = 1;
  }

  /** The media in force after the last completed exchange. */
  get media(): NegotiatedMedia | undefined {
    return this.current;
  }

  /** The last SDP we sent, word for word (for a session refresh that changes nothing). */
  get lastSdp(): string | undefined {
    return this.lastSent;
  }

  /** The connection address our next offer or answer carries (c= and o=). */
  get localAddress(): string {
    return this.local.address;
  }

  /** The phone's address or RTP port changed (issue 5 point 11): the next offer carries the new ones. */
  updateLocal(change: Partial<LocalMedia>): void {
    this.local = { ...this.local, ...change };
  }

  /**
   * An offer (RFC 3264 §5): one audio stream with every configured codec in order, a=ptime, the direction.
   * `direction` is 'sendonly' to hold, 'inactive' to hold a peer that already holds us (RFC 3264 §8.4).
   */
  createOffer(direction: MediaDirection = 'sendrecv'): string {
    const codecs = this.local.codecs;
    if (codecs.length === 0) throw new SdpError('no-common-codec', 'no codecs configured to offer');
    this.offered = codecs;
    this.offeredDirection = direction;
    return this.emit(this.describe(this.localMedia(codecs, direction)));
  }

  /** The current media again as an offer, same version when nothing changed (RFC 4028 §7.4 refresh). */
  createRefreshOffer(): string {
    return this.createOffer(this.current?.direction ?? this.offeredDirection);
  }

  /**
   * The peer's answer to our offer (RFC 3264 §6, §7): the first format in the answer that we offered is what
   * we send; telephone-event if the answer kept it. A rejected stream (port 0) or a stranger codec fails.
   */
  receiveAnswer(text: string): NegotiatedMedia {
    const offered = this.offered;
    if (!offered) throw new SdpError('mismatched-answer', 'an answer arrived without an offer outstanding');
    const sdp = readSdp(text);
    // RFC 3264 §6: "the answer MUST contain exactly the same number of "m=" lines as the offer" — we offer one.
    const m = sdp.media[0];
    if (!m || sdp.media.length !== 1 || m.type !== 'audio') throw new SdpError('mismatched-answer', 'the answer does not answer our one audio stream');
    if (m.port === 0) throw new SdpError('no-common-codec', 'the peer rejected the audio stream (port 0)');
    if (!validPort(m.port)) throw new SdpError('unparseable', `bad media port ${m.port}`);
    const chosen = choose(formatsOf(m), offered);
    if (!chosen) throw new SdpError('no-common-codec', 'the answer lists no codec we offered');
    // The offer stays outstanding: each fork of a forked INVITE answers the same offer (RFC 3261 §13.2.1, §13.2.2.4).
    this.current = this.negotiated(sdp, m, chosen, this.offeredDirection, directionOf(sdp, m));
    return this.current;
  }

  /**
   * Answers the peer's offer (RFC 3264 §6.1): one audio stream accepted with the first offered codec we also
   * have (the offerer's order is its preference, §5.1) plus telephone-event when both have it, using the
   * offer's payload type numbers; every other stream rejected with port 0. Throws SdpError (→ 488) when no
   * audio stream can be accepted.
   */
  receiveOffer(text: string, wanted: MediaDirection = 'sendrecv'): { answer: string; media: NegotiatedMedia } {
    const sdp = readSdp(text);
    let accepted: { index: number; chosen: Chosen } | undefined;
    sdp.media.forEach((m, index) => {
      if (accepted || m.type !== 'audio' || !validPort(m.port) || !/^RTP\/AVP$/i.test(m.protocol)) return;
      const chosen = choose(formatsOf(m), this.local.codecs);
      if (chosen) accepted = { index, chosen };
    });
    if (!accepted) throw new SdpError('no-common-codec', 'no audio stream with a codec we support');
    const offeredM = sdp.media[accepted.index]!;
    const remoteDirection = directionOf(sdp, offeredM);
    const held = isHoldAddress(connectionOf(sdp, offeredM));
    const direction = answerDirection(held && remoteDirection === 'sendrecv' ? 'sendonly' : remoteDirection, wanted);
    const media = sdp.media.map((m, index) => {
      if (index !== accepted!.index) return rejected(m);
      const codecs: SdpCodec[] = [asCodec(accepted!.chosen.format)];
      const te = accepted!.chosen.telephoneEvent;
      if (te) codecs.push({ ...asCodec(te), fmtp: te.fmtp ?? this.local.codecs.find(isTelephoneEvent)?.fmtp, kind: 'telephone-event' });
      return this.localMedia(codecs, direction);
    });
    const answer = this.emit(this.describe(...media));
    this.offered = undefined;
    this.current = this.negotiated(sdp, offeredM, accepted.chosen, direction, remoteDirection);
    return { answer, media: this.current };
  }

  private negotiated(sdp: SessionDescription, m: MediaDescription, chosen: Chosen, direction: MediaDirection, remoteDirection: MediaDirection): NegotiatedMedia {
    const address = connectionOf(sdp, m);
    if (address === undefined) throw new SdpError('unparseable', 'no connection address (c=) for the audio stream');
    // RFC 3264 §8.4: the old RFC 2543 hold form c=0.0.0.0 means "do not send to me".
    const holdAddress = isHoldAddress(address);
    return {
      remoteAddress: address,
      remotePort: m.port,
      codec: { name: chosen.format.name, clockRate: chosen.format.clockRate, channels: chosen.format.channels },
      payloadType: chosen.format.payloadType,
      ptime: m.ptime ?? this.local.ptime ?? DEFAULT_PTIME,
      telephoneEventPayloadType: chosen.telephoneEvent?.payloadType,
      direction: holdAddress ? (direction === 'sendrecv' || direction === 'recvonly' ? 'recvonly' : 'inactive') : direction,
      remoteDirection,
      remoteHolds: holdAddress || remoteDirection === 'sendonly' || remoteDirection === 'inactive',
      localAddress: this.local.address,
      localPort: this.local.port,
    };
  }

  private localMedia(codecs: readonly SdpCodec[], direction: MediaDirection): MediaDescription {
    const rtp = codecs.map((c) => ({
      payload: c.payloadType,
      codec: c.name,
      rate: c.clockRate,
      ...((c.channels ?? 1) !== 1 ? { encoding: c.channels } : {}),
    }));
    const fmtp = codecs.filter((c) => c.fmtp !== undefined).map((c) => ({ payload: c.payloadType, config: c.fmtp! }));
    return {
      type: 'audio',
      port: this.local.port,
      protocol: 'RTP/AVP',
      payloads: codecs.map((c) => c.payloadType).join(' '),
      rtp,
      fmtp,
      ptime: this.local.ptime ?? DEFAULT_PTIME,
      direction,
    };
  }

  private describe(...media: MediaDescription[]): SessionDescription {
    const ipVer = isIPv6(this.local.address) ? 6 : 4;
    return {
      version: 0,
      origin: {
        username: this.local.username ?? '-',
        sessionId: this.sessionId,
        sessionVersion: 0,
        netType: 'IN',
        ipVer,
        address: this.local.address,
      },
      name: this.local.sessionName ?? 'deskphone',
      connection: { version: ipVer, ip: this.local.address },
      timing: { start: 0, stop: 0 },
      media,
    };
  }

  /** Writes the SDP with a version that moves only when the content does (RFC 3264 §8). */
  private emit(description: SessionDescription): string {
    const body = write({ ...description, origin: { ...description.origin, sessionVersion: 0 } });
    if (this.lastBody !== undefined && body !== this.lastBody) this.version += 1;
    this.lastBody = body;
    this.lastSent = write({ ...description, origin: { ...description.origin, sessionVersion: this.version } });
    return this.lastSent;
  }
}

function readSdp(text: string): SessionDescription {
  if (!/^v=0\s*$/m.test(text.split('\n', 1)[0] ?? '')) throw new SdpError('unparseable', 'a session description starts with v=0 (RFC 4566 §5)');
  let sdp: SessionDescription;
  try {
    sdp = parse(text);
  } catch (err) {
    throw new SdpError('unparseable', 'the session description could not be read', { cause: err });
  }
  if (!Array.isArray(sdp.media) || sdp.media.length === 0) throw new SdpError('unparseable', 'no media (m=) lines');
  return sdp;
}

/** The formats of an m= line, in its order, named by a=rtpmap or the static payload table. */
function formatsOf(m: MediaDescription): RemoteFormat[] {
  const payloads = String(m.payloads ?? '')
    .split(/\s+/)
    .filter((p) => p !== '')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n >= 0 && n <= 127);
  const out: RemoteFormat[] = [];
  for (const pt of payloads) {
    const map = m.rtp.find((r) => r.payload === pt);
    const fmtp = m.fmtp.find((f) => f.payload === pt)?.config;
    if (map) out.push({ payloadType: pt, name: map.codec, clockRate: map.rate ?? 8000, channels: Number(map.encoding ?? 1), fmtp });
    else {
      const known = staticFormat(pt);
      if (known) out.push({ ...known, fmtp });
    }
  }
  return out;
}

/** The first remote format we support (in the remote's order), and telephone-event if both have it. */
function choose(remote: readonly RemoteFormat[], ours: readonly SdpCodec[]): Chosen | undefined {
  const format = remote.find((f) => !isTelephoneEvent(f) && ours.some((c) => !isTelephoneEvent(c) && sameFormat(c, f)));
  if (!format) return undefined;
  const telephoneEvent = remote.find((f) => isTelephoneEvent(f) && ours.some((c) => isTelephoneEvent(c) && c.clockRate === f.clockRate));
  return { format, telephoneEvent };
}

function asCodec(f: RemoteFormat): SdpCodec {
  return { name: f.name, payloadType: f.payloadType, clockRate: f.clockRate, channels: f.channels, fmtp: f.fmtp };
}

/** RFC 3264 §6: "An offered stream MAY be rejected in the answer ... by setting the port ... to zero". */
function rejected(m: MediaDescription): MediaDescription {
  return { type: m.type, port: 0, protocol: m.protocol, payloads: m.payloads, rtp: [], fmtp: [] };
}

/** RFC 4566 §5.7: a media-level c= overrides the session-level one. */
function connectionOf(sdp: SessionDescription, m: MediaDescription): string | undefined {
  return m.connection?.ip ?? sdp.connection?.ip;
}

/** RFC 3264 §6.1: a direction attribute at media level wins over one at session level; sendrecv by default. */
function directionOf(sdp: SessionDescription, m: MediaDescription): MediaDirection {
  const d = (m.direction ?? (sdp as { direction?: string }).direction ?? 'sendrecv') as MediaDirection;
  return DIRECTIONS.includes(d) ? d : 'sendrecv';
}

/** RFC 4566 §5.14: a UDP port; 0 marks a rejected stream (RFC 3264 §6). */
function validPort(port: number): boolean {
  return Number.isInteger(port) && port > 0 && port <= 65535;
}

function isHoldAddress(address: string | undefined): boolean {
  return address === '0.0.0.0';
}
