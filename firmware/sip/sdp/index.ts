/**
 * Offer/answer for calls (RFC 3264) with SDP (RFC 4566) read and written by
 * sdp-transform: `SdpSession` per call (createOffer, receiveOffer →
 * answer, receiveAnswer, o= version per RFC 3264 §8), `NegotiatedMedia` for
 * the phone layer to open the media stream, `SdpError` (→ 488) when nothing
 * matches.
 */
export { SdpSession, DEFAULT_PTIME, type LocalMedia, type NegotiatedMedia } from './sdp-session.js';
export { answerDirection, sends, receives, DIRECTIONS, type MediaDirection } from './media-direction.js';
export { isTelephoneEvent, sameFormat, staticFormat, type RemoteFormat, type SdpCodec } from './sdp-codec.js';
export { SdpError, type SdpErrorReason } from './sdp-error.js';
