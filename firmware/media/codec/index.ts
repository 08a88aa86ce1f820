export type { AudioDecoder, AudioEncoder, CodecDescriptor, CodecKind } from './codec-descriptor.js';
export { CodecError, CodecRegistry, createDefaultCodecRegistry } from './codec-registry.js';
export { PCMU } from './pcmu.js';
export { PCMA } from './pcma.js';
export { CN } from './comfort-noise.js';
export { TELEPHONE_EVENT } from './telephone-event.js';
