export type { AudioFrameCallback, MediaAudioPort } from './audio-port.js';
export { BufferedAudioPort, GeneratorAudioPort, SilentAudioPort } from './audio-port.js';
export { SampleFifo } from './sample-fifo.js';
export { SharedAudioRing, SharedAudioRingError } from './shared-audio-ring.js';
export { MediaStream, MediaStreamError } from './media-stream.js';
export type { DatagramSink, MediaDirection, MediaStreamConfig, MediaStreamDeps, MediaStreamEvent, MediaStreamStats } from './media-stream.js';
