import { decodeMuLaw, encodeMuLaw } from '../g711.js';
import { g711Codec } from './g711-codec.js';

/** RFC 3551 §4.5.14: PCMU, static payload type 0, 8000 Hz, one byte per sample. */
export const PCMU = g711Codec('PCMU', 0, encodeMuLaw, decodeMuLaw);
