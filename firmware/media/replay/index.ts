export { replayCapture, replayStream, type ReplayOptions, type ReplayReport, type ReplayResult } from './replay.js';
export { findRtpStreams, type CapturedRtpPacket, type CapturedRtpStream } from './rtp-streams.js';
export { ReplayError, type ReplayErrorCode } from './replay-errors.js';
export { decodeWav, encodeWav } from './wav.js';
