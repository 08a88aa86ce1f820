import { join } from 'node:path';
import { parse } from 'sdp-transform';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SystemClock } from '../../firmware/clock/index.js';
import { SipStack, type SipAccountConfig } from '../../firmware/sip/index.js';
import { CallManager, callAccount, type Call, type CallAccount } from '../../firmware/sip/session/index.js';
import type { SdpCodec } from '../../firmware/sip/sdp/index.js';
import { createSocket, type Socket } from 'node:dgram';
import { decodeALaw, decodeMuLaw, encodeALaw, encodeMuLaw } from '../../firmware/media/g711.js';
import type { NegotiatedMedia } from '../../firmware/sip/sdp/index.js';
import { wavStats, writeToneWav } from './support/audio.js';
import { startBaresip } from './support/baresip.js';
import { startKamailio, type Kamailio } from './support/kamailio.js';
import { missingPeers } from './support/peers.js';
import { freePort, tempDir, waitFor } from './support/processes.js';

// Issue 5 points 1–3: our INVITE sessions against baresip (a real SIP phone), directly and through Kamailio
// with proxy authentication. Media is the media engine's business: the phone advertises an RTP port and the
// test checks signalling and the SDP each side saw.

const skip = missingPeers('baresip', 'kamailio', 'sox');

const CODECS: SdpCodec[] = [
  { name: 'PCMU', payloadType: 0, clockRate: 8000, channels: 1 },
  { name: 'PCMA', payloadType: 8, clockRate: 8000, channels: 1 },
  { name: 'telephone-event', kind: 'telephone-event', payloadType: 101, clockRate: 8000, channels: 1, fmtp: '0-15' },
];

interface Phone {
  stack: SipStack;
  calls: CallManager;
  incoming: Call[];
  account: CallAccount;
  port: number;
  rtpPort: number;
}

/**
 * A stand-in for the media engine (another engineer's worker, not wired here): plain RTP (RFC 3550 §5.1
 * fixed header, no extensions) with G.711 on the media the call negotiated, enough to prove that the
 * addresses, ports and payload types in our SDP are the ones audio really flows on.
 */
class TestRtp {
  readonly received: Int16Array[] = [];
  private constructor(private readonly socket: Socket) {
    socket.on('message', (packet) => {
      if (packet.length <= 12 || packet[0]! >> 6 !== 2) return;
      const pt = packet[1]! & 0x7f;
      const payload = new Uint8Array(packet.buffer, packet.byteOffset + 12, packet.length - 12);
      if (pt === 0) this.received.push(decodeMuLaw(payload));
      else if (pt === 8) this.received.push(decodeALaw(payload));
    });
  }

  static async bind(port: number): Promise<TestRtp> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, '127.0.0.1', () => resolve());
    });
    return new TestRtp(socket);
  }

  /** Sends `seconds` of a sine tone in ptime packets, paced by a timer (test code may use timers). */
  async sendTone(media: NegotiatedMedia, frequencyHz: number, seconds: number): Promise<void> {
    const samples = (media.codec.clockRate * media.ptime) / 1000;
    const packets = Math.round((seconds * 1000) / media.ptime);
    const ssrc = 0x1234abcd;
    for (let n = 0; n < packets; n++) {
      const pcm = new Int16Array(samples);
      for (let i = 0; i < samples; i++) pcm[i] = Math.round(8000 * Math.sin((2 * Math.PI * frequencyHz * (n * samples + i)) / media.codec.clockRate));
      const payload = media.codec.name === 'PCMA' ? encodeALaw(pcm) : encodeMuLaw(pcm);
      const packet = Buffer.alloc(12 + payload.length);
      packet[0] = 0x80;
      packet[1] = media.payloadType & 0x7f;
      packet.writeUInt16BE(n & 0xffff, 2);
      packet.writeUInt32BE((n * samples) >>> 0, 4);
      packet.writeUInt32BE(ssrc, 8);
      packet.set(payload, 12);
      this.socket.send(packet, media.remotePort, media.remoteAddress);
      await new Promise((r) => setTimeout(r, media.ptime));
    }
  }

  /** Frequency by zero crossings and RMS level of what arrived. */
  heard(): { frequency: number; rms: number; seconds: number } {
    const all = Int16Array.from(this.received.flatMap((p) => [...p]));
    let crossings = 0;
    let sum = 0;
    for (let i = 1; i < all.length; i++) if ((all[i - 1]! < 0) !== (all[i]! < 0)) crossings++;
    for (const v of all) sum += v * v;
    const seconds = all.length / 8000;
    return { frequency: seconds > 0 ? crossings / 2 / seconds : 0, rms: Math.sqrt(sum / Math.max(1, all.length)) / 32768, seconds };
  }

  close(): void {
    this.socket.close();
  }
}

async function startPhone(account?: SipAccountConfig, transport: 'udp' | 'tcp' = 'udp'): Promise<Phone> {
  const stack = await SipStack.create(
    {
      bindAddress: '127.0.0.1',
      ports: { udp: 0, tcp: 0 },
      transports: [transport],
      userAgent: 'deskphone-interop',
      supported: ['100rel', 'timer', 'replaces'],
      accounts: account ? [account] : [],
    },
    { clock: new SystemClock() },
  );
  const rtpPort = await freePort(2);
  const calls = new CallManager(stack.core, { clock: new SystemClock() }, {
    localMedia: () => ({ address: '127.0.0.1', port: rtpPort, codecs: CODECS }),
  });
  const incoming: Call[] = [];
  calls.onIncoming((c) => incoming.push(c));
  const port = stack.localTransports[0]!.port;
  const line: CallAccount = account ? callAccount(account) : { user: 'phone', domain: `127.0.0.1:${port}` };
  return { stack, calls, incoming, account: line, port, rtpPort };
}

function until(call: Call, state: Call['state'], timeoutMs = 10_000): Promise<void> {
  return waitFor(`call ${state}`, () => (call.state === state ? true : undefined), { timeoutMs }).then(() => undefined);
}

describe.skipIf(skip !== undefined)(`calls with baresip (${skip ?? 'installed'})`, () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let wav: string;
  const cleanup: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    dir = await tempDir('calls');
    wav = join(dir.path, 'tone.wav');
    writeToneWav(wav, 440, 20);
  });
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c().catch(() => undefined);
  });
  afterAll(async () => {
    await dir?.remove();
  });

  async function direct(answer: 'auto' | 'manual' = 'auto') {
    const phone = await startPhone();
    cleanup.push(() => phone.stack.stop());
    const baresip = await startBaresip({ user: 'bob', wav, answer });
    cleanup.push(() => baresip.stop());
    return { phone, baresip };
  }

  it('calls baresip directly: ringing, answered with an SDP answer, hung up with BYE by us', async () => {
    const { phone, baresip } = await direct();
    const call = phone.calls.call(baresip.uri, phone.account);
    const media: string[] = [];
    call.on('media', (m) => media.push(`${m.codec.name} ${m.remoteAddress} ${m.direction}`));
    await until(call, 'active');
    await baresip.waitForEvent('CALL_ESTABLISHED');
    expect(media[0]).toMatch(/^PCMU 127\.0\.0\.1 sendrecv$/);
    expect(call.media!.remotePort).toBeGreaterThan(0);
    call.hangup();
    const closed = await baresip.waitForEvent('CALL_CLOSED');
    expect(closed).toBeDefined();
    expect(call.ended).toMatchObject({ kind: 'local' });
  });

  it('carries audio both ways on the negotiated media: our tone is in baresip\'s recording, baresip\'s tone reaches our port', async () => {
    const { phone, baresip } = await direct();
    const rtp = await TestRtp.bind(phone.rtpPort);
    cleanup.push(async () => rtp.close());
    const call = phone.calls.call(baresip.uri, phone.account);
    await until(call, 'active');
    await baresip.waitForEvent('CALL_ESTABLISHED');
    await rtp.sendTone(call.media!, 1000, 2);
    call.hangup();
    await baresip.waitForEvent('CALL_CLOSED');
    // baresip plays a 440 Hz WAV (writeToneWav at half scale) into the call.
    const ours = rtp.heard();
    expect(ours.seconds).toBeGreaterThan(1);
    expect(Math.abs(ours.frequency - 440)).toBeLessThan(20);
    expect(ours.rms).toBeGreaterThan(0.2);
    const [recording] = await waitFor('baresip recording', async () => ((await baresip.recordings()).length > 0 ? baresip.recordings() : undefined));
    const theirs = wavStats(recording!);
    // sox's rough frequency reads ~975 Hz for this tone; 440 Hz (baresip's own) would be far outside.
    expect(Math.abs(theirs.frequency - 1000)).toBeLessThan(100);
    expect(theirs.rms).toBeGreaterThan(0.05);
  });

  it('is hung up by baresip: its BYE ends our call with words', async () => {
    const { phone, baresip } = await direct();
    const call = phone.calls.call(baresip.uri, phone.account);
    await until(call, 'active');
    await baresip.waitForEvent('CALL_ESTABLISHED');
    await baresip.hangup();
    await until(call, 'ended');
    expect(call.ended).toEqual({ kind: 'remote', words: 'Call ended' });
  });

  it('takes a call from baresip, answers it, and hangs up when baresip does', async () => {
    const { phone, baresip } = await direct();
    await baresip.dial(`sip:phone@127.0.0.1:${phone.port}`);
    const call = await waitFor('incoming call', () => phone.incoming[0]);
    expect(call.state).toBe('ringing');
    expect(call.remoteIdentity.uri.toString()).toContain('bob@');
    call.answer();
    await baresip.waitForEvent('CALL_ESTABLISHED');
    expect(call.state).toBe('active');
    expect(call.media).toMatchObject({ codec: { name: 'PCMU' }, direction: 'sendrecv' });
    await baresip.hangup();
    await until(call, 'ended');
    expect(call.ended).toMatchObject({ kind: 'remote' });
  });

  it('reports a missed call when baresip gives up before we answer (its CANCEL, our 487)', async () => {
    const { phone, baresip } = await direct();
    await baresip.dial(`sip:phone@127.0.0.1:${phone.port}`);
    const call = await waitFor('incoming call', () => phone.incoming[0]);
    await baresip.waitForEvent('CALL_RINGING');
    await baresip.hangup();
    await until(call, 'ended');
    expect(call.ended).toEqual({ kind: 'remote', words: 'Missed call' });
    await baresip.waitForEvent('CALL_CLOSED');
  });

  it('cancels a call before baresip answers (CANCEL, 487)', async () => {
    const { phone, baresip } = await direct('manual');
    const call = phone.calls.call(baresip.uri, phone.account);
    await until(call, 'early');
    await baresip.waitForEvent('CALL_INCOMING');
    call.hangup();
    await until(call, 'ended');
    expect(call.ended).toEqual({ kind: 'local', words: 'Cancelled', status: 487 });
    await baresip.waitForEvent('CALL_CLOSED');
  });

  it('puts baresip on hold and back: the re-INVITEs carry sendonly then sendrecv and baresip answers recvonly then sendrecv', async () => {
    const { phone, baresip } = await direct();
    const call = phone.calls.call(baresip.uri, phone.account);
    await until(call, 'active');
    await baresip.waitForEvent('CALL_ESTABLISHED');
    const holds: string[] = [];
    call.on('hold', (h) => holds.push(`local=${h.local}`));
    call.hold();
    await waitFor('hold accepted', () => (call.localHold ? true : undefined));
    expect(call.media).toMatchObject({ direction: 'sendonly', remoteDirection: 'recvonly' });
    expect(parse(call.sdp.lastSdp!).media[0]!.direction).toBe('sendonly');
    call.resume();
    await waitFor('resume accepted', () => (!call.localHold ? true : undefined));
    expect(call.media).toMatchObject({ direction: 'sendrecv', remoteDirection: 'sendrecv' });
    expect(holds).toEqual(['local=true', 'local=false']);
    expect(call.state).toBe('active');
    call.hangup();
    await baresip.waitForEvent('CALL_CLOSED');
  });

  it('sends DTMF by INFO (application/dtmf-relay) and baresip reports the digits', async () => {
    const { phone, baresip } = await direct();
    const call = phone.calls.call(baresip.uri, phone.account);
    await until(call, 'active');
    await baresip.waitForEvent('CALL_ESTABLISHED');
    for (const digit of ['1', '5', '#']) call.sendDtmfInfo(digit, 100);
    const digits = () => baresip.events().filter((e) => e.type === 'CALL_DTMF_START').map((e) => e.param);
    await waitFor('digits at baresip', () => (digits().length >= 3 ? true : undefined), { timeoutMs: 5000 });
    expect(digits()).toEqual(['1', '5', '#']);
    call.hangup();
    await baresip.waitForEvent('CALL_CLOSED');
  });

  describe('through Kamailio', () => {
    let kamailio: Kamailio;
    beforeAll(async () => {
      kamailio = await startKamailio({ users: [{ user: 'alice', password: 'alice-pw' }, { user: 'bob', password: 'bob-pw' }] });
    });
    afterAll(async () => {
      await kamailio?.stop();
    });

    async function registeredPair(transport: 'udp' | 'tcp') {
      const proxy = `127.0.0.1:${kamailio.ports.udp}${transport === 'tcp' ? ';transport=tcp' : ''}`;
      const phone = await startPhone(
        { id: 'line1', user: 'alice', password: 'alice-pw', domain: kamailio.domain, outboundProxy: proxy, transport, expires: 120 },
        transport,
      );
      cleanup.push(() => phone.stack.stop());
      phone.stack.start();
      await waitFor('phone registered', () => (phone.stack.registrationStatus()['line1']?.state === 'registered' ? true : undefined));
      const baresip = await startBaresip({ user: 'bob', password: 'bob-pw', registrar: `127.0.0.1:${kamailio.ports.udp}`, wav });
      cleanup.push(() => baresip.stop());
      return { phone, baresip };
    }

    it.each(['udp', 'tcp'] as const)("calls a registered baresip by number over %s, answering the proxy's 407; the BYE follows the route set", async (transport) => {
      const { phone, baresip } = await registeredPair(transport);
      const call = phone.calls.call('bob', phone.account);
      await until(call, 'active');
      await baresip.waitForEvent('CALL_ESTABLISHED');
      // Kamailio record-routes; between TCP and UDP it adds two entries (LAB.md), both kept in order.
      expect(call.confirmedDialog!.routeSet.length).toBe(transport === 'tcp' ? 2 : 1);
      call.hangup();
      await baresip.waitForEvent('CALL_CLOSED');
    });

    it.each(['udp', 'tcp'] as const)('is called by baresip through Kamailio over %s, answers, and its BYE reaches baresip', async (transport) => {
      const { phone, baresip } = await registeredPair(transport);
      await baresip.dial(`sip:alice@${kamailio.domain}`);
      const call = await waitFor('incoming call', () => phone.incoming[0]);
      call.answer();
      await baresip.waitForEvent('CALL_ESTABLISHED');
      expect(call.confirmedDialog!.routeSet.length).toBeGreaterThan(0);
      call.hangup();
      await baresip.waitForEvent('CALL_CLOSED');
      expect(call.ended).toMatchObject({ kind: 'local', words: 'Call ended' });
    });
  });
});
