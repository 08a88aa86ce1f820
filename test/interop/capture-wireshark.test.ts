import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PacketCapture } from '../../firmware/capture/index.js';
import { StreamTransport, UdpTransport, type InboundMessage, type Transport } from '../../firmware/sip/transport/index.js';
import { missingPeers } from './support/peers.js';
import { tempDir, waitFor } from './support/processes.js';

// What tshark makes of the capture's synthetic headers: SIP over TCP (as TLS is
// written too) reassembled and dissected, IPv6 UDP with its mandatory checksum,
// and every IP, UDP and TCP checksum verified.

const run = promisify(execFile);
const skip = missingPeers('tshark');

const request = (n: number, body = '') =>
  [
    'OPTIONS sip:bob@lab.test SIP/2.0',
    `Via: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bK${n}`,
    `From: <sip:alice@lab.test>;tag=a${n}`,
    'To: <sip:bob@lab.test>',
    `Call-ID: capture-${n}`,
    `CSeq: ${n} OPTIONS`,
    'Max-Forwards: 70',
    `Content-Length: ${body.length}`,
    '',
    body,
  ].join('\r\n');

describe.skipIf(skip !== undefined)(`the capture in tshark (${skip ?? 'tshark installed'})`, () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  const open: Transport[] = [];
  beforeAll(async () => {
    dir = await tempDir('capture-wireshark');
  });
  afterAll(async () => {
    await Promise.all(open.map((t) => t.close()));
    await dir?.remove();
  });

  it('dissects SIP over TCP and over UDP on IPv6, with every checksum good', async () => {
    const capture = new PacketCapture(() => Date.now(), undefined);
    await capture.configure({ enabled: true, maxBytes: 512 * 1024 });
    const got: InboundMessage[] = [];
    const events = { message: (m: InboundMessage) => got.push(m), traffic: capture.sipTap };
    const server = await StreamTransport.tcp({ address: '127.0.0.1', port: 0 }, events);
    const client = await StreamTransport.tcp({ address: '127.0.0.1', port: 0, listen: false }, events);
    const v6a = await UdpTransport.listen({ address: '::1', port: 0 }, events);
    const v6b = await UdpTransport.listen({ address: '::1', port: 0 }, events);
    open.push(server, client, v6a, v6b);
    const enc = new TextEncoder();
    // Two requests in one write, then a large one (a body of 3000 bytes) on the same connection.
    await client.send(enc.encode(request(1) + request(2)), server.local);
    await client.send(enc.encode(request(3, 'x'.repeat(3000))), server.local);
    await v6a.send(enc.encode(request(4)), v6b.local);
    await waitFor('all four messages to arrive', () => (got.length === 4 ? true : undefined), { timeoutMs: 10_000 });

    const file = join(dir.path, 'sip.pcap');
    await writeFile(file, await capture.pcap());
    const checks = ['-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE'];
    const decodeAs = ['-d', `tcp.port==${server.local.port},sip`, '-d', `udp.port==${v6b.local.port},sip`];
    const out = await run('tshark', ['-r', file, ...checks, ...decodeAs, '-T', 'fields', '-E', 'separator=|', '-e', 'frame.protocols', '-e', 'sip.Call-ID', '-e', 'ip.checksum.status', '-e', 'udp.checksum.status', '-e', 'tcp.checksum.status']);
    const frames = out.stdout.trim().split('\n').map((l) => l.split('|'));
    // Each message once as sent and once as received.
    const callIds = frames.flatMap(([, ids]) => (ids ? ids.split(',') : []));
    for (const n of [1, 2, 3, 4]) expect(callIds.filter((id) => id === `capture-${n}`), out.stdout).toHaveLength(2);
    expect(frames.filter(([protocols]) => protocols!.includes('tcp') && protocols!.includes('sip')).length).toBeGreaterThanOrEqual(4);
    expect(frames.some(([protocols]) => protocols!.startsWith('raw:ipv6:udp:sip'))).toBe(true);
    // Checksum status 1 is "Good" (2 would be "Bad"); every frame carries at least one checked checksum.
    for (const [, , ip, udp, tcp] of frames) {
      const statuses = [ip, udp, tcp].filter((v) => v !== '');
      expect(statuses.length).toBeGreaterThan(0);
      expect(statuses.every((v) => v === '1'), out.stdout).toBe(true);
    }
    // And no TCP analysis warnings beyond the missing handshake (no bad sequence numbers).
    const expert = await run('tshark', ['-r', file, ...decodeAs, '-Y', 'tcp.analysis.out_of_order || tcp.analysis.retransmission || tcp.analysis.lost_segment', '-T', 'fields', '-e', 'frame.number']);
    expect(expert.stdout.trim()).toBe('');
  });
});
