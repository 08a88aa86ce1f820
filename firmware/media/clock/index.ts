export { FrameScheduler, SchedulerStateError } from './frame-scheduler.js';
export type { FrameSchedulerStats, FrameTick } from './frame-scheduler.js';
export { CaptureFramer } from './capture-framer.js';
export { LatenessHistogram } from './lateness-histogram.js';
