import { describe, expect, it } from 'vitest';
import { Glyph } from '../../../hal/index.js';
import { SimPanel } from '../../../hal/sim/index.js';
import type { PanelEvent } from '../../../hal/sim/index.js';
import { FakeClock } from '../../support/fake-clock.js';

function panel() {
  const clock = new FakeClock();
  const p = new SimPanel({ clock, rows: 2, columns: 16 });
  const events: PanelEvent[] = [];
  p.onEvent((e) => events.push(e));
  return { clock, p, events };
}

describe('simulated front panel (the virtual panel and tests drive the phone through it)', () => {
  it('dials a string of keys as taps', () => {
    const { p, events } = panel();
    p.keypad.press('201#');
    const keys = events.flatMap((e) => (e.device === 'keypad' ? [`${e.event.type} ${e.event.key}`] : []));
    expect(keys).toEqual(['down 2', 'up 2', 'down 0', 'up 0', 'down 1', 'up 1', 'down #', 'up #']);
  });

  it('refuses a key the phone does not have', () => {
    const { p } = panel();
    expect(() => p.keypad.press('volume-max')).toThrow(/no key named 'volume-max'/);
  });

  it('lifts, flashes and hangs up the handset', () => {
    const { p, events } = panel();
    p.hook.flash(); // on hook: a cradle press is nothing
    p.hook.lift();
    p.hook.flash();
    p.hook.hang();
    expect(events.flatMap((e) => (e.device === 'hook' ? [e.event.type] : []))).toEqual(['off-hook', 'flash', 'on-hook']);
  });

  it('shows the glass with icons as readable symbols, and tells the panel to redraw', async () => {
    const { p, events } = panel();
    await p.display.writeLine(0, `${Glyph.registered} 201`);
    expect(p.display.text()[0]).toBe('✓ 201'.padEnd(16));
    const last = events.at(-1);
    expect(last?.device).toBe('display');
  });

  it('blinks the message lamp on the clock and reports each change', () => {
    const { clock, p, events } = panel();
    p.leds['message']!.set('slow-blink');
    const lit: boolean[] = [];
    for (let i = 0; i < 4; i++) {
      lit.push(p.leds['message']!.lit);
      clock.advance(500);
    }
    expect(lit).toEqual([true, false, true, false]);
    expect(events.filter((e) => e.device === 'led').length).toBeGreaterThanOrEqual(4);
  });

  it('rings in cadence and shows the whole front in one snapshot', () => {
    const { clock, p } = panel();
    p.ringer.ring('standard');
    p.hook.lift();
    clock.advance(100);
    const snap = p.snapshot();
    expect(snap.ringer).toEqual({ ringing: true, sounding: true, volume: 80 });
    expect(snap.hook).toBe('off-hook');
    expect(snap.leds.map((l) => l.name)).toEqual(['message', 'line', 'speaker', 'mute', 'headset']);
    clock.advance(1000);
    expect(p.snapshot().ringer.sounding).toBe(false);
  });

  it('reports the display going missing and coming back, as the real driver does', () => {
    const { p } = panel();
    const states: string[] = [];
    p.display.onStatus((s) => states.push(s.state));
    p.display.setPresent(false);
    p.display.setPresent(true);
    expect(states).toEqual(['missing', 'ready']);
  });

  it('stops all events on close', async () => {
    const { clock, p, events } = panel();
    p.leds['line']!.set('fast-blink');
    await p.close();
    const n = events.length;
    clock.advance(1000);
    expect(events.length).toBe(n);
  });
});
