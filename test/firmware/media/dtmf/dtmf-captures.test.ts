/**
 * Real-world material found on the machine: sipp's RFC 2833 captures (one
 * digit each, from a real sender: first update with duration 0, the three end
 * packets back to back with the same sequence number) and real speech (sipp's
 * G.711 A-law call, ALSA's spoken channel names) for talk-off. Skipped where
 * the Debian packages (sip-tester, alsa-utils) are not installed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DtmfDetector, DtmfReceiver } from '../../../../firmware/media/dtmf/index.js';
import type { DtmfDetectorEvent, DtmfReceiverReport } from '../../../../firmware/media/dtmf/index.js';
import { decodeALaw } from '../../../../firmware/media/g711.js';
import { readPcap, udpDatagrams } from '../../../../firmware/media/pcap/index.js';
import { RtpPacket } from '../../../../firmware/media/rtp/index.js';
import { rms } from '../tones/signal-analysis.js';

const SIPP = '/usr/share/sip-tester';
const ALSA = '/usr/share/sounds/alsa';

function rtpOf(file: string): Array<{ atMs: number; p: RtpPacket }> {
  const d = udpDatagrams(readPcap(readFileSync(file)));
  const t0 = d[0]!.timestampMs;
  return d.map((x) => ({ atMs: x.timestampMs - t0, p: RtpPacket.parse(x.payload) }));
}

describe.skipIf(!existsSync(SIPP))('RFC 2833 captures from sipp', () => {
  const digits: Record<string, string> = { star: '*', pound: '#' };
  for (let i = 0; i <= 9; i++) digits[String(i)] = String(i);

  it.each(Object.entries(digits))('dtmf_2833_%s.pcap is reported once, as its digit, with its duration', (name, digit) => {
    const reports: DtmfReceiverReport[] = [];
    const rx = new DtmfReceiver((r) => reports.push(r));
    for (const { atMs, p } of rtpOf(`${SIPP}/dtmf_2833_${name}.pcap`)) rx.push(p.payload, p.timestamp, p.marker, atMs);
    expect(reports.map((r) => `${r.type}:${r.digit}`)).toEqual([`begin:${digit}`, `end:${digit}`]);
    expect(reports[1]).toMatchObject({ durationMs: 280, endSeen: true });
    expect(rx.counters.duplicates).toBe(2);
  });
});

function detect(pcm: Int16Array): DtmfDetectorEvent[] {
  const events: DtmfDetectorEvent[] = [];
  const det = new DtmfDetector((e) => events.push(e));
  for (let i = 0; i < pcm.length; i += 160) det.process(pcm.subarray(i, i + 160));
  return events;
}

describe('talk-off on real speech', () => {
  it.skipIf(!existsSync(`${SIPP}/g711a.pcap`))('hears no digit in the speech of sipp\'s G.711 A-law call', () => {
    const packets = rtpOf(`${SIPP}/g711a.pcap`).filter(({ p }) => p.payloadType === 8);
    expect(packets.length).toBeGreaterThan(100);
    const pcm = new Int16Array(packets.reduce((n, { p }) => n + p.payload.length, 0));
    let o = 0;
    for (const { p } of packets) {
      decodeALaw(p.payload, pcm.subarray(o, o + p.payload.length));
      o += p.payload.length;
    }
    expect(rms(pcm)).toBeGreaterThan(300); // it is speech, not silence
    expect(detect(pcm)).toEqual([]);
  });

  it.skipIf(!existsSync(`${ALSA}/Front_Center.wav`))('hears no digit in ALSA\'s spoken channel names (48 kHz speech, decimated to 8 kHz)', () => {
    for (const name of ['Front_Center', 'Front_Left', 'Front_Right', 'Rear_Center', 'Rear_Left', 'Rear_Right', 'Side_Left', 'Side_Right']) {
      const wav = readFileSync(`${ALSA}/${name}.wav`);
      const data = wav.indexOf('data', 12);
      const samples = new Int16Array(wav.buffer.slice(wav.byteOffset + data + 8, wav.byteOffset + wav.length - ((wav.length - data - 8) % 2)));
      // 48 → 8 kHz: average each 6 samples (a crude low-pass, enough to keep speech and drop aliases above 4 kHz mostly).
      const pcm = new Int16Array(Math.floor(samples.length / 6));
      for (let i = 0; i < pcm.length; i++) {
        let s = 0;
        for (let k = 0; k < 6; k++) s += samples[6 * i + k]!;
        pcm[i] = Math.round(s / 6);
      }
      expect(rms(pcm), name).toBeGreaterThan(300);
      expect(detect(pcm), name).toEqual([]);
    }
  });
});
