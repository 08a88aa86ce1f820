import { spawnSync } from 'node:child_process';

/** Writes an 8 kHz mono S16 WAV holding a sine tone (sox), the format baresip's aufile plays for G.711. */
export function writeToneWav(path: string, frequencyHz: number, seconds: number): void {
  const r = spawnSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', '-e', 'signed-integer', path, 'synth', String(seconds), 'sine', String(frequencyHz), 'vol', '0.5'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sox could not write ${path}: ${r.stderr}`);
}

/** `sox FILE -n stat`: RMS amplitude and the rough frequency of a recording. */
export function wavStats(path: string): { rms: number; frequency: number; seconds: number } {
  const r = spawnSync('sox', [path, '-n', 'stat'], { encoding: 'utf8' });
  const text = `${r.stdout}${r.stderr}`;
  const field = (name: string) => {
    const m = new RegExp(`^${name}:\\s*(-?[\\d.]+)`, 'm').exec(text);
    if (!m) throw new Error(`sox stat printed no "${name}" for ${path}:\n${text}`);
    return Number(m[1]);
  };
  return { rms: field('RMS\\s+amplitude'), frequency: field('Rough\\s+frequency'), seconds: field('Length \\(seconds\\)') };
}
