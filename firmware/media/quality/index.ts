export { CallStatistics, type CallQuality, type CallStatisticsOptions } from './call-statistics.js';
export {
  delayImpairment,
  effectiveEquipmentImpairment,
  estimateMos,
  mosFromR,
  rFactor,
  G711_BPL_WITH_PLC,
  G711_BPL_WITHOUT_PLC,
  G711_IE,
  R_DEFAULT,
  type EModelInput,
} from './e-model.js';
export { LossPattern } from './loss-pattern.js';
