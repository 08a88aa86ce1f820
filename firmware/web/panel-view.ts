import type { SimPanel } from '../../hal/sim/index.js';
import type { SimLedState, SimRingerState } from '../../hal/sim/index.js';

/** The whole simulated front as the browser draws it. */
export interface PanelState {
  rows: number;
  columns: number;
  /** The glass as the phone wrote it: status icons are their private-use characters (U+E000…), drawn as 5×8 bitmaps. */
  lines: string[];
  /** The same, icons as plain-text symbols (for scripts, screen readers and `GET /api/status`). */
  text: string[];
  backlight: boolean;
  hook: 'on-hook' | 'off-hook';
  leds: SimLedState[];
  ringer: SimRingerState;
}

export function panelState(panel: SimPanel): PanelState {
  const snapshot = panel.snapshot();
  return {
    rows: panel.display.rows,
    columns: panel.display.columns,
    lines: panel.display.contents(),
    text: snapshot.display.rows,
    backlight: snapshot.display.backlight,
    hook: snapshot.hook,
    leds: snapshot.leds,
    ringer: snapshot.ringer,
  };
}
