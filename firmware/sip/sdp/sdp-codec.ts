/**
 * A codec as offer/answer needs to know it: what goes into a=rtpmap and a=fmtp
 * (RFC 4566 §6, RFC 3551). Structurally a subset of firmware/media's
 * CodecDescriptor, so the phone layer passes the media registry's descriptors
 * straight in, in config order (firmware/sip never imports firmware/media).
 */
export interface SdpCodec {
  /** Encoding name as in a=rtpmap ("PCMU", "telephone-event"). */
  readonly name: string;
  readonly payloadType: number;
  readonly clockRate: number;
  readonly channels?: number;
  /** a=fmtp parameters ("0-15" for telephone-event). */
  readonly fmtp?: string;
  /** 'telephone-event' codecs ride along with the audio codec rather than competing with it. */
  readonly kind?: string;
}

/** RFC 3551 §6 Table 4: static payload types a peer may list without a=rtpmap. */
const STATIC_PAYLOAD_TYPES: ReadonlyMap<number, { name: string; clockRate: number; channels: number }> = new Map([
  [0, { name: 'PCMU', clockRate: 8000, channels: 1 }],
  [3, { name: 'GSM', clockRate: 8000, channels: 1 }],
  [4, { name: 'G723', clockRate: 8000, channels: 1 }],
  [8, { name: 'PCMA', clockRate: 8000, channels: 1 }],
  // RFC 3551 §4.5.2: G722's RTP clock rate is 8000 although it samples at 16 kHz.
  [9, { name: 'G722', clockRate: 8000, channels: 1 }],
  [13, { name: 'CN', clockRate: 8000, channels: 1 }],
  [18, { name: 'G729', clockRate: 8000, channels: 1 }],
]);

/** What a payload type in a received m= line stands for (its rtpmap, or the static table). */
export interface RemoteFormat {
  payloadType: number;
  name: string;
  clockRate: number;
  channels: number;
  fmtp?: string;
}

export function staticFormat(payloadType: number): RemoteFormat | undefined {
  const known = STATIC_PAYLOAD_TYPES.get(payloadType);
  return known ? { payloadType, ...known } : undefined;
}

export function isTelephoneEvent(codec: { name: string; kind?: string }): boolean {
  return codec.kind === 'telephone-event' || codec.name.toLowerCase() === 'telephone-event';
}

/** RFC 4566 §6 rtpmap: encoding names compare case-insensitively; rate and channels must agree. */
export function sameFormat(codec: SdpCodec, remote: RemoteFormat): boolean {
  return (
    codec.name.toLowerCase() === remote.name.toLowerCase() &&
    codec.clockRate === remote.clockRate &&
    (codec.channels ?? 1) === remote.channels
  );
}
