import { describe, expect, it } from 'vitest';
import type { HalClock } from '../../../hal/index.js';
import { CadencePlayer } from '../../../hal/led/index.js';

/** A clock whose timer the test fires by hand, as late as it likes (a stalled event loop). */
class LateClock implements HalClock {
  t = 0;
  pending: { cb: () => void; due: number } | undefined;
  now(): number {
    return this.t;
  }
  setTimeout(cb: () => void, ms: number): object {
    this.pending = { cb, due: this.t + ms };
    return this.pending;
  }
  clearTimeout(): void {
    this.pending = undefined;
  }
  fireAt(t: number): void {
    const p = this.pending!;
    this.pending = undefined;
    this.t = t;
    p.cb();
  }
}

describe('cadence player', () => {
  it('keeps its steps on absolute deadlines: a late timer does not push the rest back', () => {
    const clock = new LateClock();
    const levels: string[] = [];
    const player = new CadencePlayer(clock, (on) => levels.push(`${on ? 'on' : 'off'}@${clock.t}`));
    player.play([100, 100]);
    expect(clock.pending!.due).toBe(100);
    clock.fireAt(130); // 30 ms late
    expect(clock.pending!.due).toBe(200); // still due at 200, not 230
    clock.fireAt(200);
    expect(levels).toEqual(['on@0', 'off@130', 'on@200']);
  });

  it('skips whole steps missed during a long stall rather than flickering through them', () => {
    const clock = new LateClock();
    const levels: boolean[] = [];
    const player = new CadencePlayer(clock, (on) => levels.push(on));
    player.play([100, 100]);
    clock.fireAt(450); // steps due at 100, 200, 300 and 400 were all missed
    // 400–500 is an "on" step: the lamp stays on (no off/on flicker) until 500.
    expect(levels).toEqual([true]);
    expect(player.active).toBe(true);
    expect(clock.pending!.due).toBe(500);
    player.stop();
    expect(clock.pending).toBeUndefined();
    expect(player.active).toBe(false);
  });
});
