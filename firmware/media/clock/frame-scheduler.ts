/**
 * The media clock of the simulator (and of any device whose audio is not
 * paced by a sound card): a drift-free frame scheduler.
 *
 * Deadlines are absolute, counted from a monotonic start: frame k is due at
 * start + k·period. Each wake-up schedules the next timer for the next
 * deadline, not "period from now", so timer lateness never accumulates
 * (`setInterval(20)` drifts ~250 ms in 30 s here; DESIGN.md "Real time").
 *
 * When the thread was blocked for longer than a frame, the frames whose time
 * has passed are skipped, not sent in a burst: a burst would arrive at the far
 * end's jitter buffer all at once (late loss there anyway) and push our own
 * sending further behind. The tick reports how many frames were skipped, so
 * the stream advances its RTP timestamp over them: timestamps keep counting
 * samples of real time, and the receiver sees the gap as a loss.
 */
import type { Clock, TimerHandle } from '../../clock/index.js';
import { DeskphoneError } from '../../errors.js';
import { LatenessHistogram } from './lateness-histogram.js';

export interface FrameTick {
  /** Frame number on the grid since start (skipped frames count). */
  readonly index: number;
  /** When this frame was due (clock milliseconds). */
  readonly deadline: number;
  /** How late this tick runs (< one period; down to −earlyToleranceMs when woken slightly early). */
  readonly lateMs: number;
  /** Frames skipped just before this one because the thread was blocked. */
  readonly skipped: number;
}

export interface FrameSchedulerStats {
  ticks: number;
  skippedFrames: number;
  maxLateMs: number;
}

export class SchedulerStateError extends DeskphoneError {
  constructor(message: string) {
    super('MEDIA_SCHEDULER_STATE', message);
  }
}

export interface FrameSchedulerOptions {
  /**
   * A wake-up this close before the deadline counts as on time. Node timers
   * run on libuv's whole-millisecond loop time, so a timer for a fractional
   * deadline may fire up to 1 ms early; re-arming would make it ≥ 1 ms late
   * instead (Node's shortest timer), which is worse for the same frame.
   */
  earlyToleranceMs?: number;
  /**
   * Sub-millisecond pacing: the timer is armed `leadMs` before each deadline
   * and the rest is slept with `sleep(ms)`, a blocking wait with sub-ms
   * precision (the media worker passes Atomics.wait: the thread sleeps in the
   * kernel, it does not spin). Node timers run on whole milliseconds of the
   * event loop's clock, which costs up to a millisecond on every frame; only
   * for a thread with nothing else to do in those last `leadMs` (the media
   * worker: its sockets wait in the kernel's buffers meanwhile).
   */
  finalWait?: FinalWait;
}

export interface FinalWait {
  readonly leadMs: number;
  sleep(ms: number): void;
}

export class FrameScheduler {
  readonly stats: FrameSchedulerStats = { ticks: 0, skippedFrames: 0, maxLateMs: 0 };
  /** Every tick's lateness, for percentiles (the stream's pacing diagnostics). */
  readonly lateness = new LatenessHistogram();
  private startMs = 0;
  private nextIndex = 0;
  private timer: TimerHandle | undefined;
  private active = false;
  /** Reused tick object: no allocation per frame. */
  private readonly tick = { index: 0, deadline: 0, lateMs: 0, skipped: 0 };
  private readonly fire = (): void => this.onTimer();
  private readonly earlyTolerance: number;
  private readonly finalWait: FinalWait | undefined;

  constructor(
    private readonly clock: Clock,
    readonly periodMs: number,
    private readonly onTick: (tick: FrameTick) => void,
    options: FrameSchedulerOptions = {},
  ) {
    if (!(periodMs > 0)) throw new SchedulerStateError(`frame period ${periodMs} ms is not positive`);
    this.earlyTolerance = Math.min(options.earlyToleranceMs ?? 1, periodMs / 4);
    if (options.finalWait && !(options.finalWait.leadMs >= 0 && options.finalWait.leadMs <= periodMs / 2)) {
      throw new SchedulerStateError(`final wait of ${options.finalWait.leadMs} ms does not fit a ${periodMs} ms period`);
    }
    this.finalWait = options.finalWait;
  }

  get running(): boolean {
    return this.active;
  }

  /** The instant frame 0 was due. */
  get start(): number {
    return this.startMs;
  }

  /** Starts the grid at `startMs` (default now); frame 0 is due then. */
  begin(startMs = this.clock.now()): void {
    if (this.active) throw new SchedulerStateError('scheduler already running');
    this.active = true;
    this.startMs = startMs;
    this.nextIndex = 0;
    this.arm();
  }

  stop(): void {
    this.active = false;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Deadline of frame `index` on this grid. */
  deadlineOf(index: number): number {
    // Multiply, never accumulate: a sum of periods gathers rounding error.
    return this.startMs + index * this.periodMs;
  }

  private arm(): void {
    const delay = this.deadlineOf(this.nextIndex) - (this.finalWait?.leadMs ?? 0) - this.clock.now();
    this.timer = this.clock.setTimeout(this.fire, delay);
  }

  private onTimer(): void {
    this.timer = undefined;
    if (!this.active) return;
    let now = this.clock.now();
    let index = this.nextIndex;
    let deadline = this.deadlineOf(index);
    const lead = this.finalWait?.leadMs ?? 0;
    if (now < deadline - lead - this.earlyTolerance) {
      // Woken well before the deadline (or its final-wait window): wait for it.
      this.arm();
      return;
    }
    if (this.finalWait && now < deadline) {
      // Bounded, so a clock that jumped cannot make the thread sleep through frames.
      this.finalWait.sleep(Math.min(deadline - now, lead + this.earlyTolerance));
      now = this.clock.now();
    }
    let skipped = 0;
    const late = now - deadline;
    if (late >= this.periodMs) {
      // Blocked for a frame or more: realign to the latest frame due instead of bursting.
      skipped = Math.floor(late / this.periodMs);
      index += skipped;
      deadline = this.deadlineOf(index);
    }
    this.nextIndex = index + 1;
    const t = this.tick;
    t.index = index;
    t.deadline = deadline;
    t.lateMs = now - deadline;
    t.skipped = skipped;
    this.stats.ticks++;
    this.stats.skippedFrames += skipped;
    if (t.lateMs > this.stats.maxLateMs) this.stats.maxLateMs = t.lateMs;
    this.lateness.record(t.lateMs);
    // Arm before the callback, so a slow or throwing callback cannot stop the clock.
    this.arm();
    this.onTick(t);
  }
}
