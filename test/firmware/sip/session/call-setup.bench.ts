/**
 * Call set-up on loopback through Kamailio (issue 5, Performance): 100 calls in
 * a row from the phone to baresip (auto-answer), each hung up as soon as it
 * stands. Measured on our side: INVITE sent → ACK sent (the SIP set-up time),
 * call() → ringback (the "off-hook to ringback" a user hears), call() →
 * established; CPU per call in this process; heap retained after the calls
 * (a forced GC) against the heap before them.
 *
 * The peer figure, from the same run and the same Kamailio: baresip calling
 * baresip, its `dial` command → CALL_ESTABLISHED event (ctrl_tcp), set beside
 * our call() → established, which measures the same span.
 *
 * Run: npm run bench -- call-setup   (CALLS=N to change the count)
 */
import { join } from 'node:path';
import { SystemClock } from '../../../../firmware/clock/index.js';
import { SipStack, parseUri, type Transport } from '../../../../firmware/sip/index.js';
import { CallManager, type Call } from '../../../../firmware/sip/session/index.js';
import { percentile, printBench, type BenchRow } from '../../../support/bench-report.js';
import { writeToneWav } from '../../../interop/support/audio.js';
import { startBaresip, type Baresip } from '../../../interop/support/baresip.js';
import { startKamailio } from '../../../interop/support/kamailio.js';
import { hasCommand } from '../../../interop/support/peers.js';
import { freePort, tempDir } from '../../../interop/support/processes.js';

const CALLS = Number(process.env['CALLS'] ?? 100);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc (npm run bench does)');

if (!['kamailio', 'baresip', 'sox'].every(hasCommand)) {
  console.log('\n## Call set-up through Kamailio\nskipped: needs kamailio, baresip and sox (sudo bash scripts/install-test-packages.sh)');
  process.exit(0);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, check: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(1);
  }
}

const count = (b: Baresip, type: string) => b.events().filter((e) => e.type === type).length;

const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);
const p95 = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 95);

const kamailio = await startKamailio({
  users: [
    { user: 'alice', password: 'alice-pw' },
    { user: 'bob', password: 'bob-pw' },
    { user: 'carol', password: 'carol-pw' },
    { user: 'dave', password: 'dave-pw' },
  ],
});
const dir = await tempDir('call-bench');
const proxy = `127.0.0.1:${kamailio.ports.udp}`;
const wav = join(dir.path, 'tone.wav');
writeToneWav(wav, 440, 60);
const bob = await startBaresip({ user: 'bob', password: 'bob-pw', registrar: proxy, wav });
const carol = await startBaresip({ user: 'carol', password: 'carol-pw', registrar: proxy, wav });
const clock = new SystemClock();

// The phone, with its UDP transport wrapped to time-stamp what it sends.
const stack = await SipStack.create(
  {
    bindAddress: '127.0.0.1',
    ports: { udp: 0 },
    transports: ['udp'],
    supported: ['100rel', 'timer', 'replaces'],
    accounts: [{ id: 'line1', user: 'alice', password: 'alice-pw', domain: kamailio.domain, outboundProxy: proxy, expires: 600 }],
  },
  { clock },
);
/** Per Call-ID: when the first INVITE left, and when each CSeq's INVITE and ACK left (the 2xx's ACK shares the answered INVITE's CSeq). */
const sentAt = new Map<string, { first?: number; lastInviteSeq: number; acks: Map<number, number> }>();
const udp = (stack as unknown as { transports: Transport[] }).transports[0]!;
const send = udp.send.bind(udp);
udp.send = (data, to, options) => {
  const head = Buffer.from(data.buffer, data.byteOffset, Math.min(data.length, 2000)).toString('latin1');
  const method = /^(INVITE|ACK) /.exec(head)?.[1];
  const callId = /\r\nCall-ID: *([^\r\n]+)/i.exec(head)?.[1];
  const seq = Number(/\r\nCSeq: *(\d+) (?:INVITE|ACK)/i.exec(head)?.[1]);
  if (method && callId && seq > 0) {
    const entry = sentAt.get(callId) ?? { lastInviteSeq: 0, acks: new Map<number, number>() };
    if (method === 'INVITE') {
      entry.first ??= clock.now();
      entry.lastInviteSeq = Math.max(entry.lastInviteSeq, seq);
    } else if (!entry.acks.has(seq)) entry.acks.set(seq, clock.now());
    sentAt.set(callId, entry);
  }
  return send(data, to, options);
};
const rtpPort = await freePort(3);
const calls = new CallManager(stack.core, { clock }, {
  localMedia: () => ({ address: '127.0.0.1', port: rtpPort, codecs: [{ name: 'PCMU', payloadType: 0, clockRate: 8000 }] }),
});
// A second phone of ours (dave) that answers at once: the memory phase calls it, so every byte a call leaves
// behind on either side (UAC and UAS) is in this process, and none of the peers' logs kept by the harness is.
const daveStack = await SipStack.create(
  {
    bindAddress: '127.0.0.1',
    ports: { udp: 0 },
    transports: ['udp'],
    supported: ['100rel', 'timer', 'replaces'],
    accounts: [{ id: 'line1', user: 'dave', password: 'dave-pw', domain: kamailio.domain, outboundProxy: proxy, expires: 600 }],
  },
  { clock },
);
const daveCalls = new CallManager(daveStack.core, { clock }, {
  localMedia: () => ({ address: '127.0.0.1', port: rtpPort + 2, codecs: [{ name: 'PCMU', payloadType: 0, clockRate: 8000 }] }),
});
daveCalls.onIncoming((call) => call.answer());
stack.start();
daveStack.start();
await until('phones registered', () =>
  stack.registrationStatus()['line1']?.state === 'registered' && daveStack.registrationStatus()['line1']?.state === 'registered' ? true : undefined,
);
const account = { user: 'alice', domain: kamailio.domain, password: 'alice-pw', outboundProxy: parseUri(`sip:${proxy}`) };

async function ourCall(): Promise<{ setup: number; ringback: number; established: number }> {
  const closedBefore = count(bob, 'CALL_CLOSED');
  const start = clock.now();
  let ringback: number | undefined;
  const call: Call = calls.call('bob', account);
  call.on('progress', () => (ringback ??= clock.now() - start));
  await until('established', () => (call.state === 'active' ? true : call.state === 'ended' ? (() => { throw new Error(`call failed: ${call.ended?.words}`); })() : undefined));
  const established = clock.now() - start;
  call.hangup();
  await until('bob hung up', () => (count(bob, 'CALL_CLOSED') > closedBefore ? true : undefined));
  const t = sentAt.get(call.callId)!;
  sentAt.delete(call.callId);
  return { setup: t.acks.get(t.lastInviteSeq)! - t.first!, ringback: ringback ?? established, established };
}

/** alice → dave, both ours: answered, hung up by alice, dave's side ended. */
async function internalCall(): Promise<void> {
  const call = calls.call('dave', account);
  await until('dave answered', () => (call.state === 'active' ? true : call.state === 'ended' ? (() => { throw new Error(`call failed: ${call.ended?.words}`); })() : undefined));
  call.hangup();
  await until('dave hung up', () => (daveCalls.calls.length === 0 ? true : undefined));
}

async function peerCall(): Promise<number> {
  const before = count(carol, 'CALL_ESTABLISHED');
  const closedBefore = count(bob, 'CALL_CLOSED');
  const start = performance.now();
  await carol.dial(`sip:bob@${kamailio.domain}`);
  await until('peer established', () => (count(carol, 'CALL_ESTABLISHED') > before ? true : undefined));
  const took = performance.now() - start;
  await carol.hangup();
  await until('bob hung up', () => (count(bob, 'CALL_CLOSED') > closedBefore ? true : undefined));
  return took;
}

try {
  for (let i = 0; i < 5; i++) await ourCall(); // warm-up: JIT, Kamailio's location cache, digest nonce
  const cpuBefore = process.cpuUsage();
  const ours: Array<{ setup: number; ringback: number; established: number }> = [];
  for (let i = 0; i < CALLS; i++) ours.push(await ourCall());
  const cpu = process.cpuUsage(cpuBefore);
  sentAt.clear();

  // Memory: calls between our two phones; transactions outlive their calls on purpose (Timer D 32 s after a
  // 407, Timer J after a BYE's 200), so wait for them to end before judging the heap.
  const alive = () =>
    stack.core.transactions.clientCount + stack.core.transactions.serverCount + daveStack.core.transactions.clientCount + daveStack.core.transactions.serverCount;
  for (let i = 0; i < 5; i++) await internalCall();
  await until('warm-up transactions to end', () => (alive() === 0 ? true : undefined), 45_000);
  sentAt.clear();
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  for (let i = 0; i < CALLS; i++) await internalCall();
  await until('transactions to end', () => (alive() === 0 ? true : undefined), 45_000);
  sentAt.clear();
  gc();
  const heapGrowthKb = (process.memoryUsage().heapUsed - heapBefore) / 1024;
  const peer: number[] = [];
  for (let i = 0; i < Math.min(CALLS, 50); i++) peer.push(await peerCall());

  const established = ours.map((o) => o.established);
  const rows: BenchRow[] = [
    { name: 'baresip dial→established (p50)', value: median(peer), unit: 'ms', note: `${peer.length} calls, baresip → Kamailio → baresip` },
    { name: 'deskphone call()→established (p50)', value: median(established), unit: 'ms', note: `p95 ${p95(established).toFixed(1)} ms` },
    { name: 'deskphone INVITE→ACK sent (p50)', value: median(ours.map((o) => o.setup)), unit: 'ms', note: `p95 ${p95(ours.map((o) => o.setup)).toFixed(1)} ms, incl. the 407 round` },
    { name: 'deskphone off-hook→ringback (p50)', value: median(ours.map((o) => o.ringback)), unit: 'ms', note: 'first 18x' },
  ];
  printBench(`Call set-up through Kamailio on loopback (${CALLS} calls in a row)`, rows, 'baresip dial→established (p50)');
  printBench('Cost of a call (deskphone side)', [
    { name: 'CPU per call', value: (cpu.user + cpu.system) / 1000 / CALLS, unit: 'ms', note: 'this process: INVITE, 407 retry, ACK, BYE' },
    {
      name: 'heap growth after the calls',
      value: heapGrowthKb,
      unit: 'KB',
      note: `${CALLS} calls phone → phone, both sides in this process, after their transactions ended; ${calls.calls.length + daveCalls.calls.length} calls and ${stack.core.dialogs.size + daveStack.core.dialogs.size} dialogs left`,
    },
  ]);
} finally {
  await stack.stop();
  await daveStack.stop();
  await bob.stop();
  await carol.stop();
  await kamailio.stop();
  await dir.remove();
}
