export { FrameScheduler, SchedulerStateError } from './frame-scheduler.js';
export type { FinalWait, FrameSchedulerOptions, FrameSchedulerStats, FrameTick } from './frame-scheduler.js';
export { CaptureFramer } from './capture-framer.js';
export { LatenessHistogram } from './lateness-histogram.js';
export { createPreciseSleep } from './precise-sleep.js';
