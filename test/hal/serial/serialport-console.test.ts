import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SerialPortMock } from 'serialport';
import { FakeClock } from '../../support/fake-clock.js';
import { createSerialConsole, createSimulatedSerialConsole } from '../../../hal/serial/index.js';
import type { SerialConsoleEvent, SerialPortLike } from '../../../hal/serial/index.js';
import { HardwareError } from '../../../hal/errors.js';
import { serialConsoleContract } from './serial-console-contract.js';

const PATH = '/dev/ttyMOCK0';
// @serialport/binding-mock as serialport itself loads it (the ESM build of the package is another instance with its own ports).
const MockBinding = SerialPortMock.binding;

/** The terminal side of a SerialPortMock: what the binding recorded as written. */
function recorded(port: SerialPortMock | undefined): string {
  return port?.port === undefined ? '' : (port.port as unknown as { recording: Buffer }).recording.toString('utf8');
}

async function until<T>(fn: () => T | undefined | false, what: string, ms = 3000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

serialConsoleContract('simulated', async () => {
  const c = createSimulatedSerialConsole();
  return {
    console: c,
    type: (t) => c.type(t),
    shown: async (t) => until(() => c.rawOutput.includes(t) && c.rawOutput, JSON.stringify(t)),
    dispose: () => {},
  };
});

serialConsoleContract('serialport on @serialport/binding-mock', async () => {
  MockBinding.reset();
  MockBinding.createPort(PATH, { record: true });
  let port: SerialPortMock | undefined;
  const c = createSerialConsole({
    path: PATH,
    clock: new FakeClock(),
    openPort: (o) => (port = new SerialPortMock({ ...o, autoOpen: false })) as unknown as SerialPortLike,
  });
  return {
    console: c,
    type: async (t) => {
      port!.port!.emitData(Buffer.from(t, 'utf8'));
      await new Promise((r) => setTimeout(r, 10));
    },
    shown: async (t) => until(() => recorded(port).includes(t) && recorded(port), JSON.stringify(t)),
    dispose: () => MockBinding.reset(),
  };
});

describe('SerialPortConsole', () => {
  let clock: FakeClock;
  let ports: SerialPortMock[];
  beforeEach(() => {
    MockBinding.reset();
    MockBinding.createPort(PATH, { record: true });
    clock = new FakeClock();
    ports = [];
  });
  afterEach(() => MockBinding.reset());

  const make = () =>
    createSerialConsole({
      path: PATH,
      clock,
      openPort: (o) => {
        const p = new SerialPortMock({ ...o, autoOpen: false });
        ports.push(p);
        return p as unknown as SerialPortLike;
      },
    });

  it('opens at 115200 8N1 unless the board says otherwise', async () => {
    const c = make();
    await c.open();
    expect(ports[0]!.port!.openOptions).toMatchObject({ path: PATH, baudRate: 115200, dataBits: 8, stopBits: 1, parity: 'none' });
    await c.close();
  });

  it('refuses a port that does not exist, naming it', async () => {
    const c = createSerialConsole({ path: '/dev/ttyNOPE', clock, openPort: (o) => new SerialPortMock({ ...o, autoOpen: false }) as unknown as SerialPortLike });
    const e = await c.open().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(HardwareError);
    expect((e as Error).message).toMatch(/cannot open \/dev\/ttyNOPE/);
    expect(c.isOpen).toBe(false);
  });

  it('refuses a baud rate a UART cannot do', () => {
    expect(() => createSerialConsole({ path: PATH, clock, baudRate: 12345 })).toThrow(/baud rate 12345/);
  });

  it('survives a USB adapter pulled out: reports it once, retries with back-off, and is back when replugged', async () => {
    const c = make();
    const events: SerialConsoleEvent[] = [];
    const lines: string[] = [];
    c.onEvent((e) => events.push(e));
    c.onLine((l) => lines.push(l));
    await c.open();
    MockBinding.reset(); // the adapter is gone: its device node disappears
    (ports[0] as unknown as { _disconnected(e: Error): void })._disconnected(new Error('device not configured'));
    await until(() => events.some((e) => e.type === 'lost'), 'lost');
    expect(events.at(-1)).toMatchObject({ type: 'lost', path: PATH });
    clock.advance(500);
    await until(() => ports.length === 2, 'first retry');
    await new Promise((r) => setTimeout(r, 20)); // its open fails: the port does not exist
    clock.advance(999);
    expect(ports.length).toBe(2);
    MockBinding.createPort(PATH, { record: true }); // plugged back
    clock.advance(1);
    await until(() => events.some((e) => e.type === 'restored'), 'restored');
    expect(events.filter((e) => e.type === 'lost').length).toBe(1);
    expect(events.at(-1)).toEqual({ type: 'restored', path: PATH, downtimeMs: 1500 });
    ports.at(-1)!.port!.emitData(Buffer.from('calls\r'));
    await until(() => lines.length > 0, 'a line');
    expect(lines).toEqual(['calls']);
    await c.close();
  });
});
