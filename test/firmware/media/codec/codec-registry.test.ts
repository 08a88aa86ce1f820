import { describe, expect, it } from 'vitest';
import { CodecError, CodecRegistry, createDefaultCodecRegistry, PCMA, PCMU } from '../../../../firmware/media/codec/index.js';
import { decodeALaw, decodeMuLaw, encodeALaw, encodeMuLaw } from '../../../../firmware/media/g711.js';

describe('codec registry', () => {
  it('holds PCMU, PCMA, CN and telephone-event with their RFC 3551 payload types', () => {
    const r = createDefaultCodecRegistry();
    expect(r.list().map((d) => [d.name, d.payloadType, d.clockRate, d.kind])).toEqual([
      ['PCMU', 0, 8000, 'audio'],
      ['PCMA', 8, 8000, 'audio'],
      ['CN', 13, 8000, 'comfort-noise'],
      ['telephone-event', 101, 8000, 'telephone-event'],
    ]);
    expect(r.byName('telephone-event')?.fmtp).toBe('0-16');
  });

  it('finds codecs by SDP name case-insensitively and by payload type', () => {
    const r = createDefaultCodecRegistry();
    expect(r.byName('pcma')).toBe(PCMA);
    expect(r.byPayloadType(0)).toBe(PCMU);
    expect(r.byPayloadType(18)).toBeUndefined();
  });

  it('orders codecs as configured and names an unknown one', () => {
    const r = createDefaultCodecRegistry();
    expect(r.ordered(['PCMA', 'PCMU']).map((d) => d.name)).toEqual(['PCMA', 'PCMU']);
    expect(() => r.ordered(['G729'])).toThrow(CodecError);
  });

  it('refuses to register the same codec twice', () => {
    expect(() => new CodecRegistry([PCMU, PCMU])).toThrow(/already registered/);
  });

  it('PCMU encoder and PCMA decoder use the G.711 tables and honour the payload length', () => {
    const pcm = Int16Array.from({ length: 160 }, (_, i) => i * 100 - 8000);
    const out = new Uint8Array(172);
    expect(PCMU.createEncoder!().encode(pcm, out)).toBe(160);
    expect(out.subarray(0, 160)).toEqual(encodeMuLaw(pcm));

    const slot = new Uint8Array(200).fill(0x2a);
    const samples = new Int16Array(160);
    expect(PCMA.createDecoder!().decode(slot, 80, samples)).toBe(80);
    expect(samples.subarray(0, 80)).toEqual(decodeALaw(slot.subarray(0, 80)));
    expect(samples[80]).toBe(0);
  });

  it('each G.711 descriptor encodes and decodes with its own law, and its coders keep no state between them', () => {
    const pcm = Int16Array.from({ length: 160 }, (_, i) => Math.round(9000 * Math.sin(i / 3)));
    const codes = Uint8Array.from({ length: 160 }, (_, i) => (i * 7) & 0xff);
    for (const [codec, encode, decode] of [
      [PCMU, encodeMuLaw, decodeMuLaw],
      [PCMA, encodeALaw, decodeALaw],
    ] as const) {
      // Two coders from one descriptor, interleaved: a coder sharing a buffer with another would show here.
      const [e1, e2] = [codec.createEncoder!(), codec.createEncoder!()];
      const [o1, o2] = [new Uint8Array(160), new Uint8Array(160)];
      e1.encode(pcm, o1);
      e2.encode(new Int16Array(160), o2);
      expect(o1).toEqual(encode(pcm));
      const out = new Int16Array(160);
      codec.createDecoder!().decode(codes, 160, out);
      expect(out).toEqual(decode(codes));
    }
    expect(encodeMuLaw(pcm)).not.toEqual(encodeALaw(pcm));
  });
});
