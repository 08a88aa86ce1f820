/**
 * What capture costs the media worker's 20 ms path: one DatagramRecorder.sent()
 * per RTP packet (address lookup, header fields, a 172-byte copy into the ring)
 * against the same loop with capture off. Run: npx tsx test/firmware/capture/capture.bench.ts
 */
import { performance } from 'node:perf_hooks';
import { DatagramRecorder, encodeIp } from '../../../firmware/capture/index.js';

const PACKETS = 2_000_000;
const packet = new Uint8Array(172).fill(0x80);
const local = encodeIp('192.0.2.10');
const to = { address: '192.0.2.20', port: 30000 };

function run(recorder: DatagramRecorder): number {
  const t0 = performance.now();
  for (let i = 0; i < PACKETS; i++) recorder.sent(local, 40000, to, packet, 172);
  return ((performance.now() - t0) * 1e6) / PACKETS;
}

const off = new DatagramRecorder(() => performance.now());
const on = new DatagramRecorder(() => performance.now());
on.configure(1_572_864); // the RTP share of the default 2 MB
for (let round = 0; round < 3; round++) {
  const offNs = run(off);
  const onNs = run(on);
  const heapMb = process.memoryUsage().heapUsed / 1e6;
  console.log(JSON.stringify({ round, offNsPerPacket: +offNs.toFixed(1), onNsPerPacket: +onNs.toFixed(1), ringPackets: on.packets, heapMb: +heapMb.toFixed(1) }));
}
