import type { HalClock, HalTimerHandle } from '../clock.js';
import { HardwareError, HardwareErrorCode } from '../errors.js';
import type { HalLog } from '../log.js';
import { silentLog } from '../log.js';
import type { HookEvent, HookState, HookSwitch, Unsubscribe } from '../types/index.js';
import { Listeners } from '../types/index.js';
import type { GpioBackend, GpioLine, Level, LineRef } from './line.js';

export interface HookTiming {
  /** Quiet time after the last edge before the level is believed (contacts bounce 10–30 ms). */
  debounceMs: number;
  /** An on-hook shorter than this is a knock on the cradle, not a flash. */
  flashMinMs: number;
  /** An on-hook up to this long is a hook flash; longer is a hang-up. */
  flashMaxMs: number;
}

// Hook-flash window: the common 100–700 ms ("timed break recall"; TIA-968 flash
// timing is 300–1000 ms, ETSI TBR 21 allows 60–1000 ms): configurable per board.
export const DEFAULT_HOOK_TIMING: HookTiming = { debounceMs: 30, flashMinMs: 100, flashMaxMs: 700 };

export interface GpioHookSwitchOptions {
  gpio: GpioBackend;
  clock: HalClock;
  log?: HalLog;
  /** The hook contact; its logical level is 1 when the handset is lifted (set activeLow to match the wiring). */
  line: LineRef;
  timing?: Partial<HookTiming>;
}

type Phase = 'on-hook' | 'off-hook' | 'flash-pending';

/**
 * The cradle switch on a GPIO line with edge interrupts.
 *
 * Each edge restarts a debounce timer and the level is re-read when the line has
 * been quiet for debounceMs: sysfs coalesces edges, so the level passed with an
 * edge callback is not trusted, only "something changed". An on-hook is held back
 * for up to flashMaxMs: if the handset comes back inside the window it was a hook
 * flash, otherwise it is reported as a hang-up. Times are those of the first edge
 * of each burst, so the debounce delay does not distort the flash measurement.
 */
export class GpioHookSwitch implements HookSwitch {
  private readonly listeners = new Listeners<HookEvent>();
  private readonly timing: HookTiming;
  private readonly clock: HalClock;
  private readonly log: HalLog;
  private phase: Phase;
  /** The last settled level (1 = off hook). */
  private settled: Level;
  private burstStart: number | undefined;
  private onHookSince = 0;
  private debounceTimer: HalTimerHandle | undefined;
  private flashTimer: HalTimerHandle | undefined;
  private closed = false;
  private readFailing = false;
  private unwatch: Unsubscribe | undefined;

  private constructor(
    options: GpioHookSwitchOptions,
    private readonly line: GpioLine,
    initial: Level,
  ) {
    this.clock = options.clock;
    this.log = options.log ?? silentLog;
    this.timing = { ...DEFAULT_HOOK_TIMING, ...options.timing };
    this.settled = initial;
    this.phase = initial === 1 ? 'off-hook' : 'on-hook';
    this.unwatch = line.onEdge(() => this.edge());
  }

  static async open(options: GpioHookSwitchOptions): Promise<GpioHookSwitch> {
    const t = { ...DEFAULT_HOOK_TIMING, ...options.timing };
    if (!(t.debounceMs >= 0 && t.flashMinMs >= t.debounceMs && t.flashMaxMs > t.flashMinMs)) {
      throw new HardwareError(HardwareErrorCode.BAD_SETTING, 'hook-switch', `hook timing needs 0 ≤ debounceMs (${t.debounceMs}) ≤ flashMinMs (${t.flashMinMs}) < flashMaxMs (${t.flashMaxMs})`);
    }
    const line = await options.gpio.request({ line: options.line, direction: 'in', edge: 'both', consumer: 'deskphone hook switch' });
    try {
      return new GpioHookSwitch(options, line, await line.read());
    } catch (error) {
      await line.release();
      throw error;
    }
  }

  get state(): HookState {
    return this.phase === 'on-hook' ? 'on-hook' : 'off-hook';
  }

  onHook(listener: (event: HookEvent) => void): Unsubscribe {
    return this.listeners.add(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unwatch?.();
    this.clock.clearTimeout(this.debounceTimer);
    this.clock.clearTimeout(this.flashTimer);
    this.listeners.clear();
    await this.line.release();
  }

  private edge(): void {
    if (this.closed) return;
    this.burstStart ??= this.clock.now();
    this.clock.clearTimeout(this.debounceTimer);
    this.debounceTimer = this.clock.setTimeout(() => {
      this.debounceTimer = undefined;
      void this.line.read().then(
        (level) => {
          this.readFailing = false;
          this.settle(level);
        },
        (error: unknown) => {
          // Keep trying: a hook state the phone never learns is a call that never ends. Log the first failure only.
          if (!this.readFailing) this.log.error({ err: error }, 'hook switch read failed; retrying');
          this.readFailing = true;
          this.edge();
        },
      );
    }, this.timing.debounceMs);
  }

  private settle(level: Level): void {
    if (this.closed) return;
    const at = this.burstStart ?? this.clock.now();
    this.burstStart = undefined;
    if (level === this.settled) {
      // Bounced back to where it was: nothing happened, but a flash window may have run out meanwhile.
      if (this.phase === 'flash-pending') this.checkFlashExpired();
      return;
    }
    this.settled = level;
    if (level === 0) {
      if (this.phase !== 'off-hook') return;
      this.phase = 'flash-pending';
      this.onHookSince = at;
      this.flashTimer = this.clock.setTimeout(() => this.checkFlashExpired(), Math.max(0, at + this.timing.flashMaxMs - this.clock.now()));
      return;
    }
    if (this.phase === 'flash-pending') {
      this.clock.clearTimeout(this.flashTimer);
      const downMs = at - this.onHookSince;
      this.phase = 'off-hook';
      if (downMs > this.timing.flashMaxMs) {
        this.emit('on-hook', this.onHookSince + this.timing.flashMaxMs);
        this.emit('off-hook', at);
      } else if (downMs >= this.timing.flashMinMs) {
        this.emit('flash', at);
      }
      // Shorter than flashMinMs: a knock on the cradle; the call goes on untouched.
      return;
    }
    this.phase = 'off-hook';
    this.emit('off-hook', at);
  }

  private checkFlashExpired(): void {
    // While edges are still settling the handset may be on its way back up; let settle() decide.
    if (this.phase !== 'flash-pending' || this.burstStart !== undefined) return;
    if (this.clock.now() - this.onHookSince < this.timing.flashMaxMs) return;
    this.clock.clearTimeout(this.flashTimer);
    this.phase = 'on-hook';
    this.emit('on-hook', this.clock.now());
  }

  private emit(type: HookEvent['type'], atMs: number): void {
    this.listeners.emit({ type, atMs });
  }
}
