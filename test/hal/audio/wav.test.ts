import { describe, expect, it } from 'vitest';
import { WaveFile } from 'wavefile';
import { decodeWav, toMonoS16, wavHeader } from '../../../hal/audio/index.js';
import { HardwareError } from '../../../hal/errors.js';

function wavBytes(channels: number, rate: number, bitDepth: string, samples: number[] | number[][]): Uint8Array {
  const w = new WaveFile();
  w.fromScratch(channels, rate, bitDepth, samples);
  return w.toBuffer();
}

describe('WAV input', () => {
  it('reads 8-bit unsigned, 16-bit, 24-bit, 32-bit and float WAVs to the same 16-bit samples', () => {
    const s16 = [0, 16384, -16384, 32767, -32768];
    const cases: Array<[string, number[]]> = [
      ['8', [128, 192, 64, 255, 0]],
      ['16', s16],
      ['24', s16.map((v) => v * 256)],
      ['32', s16.map((v) => v * 65536)],
      ['32f', s16.map((v) => v / 32768)],
    ];
    for (const [depth, samples] of cases) {
      const got = Array.from(toMonoS16(decodeWav(wavBytes(1, 8000, depth, samples)), 8000));
      const want = depth === '8' ? [0, 16384, -16384, 32512, -32768] : [0, 16384, -16384, 32767, -32768]; // 8-bit has 1/128 steps
      expect(got, `${depth}-bit`).toEqual(want);
    }
  });

  it('mixes stereo to mono by averaging the channels', () => {
    const got = toMonoS16(decodeWav(wavBytes(2, 8000, '16', [[1000, -2000], [3000, 2000]])), 8000);
    expect(Array.from(got)).toEqual([2000, 0]);
  });

  it('skips chunks it does not know, including odd-sized ones with their pad byte', () => {
    const base = Buffer.from(wavBytes(1, 8000, '16', [1, 2, 3]));
    const list = Buffer.concat([Buffer.from('LIST'), Buffer.from([3, 0, 0, 0]), Buffer.from('abc'), Buffer.from([0])]);
    const withList = Buffer.concat([base.subarray(0, 36), list, base.subarray(36)]);
    withList.writeUInt32LE(withList.length - 8, 4);
    expect(Array.from(toMonoS16(decodeWav(withList), 8000))).toEqual([1, 2, 3]);
  });

  it('reads a recording whose header was never finalised (data size 0) to the end of the file', () => {
    const samples = Buffer.alloc(6);
    [7, -7, 9].forEach((v, i) => samples.writeInt16LE(v, i * 2));
    const bytes = Buffer.concat([wavHeader(8000, 0), samples]);
    expect(Array.from(toMonoS16(decodeWav(bytes), 8000))).toEqual([7, -7, 9]);
  });

  it('refuses what is not a PCM WAV with a clear reason', () => {
    expect(() => decodeWav(Buffer.from('ID3 this is an mp3'), 'ring.mp3')).toThrow(/ring\.mp3: not a usable WAV file \(no RIFF\/WAVE header\)/);
    const alaw = new WaveFile();
    alaw.fromScratch(1, 8000, '8a', [1, 2]);
    const e = (() => {
      try {
        decodeWav(alaw.toBuffer(), 'alaw.wav');
      } catch (x) {
        return x;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(HardwareError);
    expect((e as Error).message).toMatch(/format 6 with 8 bits is not supported/);
  });
});
