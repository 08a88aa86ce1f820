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
export { FrameScheduler } from './frame-scheduler.js';
export type { FrameSchedulerOptions } from './frame-scheduler.js';
export { AudioDeviceBase, volumeToGain } from './audio-device-base.js';
export { PlaybackQueue } from './playback-queue.js';
export { decodeWav, toMonoS16, readWavAsMono, wavHeader, WavWriter } from './wav.js';
export type { DecodedWav } from './wav.js';
export { SimulatedAudioDevice, createSimulatedAudioDevice } from './simulated-audio-device.js';
export { FileAudioDevice, createFileAudioDevice } from './file-audio-device.js';
export type { FileAudioDeviceOptions } from './file-audio-device.js';
