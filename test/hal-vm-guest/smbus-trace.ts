import { readFile, writeFile } from 'node:fs/promises';

/**
 * i2c-stub stores nothing a PCF8574 would, but the kernel's `smbus_write`
 * trace event (include/trace/events/smbus.h) logs every SMBus write before
 * it reaches the adapter, so the trace is the byte stream on the bus.
 */
const TRACING = '/sys/kernel/tracing';

export interface SmbusWrite {
  /** The trace clock's timestamp in milliseconds: when the kernel saw the write. */
  readonly atMs: number;
  readonly adapter: number;
  readonly address: number;
  /** SMBus protocol: BYTE (send byte: the command is the data), BYTE_DATA, WORD_DATA, … */
  readonly protocol: string;
  readonly command: number;
  readonly data: readonly number[];
}

export async function startSmbusTrace(): Promise<void> {
  await writeFile(`${TRACING}/tracing_on`, '0');
  await writeFile(`${TRACING}/trace`, ''); // truncates the ring buffer
  // The trace file merges the per-CPU buffers by timestamp, and the default
  // 'local' clock is not synchronised between CPUs: a writer that migrates
  // between the VM's two CPUs would see its bytes reordered. 'global' is.
  await writeFile(`${TRACING}/trace_clock`, 'global');
  // 4 MiB per CPU: an LCD refresh is a few hundred events; keep everything a test writes.
  await writeFile(`${TRACING}/buffer_size_kb`, '4096');
  await writeFile(`${TRACING}/events/smbus/smbus_write/enable`, '1');
  await writeFile(`${TRACING}/tracing_on`, '1');
}

export async function stopSmbusTrace(): Promise<SmbusWrite[]> {
  await writeFile(`${TRACING}/tracing_on`, '0');
  await writeFile(`${TRACING}/events/smbus/smbus_write/enable`, '0');
  return parseSmbusTrace(await readFile(`${TRACING}/trace`, 'utf8'));
}

// e.g. "node-123 [001] ..... 12.345: smbus_write: i2c-0 a=027 f=0000 c=55 BYTE l=0 []"
const EVENT = /\s(\d+\.\d+): smbus_write: i2c-(\d+) a=([0-9a-f]+) f=[0-9a-f]+ c=([0-9a-f]+) (\S+) l=(\d+) \[([0-9a-f-]*)\]/;

export function parseSmbusTrace(text: string): SmbusWrite[] {
  const writes: SmbusWrite[] = [];
  for (const line of text.split('\n')) {
    const m = EVENT.exec(line);
    if (!m) continue;
    const len = Number(m[6]);
    const data = len === 0 || !m[7] ? [] : m[7].split('-').map((h) => parseInt(h, 16));
    writes.push({
      atMs: Number(m[1]) * 1000,
      adapter: Number(m[2]),
      address: parseInt(m[3]!, 16),
      command: parseInt(m[4]!, 16),
      protocol: m[5]!,
      data,
    });
  }
  return writes;
}

/**
 * The bytes on the wire after the address, in order, which a PCF8574 latches
 * one after another (a write to it is a plain byte stream). SMBus "send byte"
 * carries its byte in the command field; the trace's buffer for I2C block
 * writes starts with the length, which is not sent.
 */
export function latchedBytes(writes: readonly SmbusWrite[], address: number): number[] {
  const bytes: number[] = [];
  for (const w of writes) {
    if (w.address !== address) continue;
    if (w.protocol === 'BYTE') bytes.push(w.command);
    else if (w.protocol === 'I2C_BLOCK_DATA') bytes.push(w.command, ...w.data.slice(1));
    else bytes.push(w.command, ...w.data);
  }
  return bytes;
}
