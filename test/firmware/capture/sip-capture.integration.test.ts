/**
 * Integration: the SIP transports' tap on real sockets. Each message is
 * recorded once where it is sent and once where it is received, with the
 * socket addresses; the pcap written from it carries UDP and TCP.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { IPPROTO_TCP, PacketCapture } from '../../../firmware/capture/index.js';
import { readPcap, udpDatagrams } from '../../../firmware/media/pcap/index.js';
import { StreamTransport, UdpTransport, type InboundMessage, type Transport, type TransportEvents } from '../../../firmware/sip/transport/index.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const open: Transport[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

const msg = (n: number) => `OPTIONS sip:a@b SIP/2.0\r\nCSeq: ${n} OPTIONS\r\nContent-Length: 0\r\n\r\n`;

/** Transport events that hand every message to `received` and every copy to the capture's tap. */
function tapped(capture: PacketCapture, received: InboundMessage[]): TransportEvents {
  return { message: (m) => received.push(m), traffic: capture.sipTap };
}

async function until(probe: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !probe(); i++) await new Promise((r) => setTimeout(r, 25));
}

/** The SIP ring's packets, through the same path a download takes. */
async function sipPackets(capture: PacketCapture) {
  const file = readPcap(await capture.pcap());
  return { file, udp: udpDatagrams(file) };
}

describe('SIP capture from the transports', () => {
  it('records UDP messages as sent and as received, with the sockets’ addresses and ports', async () => {
    const capture = new PacketCapture(() => Date.now(), undefined);
    await capture.configure({ enabled: true, maxBytes: 256 * 1024 });
    const got: InboundMessage[] = [];
    const a = await UdpTransport.listen({ address: '127.0.0.1', port: 0 }, tapped(capture, got));
    const b = await UdpTransport.listen({ address: '127.0.0.1', port: 0 }, tapped(capture, got));
    open.push(a, b);
    await a.send(enc.encode(msg(1)), b.local);
    await until(() => got.length === 1);
    await b.send(enc.encode(msg(2)), a.local);
    await until(() => got.length === 2);
    const { udp } = await sipPackets(capture);
    expect(udp.map((d) => [d.source.port, d.destination.port, dec.decode(d.payload)])).toEqual([
      [a.local.port, b.local.port, msg(1)], // sent by a
      [a.local.port, b.local.port, msg(1)], // received by b
      [b.local.port, a.local.port, msg(2)],
      [b.local.port, a.local.port, msg(2)],
    ]);
    expect(udp.every((d) => d.source.address === '127.0.0.1' && d.destination.address === '127.0.0.1')).toBe(true);
  });

  it('records SIP over TCP as TCP between the connection’s ends, each framed message once per side', async () => {
    const capture = new PacketCapture(() => Date.now(), undefined);
    await capture.configure({ enabled: true, maxBytes: 256 * 1024 });
    const got: InboundMessage[] = [];
    const server = await StreamTransport.tcp({ address: '127.0.0.1', port: 0 }, tapped(capture, got));
    const client = await StreamTransport.tcp({ address: '127.0.0.1', port: 0, listen: false }, tapped(capture, got));
    open.push(server, client);
    // Two messages in one write: the tap sees them framed, one record each.
    await client.send(enc.encode(msg(1) + msg(2)), server.local);
    await until(() => got.length === 2);
    const { file, udp } = await sipPackets(capture);
    expect(udp).toEqual([]);
    const tcp = file.records.map((r) => r.data).filter((ip) => ip[9] === IPPROTO_TCP);
    expect(tcp).toHaveLength(3); // the client's one write, the server's two framed messages
    const ports = tcp.map((ip) => [((ip[20]! << 8) | ip[21]!), ((ip[22]! << 8) | ip[23]!)]);
    for (const [, dport] of ports) expect(dport).toBe(server.local.port);
    expect(new Set(ports.map(([s]) => s)).size).toBe(1);
  });

  it('records nothing while capture is off, and refuses the download', async () => {
    const capture = new PacketCapture(() => Date.now(), undefined);
    await capture.configure({ enabled: false, maxBytes: 256 * 1024 });
    const got: InboundMessage[] = [];
    const a = await UdpTransport.listen({ address: '127.0.0.1', port: 0 }, tapped(capture, got));
    open.push(a);
    await a.send(enc.encode(msg(1)), a.local);
    await until(() => got.length === 1);
    await expect(capture.pcap()).rejects.toMatchObject({ code: 'CAPTURE_OFF' });
    // Switched on later: what crossed the socket while it was off is not there.
    await capture.configure({ enabled: true, maxBytes: 256 * 1024 });
    expect(udpDatagrams(readPcap(await capture.pcap()))).toEqual([]);
  });
});
