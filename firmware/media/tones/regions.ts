/**
 * Call-progress tone tables per region, from ITU-T E.180 Supplement 2
 * ("Various tones used in national networks") and the national specifications
 * it summarises. Frequencies and cadences are E.180's; where E.180 lists a
 * range of levels the table uses the level the national network sends. The
 * confirmation and stutter (message-waiting) dial tones are PBX/phone features
 * E.180 leaves open for most countries: they reuse the region's dial tone
 * frequencies with the short bursts desk phones commonly play.
 *
 * Adding a region is adding a row; the phone selects one by config
 * (`tones.region`).
 */
import type { ToneComponent, ToneSpec } from './tone-spec.js';
import { burstsThen, cadence, freqs, steady } from './tone-spec.js';
import { DeskphoneError } from '../../errors.js';

export const TONE_KINDS = ['dial', 'ringback', 'busy', 'congestion', 'callWaiting', 'confirmation', 'stutterDial'] as const;
export type ToneKind = (typeof TONE_KINDS)[number];

export interface RegionTones {
  readonly region: string;
  readonly description: string;
  readonly tones: Readonly<Record<ToneKind, ToneSpec>>;
  /** Cadence (on/off ms) of the ringing signal in this region; the ringer plays its melody on it. */
  readonly ringCadenceMs: readonly number[];
}

interface RegionRow {
  description: string;
  dial: readonly ToneComponent[];
  /** Dial tone that is itself a cadence (Italy's "tu-tuuu"), else continuous. */
  dialCadence?: readonly number[];
  ringback: readonly ToneComponent[];
  ringbackCadence: readonly number[];
  busy: readonly ToneComponent[];
  busyCadence: readonly number[];
  congestion: readonly ToneComponent[];
  congestionCadence: readonly number[];
  callWaiting: readonly ToneComponent[];
  callWaitingCadence: readonly number[];
  ringCadence: readonly number[];
}

function build(region: string, r: RegionRow): RegionTones {
  const dial = r.dialCadence ? cadence(`${region} dial`, r.dial, r.dialCadence) : steady(`${region} dial`, r.dial);
  return {
    region,
    description: r.description,
    ringCadenceMs: r.ringCadence,
    tones: {
      dial,
      ringback: cadence(`${region} ringback`, r.ringback, r.ringbackCadence),
      busy: cadence(`${region} busy`, r.busy, r.busyCadence),
      congestion: cadence(`${region} congestion`, r.congestion, r.congestionCadence),
      callWaiting: cadence(`${region} call waiting`, r.callWaiting, r.callWaitingCadence),
      // Three short bursts, once: "your feature code was accepted".
      confirmation: burstsThen(`${region} confirmation`, r.dial, 100, 100, 3),
      // Ten 100 ms bursts, then the normal dial tone (message waiting / call forward active).
      stutterDial: burstsThen(`${region} stutter dial`, r.dial, 100, 100, 10, dial),
    },
  };
}

// Levels: national networks send call-progress tones at roughly −10 to −24 dBm0
// (E.180 Suppl. 2 lists each country's); a two-frequency tone gives each
// component its own level, as the tables do.
const F425 = freqs([425], -10);

const ROWS: Record<string, RegionRow> = {
  // ANSI T1.401 "precise tone plan" (E.180 Suppl. 2, United States).
  US: {
    description: 'United States / Canada (precise tone plan)',
    dial: freqs([350, 440], -13),
    ringback: freqs([440, 480], -19),
    ringbackCadence: [2000, 4000],
    busy: freqs([480, 620], -24),
    busyCadence: [500, 500],
    congestion: freqs([480, 620], -24),
    congestionCadence: [250, 250],
    callWaiting: freqs([440], -13),
    callWaitingCadence: [300, 9700],
    ringCadence: [2000, 4000],
  },
  // BT SIN 350 (E.180 Suppl. 2, United Kingdom).
  UK: {
    description: 'United Kingdom',
    dial: freqs([350, 440], -13),
    ringback: freqs([400, 450], -19),
    ringbackCadence: [400, 200, 400, 2000],
    busy: freqs([400], -14),
    busyCadence: [375, 375],
    congestion: freqs([400], -14),
    congestionCadence: [400, 350, 225, 525],
    callWaiting: freqs([400], -14),
    callWaitingCadence: [100, 2000],
    ringCadence: [400, 200, 400, 2000],
  },
  // FTZ 1TR110 (E.180 Suppl. 2, Germany).
  DE: {
    description: 'Germany',
    dial: F425,
    ringback: F425,
    ringbackCadence: [1000, 4000],
    busy: F425,
    busyCadence: [480, 480],
    congestion: F425,
    congestionCadence: [240, 240],
    callWaiting: F425,
    callWaitingCadence: [200, 200, 200, 5000],
    ringCadence: [1000, 4000],
  },
  // E.180 Suppl. 2, France: 440 Hz throughout.
  FR: {
    description: 'France',
    dial: freqs([440], -10),
    ringback: freqs([440], -10),
    ringbackCadence: [1500, 3500],
    busy: freqs([440], -10),
    busyCadence: [500, 500],
    congestion: freqs([440], -10),
    congestionCadence: [250, 250],
    callWaiting: freqs([440], -10),
    callWaitingCadence: [300, 10000],
    ringCadence: [1500, 3500],
  },
  NL: {
    description: 'Netherlands',
    dial: F425,
    ringback: F425,
    ringbackCadence: [1000, 4000],
    busy: F425,
    busyCadence: [500, 500],
    congestion: F425,
    congestionCadence: [250, 250],
    callWaiting: F425,
    callWaitingCadence: [500, 9500],
    ringCadence: [1000, 4000],
  },
  IT: {
    description: 'Italy',
    dial: F425,
    dialCadence: [200, 200, 600, 1000],
    ringback: F425,
    ringbackCadence: [1000, 4000],
    busy: F425,
    busyCadence: [500, 500],
    congestion: F425,
    congestionCadence: [200, 200],
    callWaiting: F425,
    callWaitingCadence: [400, 100, 250, 100, 150, 14000],
    ringCadence: [1000, 4000],
  },
  ES: {
    description: 'Spain',
    dial: F425,
    ringback: F425,
    ringbackCadence: [1500, 3000],
    busy: F425,
    busyCadence: [200, 200],
    congestion: F425,
    congestionCadence: [200, 200, 200, 200, 200, 600],
    callWaiting: F425,
    callWaitingCadence: [175, 175, 175, 3500],
    ringCadence: [1500, 3000],
  },
  // Telstra (E.180 Suppl. 2, Australia): dial and ringback are 425 Hz modulated by 25 Hz
  // on older exchanges; the current network sends 413+438 Hz, which beats at 25 Hz.
  AU: {
    description: 'Australia',
    dial: freqs([413, 438], -13),
    ringback: freqs([413, 438], -19),
    ringbackCadence: [400, 200, 400, 2000],
    busy: freqs([425], -10),
    busyCadence: [375, 375],
    congestion: freqs([425], -10),
    congestionCadence: [375, 375],
    callWaiting: freqs([425], -10),
    callWaitingCadence: [200, 100, 200, 4400],
    ringCadence: [400, 200, 400, 2000],
  },
  // NTT (E.180 Suppl. 2, Japan): ringback and call waiting are 400 Hz modulated by 16 Hz ("400×16").
  JP: {
    description: 'Japan',
    dial: freqs([400], -10),
    ringback: [{ hz: 400, dbm0: -10, modulationHz: 16, modulationDepth: 0.8 }],
    ringbackCadence: [1000, 2000],
    busy: freqs([400], -10),
    busyCadence: [500, 500],
    congestion: freqs([400], -10),
    congestionCadence: [500, 500],
    callWaiting: [{ hz: 400, dbm0: -10, modulationHz: 16, modulationDepth: 0.8 }],
    callWaitingCadence: [500, 500, 500, 3500],
    ringCadence: [1000, 2000],
  },
  CH: {
    description: 'Switzerland',
    dial: F425,
    ringback: F425,
    ringbackCadence: [1000, 4000],
    busy: F425,
    busyCadence: [500, 500],
    congestion: F425,
    congestionCadence: [200, 200],
    callWaiting: F425,
    callWaitingCadence: [200, 200, 200, 4000],
    ringCadence: [1000, 4000],
  },
  SE: {
    description: 'Sweden',
    dial: F425,
    ringback: F425,
    ringbackCadence: [1000, 5000],
    busy: F425,
    busyCadence: [250, 250],
    congestion: F425,
    congestionCadence: [250, 750],
    callWaiting: F425,
    callWaitingCadence: [200, 500, 200, 5000],
    ringCadence: [1000, 5000],
  },
};

export const REGIONS: Readonly<Record<string, RegionTones>> = Object.freeze(
  Object.fromEntries(Object.entries(ROWS).map(([code, row]) => [code, build(code, row)])),
);

export const REGION_CODES: readonly string[] = Object.keys(REGIONS);

export class UnknownRegionError extends DeskphoneError {
  constructor(readonly region: string) {
    super('TONE_REGION_UNKNOWN', `no tone table for region "${region}" (known: ${REGION_CODES.join(', ')})`);
  }
}

/** The tone table for a region code (ISO 3166 alpha-2, GB accepted for UK). */
export function regionTones(region: string): RegionTones {
  const code = region.toUpperCase() === 'GB' ? 'UK' : region.toUpperCase();
  const r = REGIONS[code];
  if (r === undefined) throw new UnknownRegionError(region);
  return r;
}

export function callProgressTone(region: string, kind: ToneKind): ToneSpec {
  return regionTones(region).tones[kind];
}
