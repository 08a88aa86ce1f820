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
export { RetryBackoff } from './retry-backoff.js';
export type { RetryBackoffOptions } from './retry-backoff.js';
export { FrameAssembler } from './frame-assembler.js';
export { AlsaMixer, execFileRunner } from './alsa-mixer.js';
export type { AlsaMixerTarget, CommandRunner } from './alsa-mixer.js';
export { AlsaCaptureStream } from './alsa-capture-stream.js';
export type { AlsaCaptureConstructor, AlsaCaptureHandle, AlsaCaptureOptions } from './alsa-capture-stream.js';
export { AplayPlayback, aplayArgs, spawnChild } from './aplay-playback.js';
export type { AplayOptions, PlaybackChild, SpawnPlayback } from './aplay-playback.js';
export { AlsaAudioDevice, createAlsaAudioDevice } from './alsa-audio-device.js';
export type { AlsaAudioDeviceOptions, AlsaRouteConfig } from './alsa-audio-device.js';
