/** The lamps a desk phone has; a board wires any subset of them. */
export const LED_NAMES = ['message', 'line', 'speaker', 'mute', 'headset'] as const;
export type LedName = (typeof LED_NAMES)[number];

/**
 * What a lamp shows. Blinking is a repeating on/off cadence; named patterns are
 * the ones phones conventionally use (slow blink: message waiting; fast blink:
 * incoming call or held line; wink: short flash, e.g. a line in use elsewhere).
 */
export type LedPattern =
  | 'off'
  | 'on'
  | 'slow-blink'
  | 'fast-blink'
  | 'wink'
  | { blink: { onMs: number; offMs: number } };

export const NAMED_BLINKS = {
  'slow-blink': { onMs: 500, offMs: 500 },
  'fast-blink': { onMs: 125, offMs: 125 },
  wink: { onMs: 100, offMs: 900 },
} as const;

/** The on/off cadence of a pattern, or a constant level. */
export function patternCadence(pattern: LedPattern): { onMs: number; offMs: number } | boolean {
  if (pattern === 'on') return true;
  if (pattern === 'off') return false;
  if (typeof pattern === 'string') return NAMED_BLINKS[pattern];
  return pattern.blink;
}

export interface Led {
  readonly name: string;
  set(pattern: LedPattern): void;
  readonly pattern: LedPattern;
  /** Whether the lamp is lit at this instant (blinking lamps alternate). */
  readonly lit: boolean;
  close(): Promise<void>;
}
