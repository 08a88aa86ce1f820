import { defineBoard, type BoardDefinition } from '../../board/index.js';
import type { LineRef } from '../../hal/index.js';
import { ALSA_LOOPBACK_CARD, GPIO_MOCKUP, GUEST_UART, I2C_STUB_ADDRESS } from '../../scripts/vm/guest-devices.js';

const line = (offset: number): LineRef => ({ chip: GPIO_MOCKUP.label, offset });

/** gpio-mockup lines the VM board uses, by what they are wired to. */
export const VM_BOARD_LINES = { keypadRow: 20, keypadColumns: [21, 22, 23], hook: 17, ledMessage: 12, ledMute: 13, buzzer: 18 } as const;

/**
 * The VM's "phone", written as a board file is: every device on the kernel
 * devices the rig provides (gpio-mockup lines by chip label and offset, the
 * i2c-stub bus, snd-aloop's two ends, the second UART). The I2C bus number is
 * whatever the stub got, so the board is made once it is known.
 */
export function vmBoard(i2cBus: number): BoardDefinition {
  return defineBoard({
    name: 'qemu-tier-a',
    description: 'the tier-A VM: gpio-mockup, i2c-stub, snd-aloop, 8250 UART',
    keypad: {
      driver: 'gpio-matrix',
      rows: [line(VM_BOARD_LINES.keypadRow)],
      columns: VM_BOARD_LINES.keypadColumns.map(line),
      keymap: [['1', '2', 'ok']],
      scanIntervalMs: 5,
      debounceMs: 10,
    },
    hookSwitch: { driver: 'gpio-switch', line: line(VM_BOARD_LINES.hook), debounceMs: 40, flashMinMs: 150, flashMaxMs: 1200 },
    display: { driver: 'hd44780-pcf8574', bus: i2cBus, address: I2C_STUB_ADDRESS, wiring: 'standard', rows: 2, columns: 16 },
    leds: {
      message: { driver: 'gpio-led', line: line(VM_BOARD_LINES.ledMessage) },
      mute: { driver: 'gpio-led', line: line(VM_BOARD_LINES.ledMute) },
    },
    ringer: { driver: 'gpio-buzzer', line: line(VM_BOARD_LINES.buzzer) },
    audio: {
      driver: 'alsa',
      routes: { handset: { captureDevice: `hw:${ALSA_LOOPBACK_CARD},1,0`, playbackDevice: `hw:${ALSA_LOOPBACK_CARD},0,0` } },
      route: 'handset',
    },
    serial: { driver: 'serialport', path: GUEST_UART, baudRate: 115200 },
  });
}
