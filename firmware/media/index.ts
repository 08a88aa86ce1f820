/**
 * The media core's public surface (issue 4): what firmware/phone and main.ts
 * import. Each folder's index.ts is its own surface; this file gathers them.
 * The worker entry (stream/media-worker.ts) is deliberately not re-exported:
 * importing it inside a worker thread would start an engine there.
 */
export * from './constants.js';
export * from './g711.js';
export * from './codec/index.js';
export * from './rtp/index.js';
export * from './rtcp/index.js';
export * from './jitter/index.js';
export * from './plc/index.js';
export * from './comfort-noise/index.js';
export * from './quality/index.js';
export * from './pcap/index.js';
export * from './replay/index.js';
export * from './tones/index.js';
export * from './dtmf/index.js';
export * from './mixer/index.js';
export * from './clock/index.js';
export * from './stream/index.js';
