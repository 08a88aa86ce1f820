import { describe, expect, it } from 'vitest';
import { CallStatistics, delayImpairment, effectiveEquipmentImpairment, estimateMos, LossPattern, mosFromR, rFactor } from '../../../../firmware/media/quality/index.js';

describe('E-model (ITU-T G.107)', () => {
  it('gives the default connection R = 93.2, MOS ≈ 4.41', () => {
    expect(rFactor({ oneWayDelayMs: 0, packetLossPercent: 0 })).toBeCloseTo(93.2, 5);
    expect(mosFromR(93.2)).toBeCloseTo(4.41, 2);
  });

  it('maps R to MOS as Annex B does, clamped to 1 and 4.5', () => {
    expect(mosFromR(-5)).toBe(1);
    expect(mosFromR(120)).toBe(4.5);
    expect(mosFromR(50)).toBeCloseTo(1 + 1.75 + 50 * -10 * 50 * 7e-6, 10);
    expect(mosFromR(80)).toBeCloseTo(4.02, 2);
  });

  it('charges nothing for delay up to 100 ms, then grows faster and faster (≈ 3 at 200 ms, ≈ 24 at 400 ms)', () => {
    expect(delayImpairment(100)).toBe(0);
    // X = 1 at 200 ms: 25·(2^(1/6) − 3·(1 + 1/729)^(1/6) + 2)
    expect(delayImpairment(200)).toBeCloseTo(25 * (2 ** (1 / 6) - 3 * (1 + 1 / 729) ** (1 / 6) + 2), 10);
    expect(delayImpairment(200)).toBeCloseTo(3.04, 2);
    expect(delayImpairment(400)).toBeCloseTo(24.07, 2);
  });

  it('applies G.113 packet-loss robustness for G.711 with PLC (Bpl 25.1) and burstiness', () => {
    expect(effectiveEquipmentImpairment(0)).toBe(0);
    expect(effectiveEquipmentImpairment(2)).toBeCloseTo((95 * 2) / (2 + 25.1), 10);
    expect(effectiveEquipmentImpairment(5, 2)).toBeGreaterThan(effectiveEquipmentImpairment(5, 1));
    // 1 % random loss costs about a tenth of a MOS point; 10 % (Ie,eff ≈ 27) drops it to about 3.4.
    expect(estimateMos({ oneWayDelayMs: 50, packetLossPercent: 1 })).toBeGreaterThan(4.2);
    expect(estimateMos({ oneWayDelayMs: 50, packetLossPercent: 10 })).toBeLessThan(3.5);
  });
});

describe('loss pattern burst ratio', () => {
  it('is 1 for isolated losses and larger for bursts of the same rate', () => {
    const random = new LossPattern();
    const bursty = new LossPattern();
    for (let i = 0; i < 1000; i++) {
      random.record(i % 20 === 0);
      bursty.record(i % 200 < 10);
    }
    expect(random.burstRatio).toBeCloseTo(1, 1);
    expect(bursty.burstRatio).toBeGreaterThan(5);
  });
});

describe('call statistics', () => {
  it('reports loss, delays (mean, p95, max), concealment and a MOS that falls as the call degrades', () => {
    const good = new CallStatistics();
    good.packets = 1000;
    for (let i = 0; i < 1000; i++) good.recordPlayoutDelay(40 + (i % 20));
    const q = good.snapshot();
    expect(q.playoutDelayMs).toEqual({ mean: 49.5, p95: 58, max: 59 }); // 40–59 ms, 50 each: 950 are ≤ 58
    expect(q.lossPercent).toBe(0);
    expect(q.mos).toBeGreaterThan(4.3);

    const bad = new CallStatistics();
    bad.packets = 900;
    bad.lost = 80;
    bad.lateDropped = 20;
    bad.concealedMs = 2000;
    bad.rttMs = 300;
    for (let i = 0; i < 900; i++) bad.recordPlayoutDelay(150);
    const b = bad.snapshot();
    expect(b.lossPercent).toBeCloseTo(8.16, 2);
    expect(b.mos).toBeLessThan(3.2);
    expect(b.concealedMs).toBe(2000);
  });
});
