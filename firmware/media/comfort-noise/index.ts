export { ComfortNoiseGenerator } from './comfort-noise-generator.js';
export { CN_MAX_ORDER, decodeCnPayload, encodeCnPayload, type ComfortNoiseParameters } from './cn-payload.js';
