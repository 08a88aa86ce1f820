export { ConferenceMixer, MixerFrameError } from './conference-mixer.js';
export type { ConferenceMix, ConferenceMixerOptions, Participant } from './conference-mixer.js';
export { SoftLimiter } from './soft-limiter.js';
export type { SoftLimiterOptions } from './soft-limiter.js';
