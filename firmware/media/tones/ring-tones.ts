/**
 * Ring tones for the ringer (the phone's loudspeaker, not the line): a melody
 * played during the "on" parts of the region's ringing cadence, so a German
 * phone rings 1 s on / 4 s off and a British one rings double.
 */
import type { ToneSegment, ToneSpec } from './tone-spec.js';
import { regionTones } from './regions.js';
import { DeskphoneError } from '../../errors.js';

export const RING_STYLES = ['classic', 'warble', 'beep', 'chime'] as const;
export type RingStyle = (typeof RING_STYLES)[number];

/** The melody's pattern inside one ring burst: segments cycled until the burst ends. */
const PATTERNS: Record<RingStyle, readonly ToneSegment[]> = {
  // An electronic trill: two tones alternating at 20 Hz, like a bell ringer's 20 Hz ring signal.
  classic: [
    { ms: 25, components: [{ hz: 1000, dbm0: -6 }] },
    { ms: 25, components: [{ hz: 1250, dbm0: -6 }] },
  ],
  // A slower two-tone warble.
  warble: [
    { ms: 60, components: [{ hz: 800, dbm0: -6 }] },
    { ms: 60, components: [{ hz: 1000, dbm0: -6 }] },
  ],
  beep: [
    { ms: 150, components: [{ hz: 1400, dbm0: -6 }] },
    { ms: 100, components: [] },
  ],
  // A descending three-note chime (E6, C6, G5).
  chime: [
    { ms: 200, components: [{ hz: 1318.5, dbm0: -8 }] },
    { ms: 200, components: [{ hz: 1046.5, dbm0: -8 }] },
    { ms: 300, components: [{ hz: 784, dbm0: -8 }] },
    { ms: 100, components: [] },
  ],
};

export class UnknownRingStyleError extends DeskphoneError {
  constructor(readonly style: string) {
    super('RING_STYLE_UNKNOWN', `no ring tone "${style}" (known: ${RING_STYLES.join(', ')})`);
  }
}

/** The ring tone `style` on `region`'s ringing cadence, looping. */
export function ringTone(style: string, region = 'US'): ToneSpec {
  const pattern = (PATTERNS as Record<string, readonly ToneSegment[] | undefined>)[style];
  if (pattern === undefined) throw new UnknownRingStyleError(style);
  const cadenceMs = regionTones(region).ringCadenceMs;
  const segments: ToneSegment[] = [];
  cadenceMs.forEach((ms, i) => {
    if (i % 2 === 1) {
      segments.push({ ms, components: [] });
      return;
    }
    // Fill the burst with whole pattern steps, cutting the last one to fit exactly.
    let left = ms;
    for (let k = 0; left > 0; k = (k + 1) % pattern.length) {
      const step = pattern[k]!;
      const take = Math.min(step.ms, left);
      segments.push({ ms: take, components: step.components });
      left -= take;
    }
  });
  return { name: `${style} ring (${region})`, segments, loopFrom: 0 };
}

/**
 * The melody alone, looping with no cadence: for a ringer that applies the
 * cadence itself (hal's SpeakerRinger switches its RingToneSource on and off).
 */
export function ringMelody(style: string): ToneSpec {
  const pattern = (PATTERNS as Record<string, readonly ToneSegment[] | undefined>)[style];
  if (pattern === undefined) throw new UnknownRingStyleError(style);
  return { name: `${style} ring`, segments: pattern, loopFrom: 0 };
}

/** A ringer volume (0–100 %) as ToneGenerator gain: 100 % is the tone's level, each halving of the setting −6 dB, 0 silent. */
export function ringVolumeGainDb(volumePercent: number): number {
  const v = Math.max(0, Math.min(100, volumePercent));
  return v === 0 ? -Infinity : 20 * Math.log10(v / 100);
}
