import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PcapError, readPcap, udpDatagrams } from '../../../../firmware/media/pcap/index.js';
import { writePcap, type CapturedDatagram, type LinkKind } from './pcap-writer.js';

const v4: CapturedDatagram = { timestampMs: 1_700_000_000_123.456, source: { address: '192.0.2.10', port: 40000 }, destination: { address: '198.51.100.20', port: 5004 }, payload: Uint8Array.from([0x80, 0, 1, 2]) };
const v6: CapturedDatagram = { timestampMs: 1_700_000_000_500, source: { address: '2001:db8::1', port: 4000 }, destination: { address: 'fe80::2:0:0:5', port: 6000 }, payload: Uint8Array.from([9, 8, 7]) };

describe('pcap reader', () => {
  for (const link of ['ethernet', 'ethernet-vlan', 'sll', 'sll2', 'raw'] as LinkKind[]) {
    it(`finds UDP over IPv4 and IPv6 in a ${link} capture`, () => {
      const got = udpDatagrams(readPcap(writePcap([v4, v6], { link })));
      expect(got).toHaveLength(2);
      expect(got[0]).toMatchObject({ source: v4.source, destination: v4.destination });
      expect(got[0]!.timestampMs).toBeCloseTo(v4.timestampMs, 2);
      expect(Array.from(got[0]!.payload)).toEqual(Array.from(v4.payload));
      expect(got[1]).toMatchObject({ source: v6.source, destination: v6.destination });
      expect(Array.from(got[1]!.payload)).toEqual([9, 8, 7]);
    });
  }

  it('reads big-endian files and nanosecond timestamps', () => {
    const be = readPcap(writePcap([v4], { bigEndian: true }));
    expect(be.records[0]!.timestampMs).toBeCloseTo(v4.timestampMs, 2);
    const ns = readPcap(writePcap([v4], { nanosecond: true }));
    expect(ns.nanosecond).toBe(true);
    expect(ns.records[0]!.timestampMs).toBeCloseTo(v4.timestampMs, 5);
  });

  it('steps over IPv6 extension headers and skips TCP and IP fragments', () => {
    const got = udpDatagrams(readPcap(writePcap([{ ...v6, hopByHop: true }, { ...v4, protocol: 6 }, { ...v4, fragment: true }, v4])));
    expect(got.map((d) => d.source.address)).toEqual(['2001:db8::1', '192.0.2.10']);
  });

  it('names what is wrong with a damaged file', () => {
    const good = writePcap([v4, v4]);
    expect(() => readPcap(good.subarray(0, 10))).toThrow(/shorter than the 24-byte header/);
    const badMagic = good.slice();
    badMagic[0] = 0x00;
    expect(() => readPcap(badMagic)).toThrow(/unknown magic number/);
    expect(() => readPcap(good.subarray(0, good.length - 3))).toThrow(/claims \d+ bytes but the file ends/);
    const garbageLength = good.slice();
    new DataView(garbageLength.buffer).setUint32(24 + 8, 0x7fffffff, true);
    try {
      readPcap(garbageLength);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PcapError);
      expect((e as PcapError).code).toBe('PCAP_INVALID');
      expect((e as PcapError).offset).toBe(24);
    }
    const pcapng = Uint8Array.from([0x0a, 0x0d, 0x0d, 0x0a, ...new Array(28).fill(0)]);
    expect(() => readPcap(pcapng)).toThrow(/pcapng.*editcap/);
  });

  const sipp = '/usr/share/sip-tester/g711a.pcap';
  it.skipIf(!existsSync(sipp))('reads the sipp sample capture (g711a.pcap: 236 RTP packets 10.1.3.143:5000 → 10.1.6.18:2006)', () => {
    const d = udpDatagrams(readPcap(readFileSync(sipp)));
    const rtp = d.filter((x) => x.source.port === 5000 && x.destination.port === 2006);
    expect(rtp).toHaveLength(236);
    expect(rtp[0]!.source.address).toBe('10.1.3.143');
    expect(rtp[0]!.payload.length).toBe(12 + 240); // 30 ms of A-law
  });
});

describe('pcap reader on hostile input', () => {
  it('either reads or throws PcapError, whatever the bytes', async () => {
    const fc = (await import('fast-check')).default;
    const header = writePcap([]);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.constantFrom(1, 113, 276, 101, 0, 228, 229), (body, link) => {
        const file = new Uint8Array(24 + body.length);
        file.set(header);
        new DataView(file.buffer).setUint32(20, link, true);
        file.set(body, 24);
        try {
          udpDatagrams(readPcap(file));
        } catch (e) {
          expect(e).toBeInstanceOf(PcapError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('skips frames with random content inside well-formed records', async () => {
    const fc = (await import('fast-check')).default;
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 120 }), { maxLength: 20 }), (frames) => {
        // Build records around arbitrary link-layer bytes: structure valid, content garbage.
        const records = frames.map((f) => {
          const r = new Uint8Array(16 + f.length);
          const v = new DataView(r.buffer);
          v.setUint32(8, f.length, true);
          v.setUint32(12, f.length, true);
          r.set(f, 16);
          return r;
        });
        const header = writePcap([], { link: 'ethernet' });
        const file = new Uint8Array(header.length + records.reduce((n, r) => n + r.length, 0));
        file.set(header);
        let o = header.length;
        for (const r of records) {
          file.set(r, o);
          o += r.length;
        }
        expect(Array.isArray(udpDatagrams(readPcap(file)))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
