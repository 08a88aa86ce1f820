export { PacketLossConcealer } from './packet-loss-concealer.js';
export { findPitch } from './pitch.js';
