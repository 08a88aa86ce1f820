import { describe, expect, it } from 'vitest';
import { BoardError, boardChecks, BOARDS, buildBoard, knownBoards, loadBoard, validateBoard } from '../../../board/index.js';
import type { BoardDefinition } from '../../../board/index.js';
import { GpioModel } from '../../../hal/sim/index.js';
import { Hd44780Model } from '../../../hal/sim/index.js';
import { silentLog } from '../../../hal/index.js';
import { FakeClock } from '../../support/fake-clock.js';
import { untilSettled } from '../support/async-clock.js';
import rpi from '../../../board/rpi-deskphone.js';

function catchBoardError(fn: () => unknown): BoardError {
  try {
    fn();
  } catch (e) {
    if (e instanceof BoardError) return e;
    throw e;
  }
  throw new Error('expected a BoardError');
}

/** The reference board with one change, as a board author might get it wrong. */
function variant(change: (b: BoardDefinition) => void): BoardDefinition {
  const copy = structuredClone(rpi);
  change(copy);
  return copy;
}

describe('board definitions', () => {
  it('every board this build ships is valid', () => {
    for (const b of BOARDS) expect(() => validateBoard(b)).not.toThrow();
    expect(knownBoards()).toEqual(['rpi-deskphone', 'sim']);
  });

  it('an unknown board name is an error listing the known boards', () => {
    const err = catchBoardError(() => loadBoard('rpi-deskfone'));
    expect(err.code).toBe('BOARD_UNKNOWN');
    expect(err.message).toBe("unknown board 'rpi-deskfone'; known boards: rpi-deskphone, sim");
    expect(err.known).toEqual(['rpi-deskphone', 'sim']);
  });

  it('fills in driver defaults', () => {
    const b = validateBoard(variant((b) => delete (b.hookSwitch as Record<string, unknown>)['debounceMs']));
    expect(b.hookSwitch.config).toMatchObject({ debounceMs: 30, flashMinMs: 100, flashMaxMs: 700 });
  });

  it('refuses a pin used twice, naming both settings', () => {
    const err = catchBoardError(() =>
      validateBoard(
        variant((b) => {
          b.leds!.mute = { driver: 'gpio-led', line: { chip: 'pinctrl-bcm2711', offset: 17 } };
        }),
      ),
    );
    expect(err.code).toBe('BOARD_INVALID');
    expect(err.setting).toBe('leds.mute.line');
    expect(err.message).toContain('keypad.rows[1] and leds.mute.line both use GPIO pinctrl-bcm2711:17');
  });

  it('refuses an I2C address outside 0x03–0x77, naming display.address', () => {
    const err = catchBoardError(() => validateBoard(variant((b) => (b.display['address'] = 0x80))));
    expect(err.setting).toBe('display.address');
    expect(err.message).toContain('display.address: I2C address must be a 7-bit address in 0x03–0x77');
  });

  it('refuses an unknown driver, listing the drivers of that kind', () => {
    const err = catchBoardError(() => validateBoard(variant((b) => (b.ringer = { driver: 'piezo' }))));
    expect(err.setting).toBe('ringer.driver');
    expect(err.message).toContain("unknown ringer driver 'piezo'; known: gpio-buzzer, speaker-tone, sim");
  });

  it('refuses a bad setting deep inside a driver, with its path', () => {
    const err = catchBoardError(() => validateBoard(variant((b) => ((b.keypad['rows'] as { offset: number }[])[2]!.offset = -1))));
    expect(err.setting).toBe('keypad.rows[2].offset');
  });

  it('refuses a keymap that does not match the wired rows and columns', () => {
    const err = catchBoardError(() => validateBoard(variant((b) => (b.keypad['keymap'] as unknown[]).pop())));
    expect(err.setting).toBe('keypad.keymap');
  });

  it('refuses an LCD size that does not exist', () => {
    const err = catchBoardError(() => validateBoard(variant((b) => (b.display['columns'] = 16))));
    expect(err.message).toMatch(/16×2, 20×2 and 20×4/);
  });

  it('lists what doctor checks on the reference board: every GPIO line, the LCD, the ALSA devices, the UART', () => {
    const checks = boardChecks(loadBoard('rpi-deskphone'));
    expect(checks.filter((c) => c.kind === 'gpio-line')).toHaveLength(12 + 1 + 5 + 1);
    expect(checks.filter((c) => c.kind === 'i2c-device')).toEqual([{ kind: 'i2c-device', setting: 'display.address', bus: 1, address: 0x27 }]);
    expect(checks.filter((c) => c.kind === 'alsa-pcm').map((c) => c.setting)).toContain('audio.routes.handset.captureDevice');
    expect(checks.filter((c) => c.kind === 'uart')).toEqual([{ kind: 'uart', setting: 'serial.path', path: '/dev/serial0' }]);
  });
});

describe('building boards', () => {
  it('builds the simulated board, whose devices are the virtual panel', async () => {
    const clock = new FakeClock();
    const devices = await buildBoard(loadBoard('sim'), { clock, log: silentLog });
    const keys: string[] = [];
    devices.keypad.onKey((e) => keys.push(`${e.type} ${e.key}`));
    devices.panel!.keypad.press('5');
    await devices.display.writeLine(0, 'Ready');
    devices.leds.message!.set('on');
    expect(keys).toEqual(['down 5', 'up 5']);
    expect(devices.panel!.snapshot().display.rows[0]).toBe('Ready'.padEnd(20));
    expect(devices.panel!.leds['message']!.lit).toBe(true);
    await devices.close();
  });

  it('builds the reference board on GPIO and I2C models, and the phone reads keys and writes the glass', async () => {
    const clock = new FakeClock(1000);
    const gpio = new GpioModel({ now: () => clock.now() });
    const lcd = new Hd44780Model({ now: () => clock.now(), rows: 4, columns: 20 });
    const board = loadBoard('rpi-deskphone');
    const devices = await untilSettled(clock, buildBoard(board, { clock, log: silentLog, gpio, openI2cBus: async () => lcd }));
    expect(devices.hookSwitch.state).toBe('off-hook'); // nothing on the model's line: the pull-up reads high, as with no handset
    await untilSettled(clock, devices.display.writeLine(0, 'rpi-deskphone'));
    expect(lcd.glass()[0]!.trimEnd()).toBe('rpi-deskphone');
    expect(gpio.claimedLines()).toHaveLength(19);
    await devices.close();
    expect(gpio.claimedLines()).toEqual([]);
  });

  it('gives back every line when one device cannot start, and names that device', async () => {
    const clock = new FakeClock();
    const gpio = new GpioModel();
    const squatter = await gpio.request({ line: { chip: 'pinctrl-bcm2711', offset: 12 }, direction: 'out', consumer: 'another program' });
    const err = await untilSettled(
      clock,
      buildBoard(loadBoard('rpi-deskphone'), { clock, log: silentLog, gpio, openI2cBus: async () => new Hd44780Model({ now: () => clock.now(), rows: 4, columns: 20 }) }).then(
        () => undefined,
        (e: unknown) => e as BoardError,
      ),
    );
    expect(err?.setting).toBe('leds.message');
    expect(err?.message).toMatch(/leds\.message \(gpio-led\) did not start: .*busy/);
    expect(gpio.claimedLines()).toEqual(['pinctrl-bcm2711:12']);
    await squatter.release();
  });
});
