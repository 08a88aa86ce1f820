import { decodeALaw, encodeALaw } from '../g711.js';
import { g711Codec } from './g711-codec.js';

/** RFC 3551 §4.5.14: PCMA, static payload type 8, 8000 Hz, one byte per sample. */
export const PCMA = g711Codec('PCMA', 8, encodeALaw, decodeALaw);
