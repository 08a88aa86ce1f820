import { randomInt } from 'node:crypto';

/**
 * Source of the random SSRC, initial sequence number and timestamp. RFC 3550
 * §5.1 and §8.1 want them unpredictable (known-plaintext attacks on SRTP, SSRC
 * collisions); tests inject a seeded one.
 */
export type RandomUint32 = () => number;

export const cryptoRandomUint32: RandomUint32 = () => randomInt(0, 0x100000000);
