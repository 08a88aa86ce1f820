/**
 * The ITU-T G.107 E-model, reduced to what a phone can measure about its own
 * call: one-way delay and packet loss on a G.711 channel, all other parameters
 * at the G.107 Table 3 defaults (so R0 − Is = 93.2 and A = 0).
 */

/** G.107 with every parameter at its default: Ro − Is (the best R a default narrowband connection reaches). */
export const R_DEFAULT = 93.2;

/** ITU-T G.113 Appendix I: G.711 has Ie = 0; packet-loss robustness Bpl is 25.1 with PLC, 4.3 without. */
export const G711_IE = 0;
export const G711_BPL_WITH_PLC = 25.1;
export const G711_BPL_WITHOUT_PLC = 4.3;

export interface EModelInput {
  /** Mean one-way mouth-to-ear delay Ta in ms. */
  oneWayDelayMs: number;
  /** Packet loss probability Ppl in percent (lost plus discarded late). */
  packetLossPercent: number;
  /** G.107 burst ratio (BurstR): 1 for random loss, > 1 when losses come in bursts. */
  burstRatio?: number;
  ie?: number;
  bpl?: number;
}

/**
 * G.107 delay impairment Idd (absolute delay): 0 up to 100 ms, then
 * Idd = 25{(1 + X⁶)^(1/6) − 3(1 + (X/3)⁶)^(1/6) + 2} with X = log₂(Ta/100).
 * The talker- and listener-echo terms (Idte, Idle) are left out: the phone
 * cannot measure the echo loss of the far end's path, and with working echo
 * cancellation they are small; so this MOS is an upper bound for long delays.
 */
export function delayImpairment(ta: number): number {
  if (ta <= 100) return 0;
  const x = Math.log(ta / 100) / Math.log(2);
  return 25 * (Math.pow(1 + x ** 6, 1 / 6) - 3 * Math.pow(1 + (x / 3) ** 6, 1 / 6) + 2);
}

/** G.107 effective equipment impairment: Ie,eff = Ie + (95 − Ie) · Ppl / (Ppl / BurstR + Bpl). */
export function effectiveEquipmentImpairment(ppl: number, burstRatio = 1, ie = G711_IE, bpl = G711_BPL_WITH_PLC): number {
  if (ppl <= 0) return ie;
  return ie + ((95 - ie) * ppl) / (ppl / burstRatio + bpl);
}

export function rFactor(i: EModelInput): number {
  return R_DEFAULT - delayImpairment(i.oneWayDelayMs) - effectiveEquipmentImpairment(i.packetLossPercent, i.burstRatio ?? 1, i.ie ?? G711_IE, i.bpl ?? G711_BPL_WITH_PLC);
}

/** G.107 Annex B: MOS_CQE from R. */
export function mosFromR(r: number): number {
  if (r < 0) return 1;
  if (r > 100) return 4.5;
  return 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6;
}

export function estimateMos(i: EModelInput): number {
  return mosFromR(rFactor(i));
}
