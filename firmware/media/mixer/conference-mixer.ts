/**
 * The 3-way conference bridge hosted on the phone: the local user (microphone
 * and earpiece) and two remote calls. Each participant hears the other two
 * and never themselves ("mix-minus"), so nobody gets their own voice back as
 * an echo delayed by the network.
 *
 * Frames are preallocated at construction; mix() allocates nothing.
 */
import { FRAME_SAMPLES_DEFAULT } from '../constants.js';
import { DeskphoneError } from '../../errors.js';
import { SoftLimiter } from './soft-limiter.js';
import type { SoftLimiterOptions } from './soft-limiter.js';

export class MixerFrameError extends DeskphoneError {
  constructor(
    readonly input: string,
    readonly got: number,
    readonly expected: number,
  ) {
    super('MIXER_FRAME_SIZE', `${input} frame has ${got} samples, the mixer runs ${expected}`);
  }
}

export interface ConferenceMix {
  /** What the local user hears: both remote parties. */
  readonly toLocal: Int16Array;
  /** What remote party A is sent: the local user and B. */
  readonly toA: Int16Array;
  /** What remote party B is sent: the local user and A. */
  readonly toB: Int16Array;
}

export interface ConferenceMixerOptions extends SoftLimiterOptions {
  frameSamples?: number;
}

export type Participant = 'local' | 'a' | 'b';

export class ConferenceMixer {
  readonly frameSamples: number;
  private readonly sum: Float32Array;
  private readonly out: ConferenceMix;
  private readonly limiters: Record<Participant, SoftLimiter>;
  private readonly gains: Record<Participant, number> = { local: 1, a: 1, b: 1 };

  constructor(options: ConferenceMixerOptions = {}) {
    this.frameSamples = options.frameSamples ?? FRAME_SAMPLES_DEFAULT;
    this.sum = new Float32Array(this.frameSamples);
    this.out = {
      toLocal: new Int16Array(this.frameSamples),
      toA: new Int16Array(this.frameSamples),
      toB: new Int16Array(this.frameSamples),
    };
    // One limiter per output: a loud pair limits only the mix that contains both.
    this.limiters = { local: new SoftLimiter(options), a: new SoftLimiter(options), b: new SoftLimiter(options) };
  }

  /** Gain of a participant's contribution to the others' mixes (0 mutes, e.g. local mute). */
  setGain(who: Participant, gain: number): void {
    this.gains[who] = Math.max(0, gain);
  }

  /**
   * Mixes one frame. A missing input (null: no packet, a party on hold) is
   * silence. The returned frames are reused by the next call.
   */
  mix(local: Int16Array | null, a: Int16Array | null, b: Int16Array | null): ConferenceMix {
    this.check('local', local);
    this.check('a', a);
    this.check('b', b);
    this.mixPair(a, this.gains.a, b, this.gains.b, this.limiters.local, this.out.toLocal);
    this.mixPair(local, this.gains.local, b, this.gains.b, this.limiters.a, this.out.toA);
    this.mixPair(local, this.gains.local, a, this.gains.a, this.limiters.b, this.out.toB);
    return this.out;
  }

  private mixPair(x: Int16Array | null, gx: number, y: Int16Array | null, gy: number, limiter: SoftLimiter, out: Int16Array): void {
    const sum = this.sum;
    const n = this.frameSamples;
    const ux = x !== null && gx !== 0;
    const uy = y !== null && gy !== 0;
    if (ux && uy) for (let i = 0; i < n; i++) sum[i] = x[i]! * gx + y[i]! * gy;
    else if (ux) for (let i = 0; i < n; i++) sum[i] = x[i]! * gx;
    else if (uy) for (let i = 0; i < n; i++) sum[i] = y[i]! * gy;
    else sum.fill(0);
    limiter.process(sum, out);
  }

  private check(name: string, frame: Int16Array | null): void {
    if (frame !== null && frame.length !== this.frameSamples) throw new MixerFrameError(name, frame.length, this.frameSamples);
  }
}
