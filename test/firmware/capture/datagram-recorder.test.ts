import { describe, expect, it } from 'vitest';
import { DatagramRecorder, decodeSnapshot, encodeIp, IPPROTO_TCP, IPPROTO_UDP, PacketCapture, ringSizes } from '../../../firmware/capture/index.js';
import { readPcap, udpDatagrams } from '../../../firmware/media/pcap/index.js';

const text = (s: string) => new TextEncoder().encode(s);
const addr = (p: { ip: { family: number; bytes: Uint8Array } }) => (p.ip.family === 4 ? [...p.ip.bytes.subarray(0, 4)].join('.') : 'v6');

describe('DatagramRecorder', () => {
  it('records nothing until configured, and nothing once turned off', () => {
    const r = new DatagramRecorder(() => 1000);
    r.sent(encodeIp('10.0.0.1'), 1, { address: '10.0.0.2', port: 2 }, text('x'));
    expect(r.snapshot().length).toBe(0);
    r.configure(4096);
    r.sent(encodeIp('10.0.0.1'), 1, { address: '10.0.0.2', port: 2 }, text('x'));
    expect(r.packets).toBe(1);
    r.configure(null);
    r.sent(encodeIp('10.0.0.1'), 1, { address: '10.0.0.2', port: 2 }, text('x'));
    expect(r.enabled).toBe(false);
    expect(r.snapshot().length).toBe(0);
  });

  it('keeps its packets when configured again with the same size, starts afresh with a new size', () => {
    const r = new DatagramRecorder(() => 1000);
    r.configure(4096);
    r.received(encodeIp('10.0.0.1'), 4000, { address: '10.0.0.2', port: 4002 }, text('rtp'));
    r.configure(4096);
    expect(r.packets).toBe(1);
    r.configure(8192);
    expect(r.packets).toBe(0);
  });

  it('writes a received datagram from the remote to the local socket, a sent one the other way, at the time given', () => {
    let now = 1_764_086_400_000;
    const r = new DatagramRecorder(() => now);
    r.configure(4096);
    r.received(encodeIp('10.0.0.1'), 4000, { address: '10.0.0.2', port: 4002 }, text('in'));
    now += 20;
    r.sent(encodeIp('10.0.0.1'), 4000, { address: '10.0.0.2', port: 4002 }, text('out!'), 3);
    const [a, b] = decodeSnapshot(r.snapshot());
    expect([addr(a!.source), a!.source.port, addr(a!.destination), a!.destination.port, a!.timestampMs]).toEqual(['10.0.0.2', 4002, '10.0.0.1', 4000, 1_764_086_400_000]);
    expect([addr(b!.source), b!.source.port, addr(b!.destination), b!.destination.port, b!.timestampMs]).toEqual(['10.0.0.1', 4000, '10.0.0.2', 4002, 1_764_086_400_020]);
    expect(new TextDecoder().decode(b!.payload)).toBe('out'); // only the length sent
  });

  it('records SIP from the transports: UDP as UDP, TCP and TLS as TCP, a wildcard-bound socket with the phone’s own address', () => {
    const r = new DatagramRecorder(() => 1);
    r.configure(4096);
    r.setOwnAddress('192.0.2.10');
    r.sip({ direction: 'out', protocol: 'UDP', local: { address: '0.0.0.0', port: 5060 }, remote: { address: '198.51.100.7', port: 5060 }, data: text('REGISTER') });
    r.sip({ direction: 'in', protocol: 'TLS', local: { address: '192.0.2.10', port: 40001 }, remote: { address: '198.51.100.7', port: 5061 }, data: text('SIP/2.0 200 OK') });
    const [udp, tls] = decodeSnapshot(r.snapshot());
    expect(udp!.protocol).toBe(IPPROTO_UDP);
    expect(addr(udp!.source)).toBe('192.0.2.10');
    expect(tls!.protocol).toBe(IPPROTO_TCP);
    expect([addr(tls!.source), tls!.source.port, tls!.destination.port]).toEqual(['198.51.100.7', 5061, 40001]);
  });

  it('skips a datagram whose peer is not an IP address rather than throwing on the packet path', () => {
    const r = new DatagramRecorder(() => 1);
    r.configure(4096);
    expect(() => r.received(encodeIp('10.0.0.1'), 1, { address: 'not-an-ip', port: 2 }, text('x'))).not.toThrow();
    expect(r.packets).toBe(0);
  });
});

describe('DatagramRecorder faults', () => {
  it('a failing clock costs the packet its capture, never an exception on the socket path', () => {
    const r = new DatagramRecorder(() => {
      throw new Error('clock broke');
    });
    r.configure(4096);
    expect(() => r.sent(encodeIp('10.0.0.1'), 1, { address: '10.0.0.2', port: 2 }, text('x'))).not.toThrow();
    expect(r.failures).toBe(1);
    expect(r.packets).toBe(0);
  });
});

describe('PacketCapture download', () => {
  it('a failed media worker costs the RTP, not the SIP: the file has the SIP and the failure is reported', async () => {
    const failures: string[] = [];
    const capture = new PacketCapture(
      () => 1_764_086_400_000,
      { configureCapture: async () => {}, captureSnapshot: async () => Promise.reject(new Error('media worker exited with code 1')) },
      undefined,
      (err) => failures.push(err.message),
    );
    await capture.configure({ enabled: true, maxBytes: 2 * 1024 * 1024 });
    capture.sipTap({ direction: 'out', protocol: 'UDP', local: { address: '127.0.0.1', port: 5060 }, remote: { address: '127.0.0.1', port: 5070 }, data: text('BYE sip:x SIP/2.0\r\n\r\n') });
    const datagrams = udpDatagrams(readPcap(await capture.pcap()));
    expect(datagrams.map((d) => new TextDecoder().decode(d.payload))).toEqual(['BYE sip:x SIP/2.0\r\n\r\n']);
    expect(failures).toEqual(['media worker exited with code 1']);
  });

  it('splits capture.maxBytes: a quarter (at least 80 KB) for SIP, the rest for RTP', async () => {
    const asked: Array<number | null> = [];
    const capture = new PacketCapture(() => 0, { configureCapture: async (b) => void asked.push(b), captureSnapshot: async () => new Uint8Array(0) });
    await capture.configure({ enabled: true, maxBytes: 2 * 1024 * 1024 });
    await capture.configure({ enabled: true, maxBytes: 160 * 1024 });
    await capture.configure({ enabled: false, maxBytes: 160 * 1024 });
    expect(asked).toEqual([2 * 1024 * 1024 - 512 * 1024, 80 * 1024, null]);
    expect(() => ringSizes(100 * 1024)).toThrow(/at least/);
  });
});
