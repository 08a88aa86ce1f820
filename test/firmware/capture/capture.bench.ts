/**
 * What packet capture costs the media worker's 20 ms path: one
 * DatagramRecorder.sent() per RTP packet (address lookup, entry header, a
 * 172-byte copy into the preallocated ring, wrap-around and eviction included)
 * against the floor — the bare copy of the packet into a preallocated buffer —
 * and against capture switched off. Heap growth over the run is printed
 * (recording allocates nothing per packet; the timing loop's clock reads do).
 * Run: npm run bench -- capture
 */
import { performance } from 'node:perf_hooks';
import { DatagramRecorder, encodeIp, ringSizes } from '../../../firmware/capture/index.js';
import { opsPerSecond, printBench } from '../../support/bench-report.js';

const packet = new Uint8Array(172).fill(0x80);
const local = encodeIp('192.0.2.10');
const to = { address: '192.0.2.20', port: 30000 };

const floorRing = new Uint8Array(ringSizes(2 * 1024 * 1024).rtp);
let at = 0;
const bareCopy = (): void => {
  if (at + 172 > floorRing.length) at = 0;
  floorRing.set(packet, at);
  at += 172;
};

const off = new DatagramRecorder(() => performance.now());
const on = new DatagramRecorder(() => performance.now());
on.configure(ringSizes(2 * 1024 * 1024).rtp); // the RTP share of the default 2 MB
const sendOff = (): void => off.sent(local, 40000, to, packet, 172);
const sendOn = (): void => on.sent(local, 40000, to, packet, 172);

const nsPer = (opsPerS: number) => 1e9 / opsPerS;
(globalThis as { gc?: () => void }).gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const rows = [
  { name: 'bare 172-byte copy into a ring', value: nsPer(opsPerSecond(bareCopy, 1500)), unit: 'ns/packet' },
  { name: 'capture on (default 2 MB)', value: nsPer(opsPerSecond(sendOn, 1500)), unit: 'ns/packet', note: `${on.packets} packets held` },
  { name: 'capture off', value: nsPer(opsPerSecond(sendOff, 1500)), unit: 'ns/packet' },
];
(globalThis as { gc?: () => void }).gc?.();
const heapGrowthKb = (process.memoryUsage().heapUsed - heapBefore) / 1024;
printBench('RTP capture per packet (lower is better)', rows, 'bare 172-byte copy into a ring');
const perSecondUs = (rows[1]!.value * 100) / 1000; // 50 packets a second each way
console.log(`\n(one G.711 call: ${perSecondUs.toFixed(0)} µs of CPU per second, ${((perSecondUs / 1e6) * 100).toFixed(4)} % of a core; heap growth over the run ${heapGrowthKb.toFixed(0)} KB)`);
