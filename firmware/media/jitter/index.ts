export { JitterBuffer, type JitterBufferStats, type JitterPacket, type PlayoutFrame, type PlayoutKind, type PushVerdict } from './jitter-buffer.js';
export { JITTER_DEFAULTS, type JitterBufferOptions } from './jitter-config.js';
export { DelayHistogram } from './delay-histogram.js';
export { SlidingMinimum } from './sliding-minimum.js';
