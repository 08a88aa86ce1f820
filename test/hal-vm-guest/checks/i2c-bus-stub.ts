import { createRequire } from 'node:module';
import { readdir, readFile } from 'node:fs/promises';
import { I2C_STUB_ADDRESS } from '../../../scripts/vm/guest-devices.js';
import { latchedBytes, startSmbusTrace, stopSmbusTrace } from '../smbus-trace.js';
import type { CheckResult } from '../report.js';

/** The part of i2c-bus's promise API this check uses (the package ships no types). */
interface PromisifiedBus {
  scan(): Promise<number[]>;
  sendByte(address: number, byte: number): Promise<void>;
  writeByte(address: number, command: number, byte: number): Promise<void>;
  close(): Promise<void>;
}
interface I2cBusModule {
  openPromisified(busNumber: number): Promise<PromisifiedBus>;
}

const require = createRequire(import.meta.url);

/** The adapter i2c-stub registered: its number depends on what else the kernel probed. */
export async function findStubBus(): Promise<number> {
  for (const entry of await readdir('/sys/bus/i2c/devices')) {
    const m = /^i2c-(\d+)$/.exec(entry);
    if (!m) continue;
    const name = (await readFile(`/sys/bus/i2c/devices/${entry}/name`, 'utf8')).trim();
    if (name === 'SMBus stub driver') return Number(m[1]);
  }
  throw new Error('no i2c adapter named "SMBus stub driver" (is i2c-stub loaded?)');
}

/** Every byte value, then a write-byte-data transfer: what an LCD backpack driver would send. */
const SENT = Array.from({ length: 256 }, (_, i) => i);

export async function i2cBusStub(): Promise<CheckResult> {
  const i2c = require('i2c-bus') as I2cBusModule;
  const busNumber = await findStubBus();
  const bus = await i2c.openPromisified(busNumber);
  try {
    const found = await bus.scan();
    await startSmbusTrace();
    for (const byte of SENT) await bus.sendByte(I2C_STUB_ADDRESS, byte);
    await bus.writeByte(I2C_STUB_ADDRESS, 0x12, 0x34);
    const writes = await stopSmbusTrace();
    const onWire = latchedBytes(writes, I2C_STUB_ADDRESS);
    const sentMatch = onWire.length === SENT.length + 2 && SENT.every((b, i) => onWire[i] === b);
    return {
      ok: true,
      busNumber,
      found,
      traced: writes.length,
      sentMatch,
      lastTransfer: onWire.slice(SENT.length),
      protocols: [...new Set(writes.map((w) => w.protocol))],
    };
  } finally {
    await bus.close();
  }
}
