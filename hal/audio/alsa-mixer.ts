import { execFile } from 'node:child_process';
import { HardwareError } from '../errors.js';

/** Runs a program with an argument array (never a shell, so a control name cannot inject commands). */
export type CommandRunner = (command: string, args: readonly string[]) => Promise<{ code: number; stdout: string; stderr: string }>;

export const execFileRunner: CommandRunner = (command, args) =>
  new Promise((resolve) => {
    execFile(command, [...args], { timeout: 5000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : 127;
      resolve({ code, stdout: String(stdout), stderr: error !== null && stderr === '' ? error.message : String(stderr) });
    });
  });

export interface AlsaMixerTarget {
  /** Card for `amixer -c` (index or name, e.g. 'Handset'); or `device` for `amixer -D`. */
  card?: string;
  device?: string;
}

/**
 * The ALSA mixer through `amixer`: alsa-lib's mixer API has no maintained Node
 * binding, and amixer is in the same alsa-utils package as aplay. Volumes use
 * `-M` (the mapped, dB-perceptual scale alsamixer shows), so 50 % sounds like
 * half way on any card, not half of a raw register range.
 */
export class AlsaMixer {
  constructor(
    private readonly target: AlsaMixerTarget,
    private readonly run: CommandRunner = execFileRunner,
    private readonly amixer = 'amixer',
    private readonly deviceName = 'mixer',
  ) {}

  async setVolume(control: string, percent: number): Promise<void> {
    await this.sset(control, [`${Math.round(percent)}%`]);
  }

  /** Opens or closes a capture switch (microphone mute in hardware, where the card has one). */
  async setCapture(control: string, on: boolean): Promise<void> {
    await this.sset(control, [on ? 'cap' : 'nocap']);
  }

  private async sset(control: string, values: string[]): Promise<void> {
    const where = this.target.device !== undefined ? ['-D', this.target.device] : this.target.card !== undefined ? ['-c', this.target.card] : [];
    const args = ['-q', '-M', ...where, 'sset', control, ...values];
    const r = await this.run(this.amixer, args);
    if (r.code !== 0) {
      throw new HardwareError('HAL_AUDIO_MIXER', this.deviceName, `${this.amixer} ${args.join(' ')} failed (${r.code}): ${r.stderr.trim()}`);
    }
  }
}
