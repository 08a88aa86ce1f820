/**
 * The clock hal/ drivers are given (debounce, long-press, pacing). Same shape as
 * firmware's Clock so main.ts passes one object to both; declared here because
 * hal/ never imports firmware/ (DESIGN.md).
 */
export type HalTimerHandle = object;

export interface HalClock {
  now(): number;
  setTimeout(callback: () => void, delayMs: number): HalTimerHandle;
  clearTimeout(handle: HalTimerHandle | undefined): void;
}
