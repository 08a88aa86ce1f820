export type { ToneComponent, ToneSegment, ToneSpec } from './tone-spec.js';
export { ToneSpecError, burstsThen, cadence, freqs, steady, validateToneSpec } from './tone-spec.js';
export { ToneGenerator, TONE_RAMP_MS } from './tone-generator.js';
export type { ToneGeneratorOptions } from './tone-generator.js';
export { REGIONS, REGION_CODES, TONE_KINDS, UnknownRegionError, callProgressTone, regionTones } from './regions.js';
export type { RegionTones, ToneKind } from './regions.js';
export { RING_STYLES, UnknownRingStyleError, ringMelody, ringTone, ringVolumeGainDb } from './ring-tones.js';
export type { RingStyle } from './ring-tones.js';
