/**
 * A tone as data: a sequence of segments (each a set of sine components or
 * silence) with a loop point, so dial tone, ringback cadences, stutter dial and
 * ring melodies are all table rows instead of code (ITU-T E.180 describes every
 * national tone as frequencies, a level and an on/off cadence).
 */
import { DeskphoneError } from '../../errors.js';

export interface ToneComponent {
  readonly hz: number;
  /** Level of this component alone, in dBm0 (E.180 gives levels per frequency). */
  readonly dbm0: number;
  /**
   * Amplitude modulation as E.180 writes "400×16" (Japan's ringback): the
   * carrier's envelope follows 1 + depth·sin(2π·modulationHz·t), scaled so the
   * peak never exceeds the component's level.
   */
  readonly modulationHz?: number;
  readonly modulationDepth?: number;
}

export interface ToneSegment {
  readonly ms: number;
  /** Empty for a silent segment. */
  readonly components: readonly ToneComponent[];
}

export interface ToneSpec {
  readonly name: string;
  readonly segments: readonly ToneSegment[];
  /**
   * Index of the segment the tone repeats from after the last one; undefined
   * plays the segments once and then silence (a confirmation tone).
   */
  readonly loopFrom?: number;
}

export class ToneSpecError extends DeskphoneError {
  constructor(
    message: string,
    readonly tone: string,
  ) {
    super('TONE_INVALID', `${tone}: ${message}`);
  }
}

/** A component list from frequencies sharing one level. */
export function freqs(hz: readonly number[], dbm0: number): ToneComponent[] {
  return hz.map((f) => ({ hz: f, dbm0 }));
}

/** A continuous tone (dial tone). */
export function steady(name: string, components: readonly ToneComponent[]): ToneSpec {
  return { name, segments: [{ ms: 1000, components }], loopFrom: 0 };
}

/**
 * A repeating cadence: `onOffMs` alternates on and off durations
 * (E.180 writes e.g. "0.4–0.2–0.4–2.0" for the UK's double ring).
 */
export function cadence(name: string, components: readonly ToneComponent[], onOffMs: readonly number[], repeat = true): ToneSpec {
  const segments = onOffMs.map((ms, i) => ({ ms, components: i % 2 === 0 ? components : [] }));
  return { name, segments, loopFrom: repeat ? 0 : undefined };
}

/** `times` on/off bursts, then `then` forever (stutter dial tone) or silence. */
export function burstsThen(
  name: string,
  components: readonly ToneComponent[],
  onMs: number,
  offMs: number,
  times: number,
  then?: ToneSpec,
): ToneSpec {
  const segments: ToneSegment[] = [];
  for (let i = 0; i < times; i++) segments.push({ ms: onMs, components }, { ms: offMs, components: [] });
  if (then === undefined) return { name, segments };
  const loopFrom = segments.length + (then.loopFrom ?? 0);
  segments.push(...then.segments);
  return { name, segments, loopFrom: then.loopFrom === undefined ? undefined : loopFrom };
}

export function validateToneSpec(spec: ToneSpec): void {
  if (spec.segments.length === 0) throw new ToneSpecError('has no segments', spec.name);
  for (const s of spec.segments) {
    if (!(s.ms > 0)) throw new ToneSpecError(`segment duration ${s.ms} ms is not positive`, spec.name);
    for (const c of s.components) {
      if (!(c.hz > 0 && c.hz < 4000)) throw new ToneSpecError(`${c.hz} Hz is outside the telephone band`, spec.name);
      if (!(c.dbm0 <= 3.14)) throw new ToneSpecError(`${c.dbm0} dBm0 exceeds the G.711 overload point`, spec.name);
    }
  }
  if (spec.loopFrom !== undefined && (spec.loopFrom < 0 || spec.loopFrom >= spec.segments.length)) {
    throw new ToneSpecError(`loopFrom ${spec.loopFrom} is not a segment index`, spec.name);
  }
}
