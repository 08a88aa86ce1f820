/**
 * In-band DTMF for local key feedback (and for peers that take no RFC 4733):
 * the digit's row and column frequencies (ITU-T Q.23 §2) as a ToneSpec.
 *
 * Levels: Q.23 leaves send levels to national specifications; these defaults
 * follow common practice: about −10 dBm0 for the low group and the high group
 * 2 dB louder ("pre-emphasis", so the pair still arrives within twist limits
 * after a line's high-frequency loss).
 */
import type { ToneSpec } from '../tones/index.js';
import { burstsThen, cadence, steady } from '../tones/index.js';
import { digitFrequencies } from './events.js';

export interface DtmfToneOptions {
  lowDbm0?: number;
  highDbm0?: number;
  /** Tone length; undefined: continuous while the key is held. */
  onMs?: number;
  offMs?: number;
}

export const DTMF_LOW_DBM0 = -10;
export const DTMF_HIGH_DBM0 = -8;

export function dtmfToneSpec(digit: string, options: DtmfToneOptions = {}): ToneSpec {
  const [low, high] = digitFrequencies(digit);
  const components = [
    { hz: low, dbm0: options.lowDbm0 ?? DTMF_LOW_DBM0 },
    { hz: high, dbm0: options.highDbm0 ?? DTMF_HIGH_DBM0 },
  ];
  const name = `DTMF ${digit}`;
  if (options.onMs === undefined) return steady(name, components);
  if (options.offMs === undefined) return burstsThen(name, components, options.onMs, 1, 1);
  return cadence(name, components, [options.onMs, options.offMs], false);
}

/** A digit string as in-band tones: each digit `onMs`, then `offMs` of silence; plays once. */
export function dtmfSequenceSpec(digits: string, onMs = 100, offMs = 60, options: Omit<DtmfToneOptions, 'onMs' | 'offMs'> = {}): ToneSpec {
  const segments = [...digits].flatMap((d) => {
    const [low, high] = digitFrequencies(d);
    return [
      {
        ms: onMs,
        components: [
          { hz: low, dbm0: options.lowDbm0 ?? DTMF_LOW_DBM0 },
          { hz: high, dbm0: options.highDbm0 ?? DTMF_HIGH_DBM0 },
        ],
      },
      { ms: offMs, components: [] },
    ];
  });
  return { name: `DTMF ${digits}`, segments };
}
