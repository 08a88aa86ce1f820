import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { missingPeers } from './support/peers.js';
import { phoneApi, startPhoneProcess, type PhoneProcess } from './support/phone.js';
import { tempDir, waitFor } from './support/processes.js';
import { wavStats, writeToneWav } from './support/audio.js';

// Issue 7 §6: the web admin's download of the recent SIP and RTP traffic. Two
// phones (`deskphone start`, direct IP) call each other; the caller's capture
// is downloaded from its REST API and opened with tshark, as a support engineer
// would, and its RTP stream is played back with `deskphone media replay`.

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const skip = missingPeers('tshark', 'sox');

interface RtpStreamRow {
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  ssrc: number;
  payload: string;
  packets: number;
  lost: number;
}

/** The table `tshark -z rtp,streams` prints, one row per stream. */
function rtpStreams(output: string): RtpStreamRow[] {
  const rows: RtpStreamRow[] = [];
  const row = /([\d.]+)\s+(\d+)\s+([\d.]+)\s+(\d+)\s+0x([0-9a-fA-F]{1,8})\s+(\S+)\s+(\d+)\s+(-?\d+)/;
  for (const line of output.split('\n')) {
    const m = row.exec(line);
    if (m) rows.push({ src: m[1]!, srcPort: +m[2]!, dst: m[3]!, dstPort: +m[4]!, ssrc: parseInt(m[5]!, 16), payload: m[6]!, packets: +m[7]!, lost: +m[8]! });
  }
  return rows;
}

describe.skipIf(skip !== undefined)(`packet capture download (${skip ?? 'peers installed'})`, () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let alice: PhoneProcess;
  let bob: PhoneProcess;
  let pcapPath: string;

  beforeAll(async () => {
    dir = await tempDir('capture');
    const aliceMic = join(dir.path, 'alice-1000hz.wav');
    const bobMic = join(dir.path, 'bob-440hz.wav');
    writeToneWav(aliceMic, 1000, 30);
    writeToneWav(bobMic, 440, 30);
    const config = 'admin:\n  password: desk-admin\n';
    alice = await startPhoneProcess({ config, args: ['--audio-in', aliceMic] });
    bob = await startPhoneProcess({ config, args: ['--audio-in', bobMic] });
    pcapPath = join(dir.path, 'alice.pcap');
  }, 60_000);
  afterAll(async () => {
    await alice?.stop();
    await bob?.stop();
    await dir?.remove();
  });

  it('refuses the download without credentials', async () => {
    const res = await fetch(`http://127.0.0.1:${alice.httpPort}/api/v1/capture.pcap`);
    expect(res.status).toBe(401);
  });

  it('after a call, the caller’s capture shows tshark the SIP dialog and both RTP streams; replay plays alice’s voice', async () => {
    const a = phoneApi(alice);
    const b = phoneApi(bob);
    await a.post('/api/dial', { target: `bob@127.0.0.1:${bob.sipPorts.udp}` });
    await waitFor('bob to ring', async () => ((await b.glass()).includes('Incoming call') ? true : undefined), { timeoutMs: 15_000 });
    await b.post('/api/panel/hook', { state: 'off-hook' });
    await waitFor('alice connected', async () => ((await a.glass()).includes('00:0') ? true : undefined), { timeoutMs: 15_000 });
    await new Promise((r) => setTimeout(r, 3000)); // three seconds of conversation
    await b.post('/api/panel/hook', { state: 'on-hook' });
    await waitFor('alice to see the call end', async () => ((await a.calls()).length === 0 ? true : undefined), { timeoutMs: 15_000 });

    const res = await fetch(`${a.base}/api/v1/capture.pcap`, { headers: a.auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.tcpdump.pcap');
    await writeFile(pcapPath, new Uint8Array(await res.arrayBuffer()));

    // The SIP dialog, as tshark dissects it on the phones' (non-standard) SIP ports.
    const decodeAs = ['-d', `udp.port==${alice.sipPorts.udp},sip`, '-d', `udp.port==${bob.sipPorts.udp},sip`];
    const sip = await run('tshark', ['-r', pcapPath, ...decodeAs, '-Y', 'sip', '-T', 'fields', '-E', 'separator=|', '-e', 'sip.CSeq.method', '-e', 'sip.Status-Code', '-e', 'sip.Call-ID', '-e', 'sdp.media.port']);
    const messages = sip.stdout.trim().split('\n').map((l) => l.split('|'));
    const invite = messages.find(([method, status]) => method === 'INVITE' && status === '');
    expect(invite, sip.stdout).toBeDefined();
    const dialog = messages.filter(([, , callId]) => callId === invite![2]).map(([method, status]) => (status ? `${status} ${method}` : method));
    expect(dialog).toEqual(expect.arrayContaining(['INVITE', '200 INVITE', 'ACK', 'BYE', '200 BYE']));
    expect(dialog.indexOf('INVITE')).toBeLessThan(dialog.indexOf('200 INVITE'));
    expect(dialog.indexOf('ACK')).toBeLessThan(dialog.indexOf('BYE'));

    // The RTP streams, found by tshark from the SDP in that dialog; nothing lost on loopback.
    const streams = rtpStreams((await run('tshark', ['-r', pcapPath, ...decodeAs, '-q', '-z', 'rtp,streams'])).stdout);
    expect(streams.length, JSON.stringify(streams)).toBeGreaterThanOrEqual(2);
    for (const s of streams) {
      expect(s.payload).toMatch(/g711U/i);
      expect(s.packets).toBeGreaterThanOrEqual(100); // 3 s at 50 packets a second, and more
      expect(s.lost).toBe(0);
    }

    // `deskphone media replay` plays alice's outgoing stream (from the RTP port her INVITE's SDP offered): her 1 kHz microphone.
    const aliceRtpPort = Number(invite![3]);
    const aliceSsrc = streams.find((s) => s.srcPort === aliceRtpPort)?.ssrc;
    expect(aliceSsrc, `a stream from port ${aliceRtpPort}`).toBeDefined();
    const heard = join(dir.path, 'replayed.wav');
    const replay = await run(process.execPath, ['scripts/deskphone.js', 'media', 'replay', pcapPath, '--ssrc', String(aliceSsrc!), '--out', heard], { cwd: root });
    const report = JSON.parse(replay.stdout) as { packets: number; lost: number; codec: string; ssrc: number };
    expect(report).toMatchObject({ codec: 'PCMU', ssrc: aliceSsrc!, lost: 0 });
    expect(report.packets).toBeGreaterThanOrEqual(100);
    const audio = wavStats(heard);
    expect(audio.frequency).toBeGreaterThan(900);
    expect(audio.frequency).toBeLessThan(1100);
  }, 120_000);

  it('switched off from the config API, the download says so (409); switched on again, it works', async () => {
    const a = phoneApi(alice);
    const patch = (value: boolean) =>
      fetch(`${a.base}/api/v1/config`, { method: 'PATCH', headers: { 'content-type': 'application/json', ...a.auth }, body: JSON.stringify({ path: 'capture.enabled', value }) });
    expect((await patch(false)).status).toBe(200);
    const off = await fetch(`${a.base}/api/v1/capture.pcap`, { headers: a.auth });
    expect(off.status).toBe(409);
    expect(await off.json()).toMatchObject({ error: { code: 'CAPTURE_OFF' } });
    expect((await patch(true)).status).toBe(200);
    await waitFor('capture back on', async () => ((await fetch(`${a.base}/api/v1/capture.pcap`, { headers: a.auth })).status === 200 ? true : undefined), { timeoutMs: 10_000 });
  });
});
