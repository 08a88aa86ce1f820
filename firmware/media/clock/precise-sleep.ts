/**
 * A blocking sleep with sub-millisecond precision for the media worker's
 * final wait before a frame deadline (FrameScheduler `finalWait`):
 * Atomics.wait on a cell nobody ever notifies, so it always times out. The
 * thread sleeps in the kernel (a futex with a high-resolution timeout) rather
 * than spinning, so the wait costs no CPU.
 *
 * Blocks the calling thread: for the media worker only, never the main thread.
 */
export function createPreciseSleep(): (ms: number) => void {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  return (ms: number): void => {
    if (ms > 0) Atomics.wait(cell, 0, 0, ms);
  };
}
