import type { Clock, TimerHandle, WallClock } from '../clock/index.js';
import type { Display } from '../../hal/index.js';
import { renderIdleScreen, type IdleState } from './idle-screen.js';

/**
 * Keeps the idle screen on the display: redrawn when the phone's state changes
 * and at each minute boundary, so the clock on the glass is never a minute
 * behind. The display driver rewrites only the characters that changed.
 */
export class IdleView {
  private timer: TimerHandle | undefined;
  private state: Omit<IdleState, 'now'>;
  private active = false;

  constructor(
    private readonly display: Display,
    private readonly clock: Clock,
    private readonly wall: WallClock,
    initial: Omit<IdleState, 'now'>,
  ) {
    this.state = initial;
  }

  show(): void {
    this.active = true;
    this.draw();
  }

  hide(): void {
    this.active = false;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  update(change: Partial<Omit<IdleState, 'now'>>): void {
    this.state = { ...this.state, ...change };
    if (this.active) this.draw();
  }

  private draw(): void {
    const now = this.wall.nowDate();
    const lines = renderIdleScreen({ ...this.state, now }, this.display.rows, this.display.columns);
    lines.forEach((line, row) => void this.display.writeLine(row, line));
    this.clock.clearTimeout(this.timer);
    const msToNextMinute = 60_000 - (now.getTime() % 60_000);
    this.timer = this.clock.setTimeout(() => this.draw(), msToNextMinute + 5);
  }
}
