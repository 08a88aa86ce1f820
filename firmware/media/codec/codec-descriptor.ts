/**
 * A codec as the rest of the phone sees it (DESIGN.md "Codecs and drivers are
 * registered descriptors", after baresip's struct aucodec): the SDP offer is
 * built from descriptors in config order and the stream picks encoder and
 * decoder through them, so no `switch (codec)` exists outside this folder.
 */

/** Encodes one frame of 16-bit PCM into `out`; returns the payload length in bytes. */
export interface AudioEncoder {
  encode(pcm: Int16Array, out: Uint8Array): number;
}

/** Decodes `length` payload bytes into `out`; returns the number of samples written. */
export interface AudioDecoder {
  decode(payload: Uint8Array, length: number, out: Int16Array): number;
}

/** What a payload type carries: audio to decode, comfort noise (RFC 3389) or named events (RFC 4733). */
export type CodecKind = 'audio' | 'comfort-noise' | 'telephone-event';

export interface CodecDescriptor {
  /** Encoding name as in SDP a=rtpmap (RFC 3551 §6 Table 4). */
  readonly name: string;
  readonly kind: CodecKind;
  /** Static payload type, or the preferred dynamic one (96–127) when the profile assigns none. */
  readonly payloadType: number;
  readonly clockRate: number;
  readonly channels: number;
  /** SDP a=fmtp parameters, when the codec needs them (e.g. "0-16" for telephone-event). */
  readonly fmtp?: string;
  /** Samples per payload byte for sample-based codecs (RFC 3551 §4.2): 1 for G.711. */
  readonly samplesPerByte?: number;
  createEncoder?(): AudioEncoder;
  createDecoder?(): AudioDecoder;
}
