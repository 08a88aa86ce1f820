import type { LineRef } from '../gpio/index.js';

/**
 * One thing `deskphone doctor` verifies on the device, derived from the board
 * definition by each driver's descriptor. `setting` is the board setting the
 * check came from (e.g. 'keypad.rows[2]'), so a failure says what to fix.
 */
export type DeviceCheck =
  | { kind: 'gpio-line'; setting: string; line: LineRef; direction: 'in' | 'out' }
  | { kind: 'i2c-device'; setting: string; bus: number; address: number }
  | { kind: 'alsa-pcm'; setting: string; pcm: string; direction: 'capture' | 'playback' }
  | { kind: 'uart'; setting: string; path: string }
  | { kind: 'file'; setting: string; path: string; mode: 'read' | 'write' }
  /** A simulated device: always present (listed so the table shows every device). */
  | { kind: 'simulated'; setting: string };
