export type { DeviceCheck } from './device-check.js';
export type { DoctorProbes, DoctorResult } from './doctor.js';
export { describeCheck, formatDoctorReport, runDoctor } from './doctor.js';
export type { SystemProbeOptions } from './system-probes.js';
export { systemProbes } from './system-probes.js';
