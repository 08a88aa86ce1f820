export type {
  AudioDevice,
  AudioDeviceEvent,
  AudioDirection,
  AudioEventListener,
  AudioFrameListener,
  AudioRoute,
  AudioSampleRate,
  AudioStats,
  AudioStreamConfig,
} from './audio-device.js';
export { AUDIO_ROUTES, samplesPerPeriod } from './audio-device.js';
export { Resampler } from './resampler.js';
export type { ResamplerOptions } from './resampler.js';
