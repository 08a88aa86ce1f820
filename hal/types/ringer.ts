/**
 * A ring cadence: alternating on and off times in milliseconds, starting with
 * on, repeated until stopped. Named after the patterns PBXs send in Alert-Info.
 */
export type RingCadence = readonly number[];

export const RING_CADENCES = {
  /** ETSI / most of Europe: 1 s on, 4 s off. */
  standard: [1000, 4000],
  /** North America: 2 s on, 4 s off. */
  'north-america': [2000, 4000],
  /** UK double ring: 0.4 on, 0.2 off, 0.4 on, 2 off. */
  'uk-double': [400, 200, 400, 2000],
  /** Internal call: two short bursts, distinguishable from external calls. */
  internal: [300, 200, 300, 3200],
} as const satisfies Record<string, RingCadence>;

export type RingCadenceName = keyof typeof RING_CADENCES;

export function validateCadence(cadence: RingCadence): string | undefined {
  if (cadence.length === 0 || cadence.length % 2 !== 0) return 'a cadence needs on/off pairs';
  if (cadence.some((ms) => !Number.isFinite(ms) || ms <= 0)) return 'every cadence step must be a positive number of milliseconds';
  return undefined;
}

export interface Ringer {
  /** Starts ringing with the cadence (default 'standard'); ringing again replaces the cadence. */
  ring(cadence?: RingCadence | RingCadenceName): void;
  stop(): void;
  readonly ringing: boolean;
  /** Whether the bell is sounding at this instant (false in the cadence's off steps). */
  readonly sounding: boolean;
  /** 0–100; 0 keeps the cadence running silently (a visual-only ring). */
  setVolume(volume: number): void;
  readonly volume: number;
  close(): Promise<void>;
}
