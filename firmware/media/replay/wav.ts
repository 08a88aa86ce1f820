import wavefile from 'wavefile';

/** 16-bit mono PCM as a RIFF WAVE file. */
export function encodeWav(pcm: Int16Array, sampleRate: number): Uint8Array {
  const wav = new wavefile.WaveFile();
  wav.fromScratch(1, sampleRate, '16', pcm);
  return wav.toBuffer();
}

/** Reads a WAV file back as 16-bit mono PCM (first channel), for tests and tools. */
export function decodeWav(bytes: Uint8Array): { sampleRate: number; pcm: Int16Array } {
  const wav = new wavefile.WaveFile(bytes);
  wav.toBitDepth('16');
  const fmt = wav.fmt as { sampleRate: number; numChannels: number };
  const samples = wav.getSamples(false, Int16Array) as unknown as Int16Array | Int16Array[];
  const pcm = Array.isArray(samples) ? samples[0]! : samples;
  return { sampleRate: fmt.sampleRate, pcm };
}
