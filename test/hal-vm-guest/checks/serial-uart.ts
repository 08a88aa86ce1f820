import { GUEST_UART } from '../../../scripts/vm/guest-devices.js';
import type { CheckResult } from '../report.js';

/** What the host end of the UART answers: each byte it received, inverted. */
export const SERIAL_ECHO_TRANSFORM = (byte: number): number => byte ^ 0xff;
export const SERIAL_BYTES = 256;
const REPLY_TIMEOUT_MS = 10_000;

/**
 * serialport on the guest's 8250 UART, whose other end is a unix socket on
 * the host: all 256 byte values go out, and the host's inverted copy must
 * come back whole and in order (raw mode: no CR/LF or XON/XOFF mangling).
 */
export async function serialUart(): Promise<CheckResult> {
  const { SerialPort } = await import('serialport');
  const port = new SerialPort({ path: GUEST_UART, baudRate: 115_200, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  try {
    const received: number[] = [];
    const t0 = performance.now();
    const complete = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${received.length} of ${SERIAL_BYTES} bytes came back`)), REPLY_TIMEOUT_MS);
      port.on('data', (chunk: Buffer) => {
        received.push(...chunk);
        if (received.length >= SERIAL_BYTES) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const sent = Buffer.from(Array.from({ length: SERIAL_BYTES }, (_, i) => i));
    port.write(sent);
    await complete;
    const expected = [...sent].map(SERIAL_ECHO_TRANSFORM);
    const firstMismatch = expected.findIndex((b, i) => received[i] !== b);
    return { ok: true, sent: sent.length, received: received.length, firstMismatch, roundTripMs: performance.now() - t0 };
  } finally {
    await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}
