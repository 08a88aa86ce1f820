export { CadenceRinger } from './cadence-ringer.js';
export type { GpioBuzzerOptions } from './gpio-buzzer.js';
export { GpioBuzzer } from './gpio-buzzer.js';
export type { RingToneSource, SpeakerRingerOptions } from './speaker-ringer.js';
export { SpeakerRinger } from './speaker-ringer.js';
