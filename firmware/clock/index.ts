export type { Clock, TimerHandle, WallClock } from './clock.js';
export { SystemClock } from './system-clock.js';
