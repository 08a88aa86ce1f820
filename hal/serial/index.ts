export type { SerialConsole, SerialConsoleEvent } from './serial-console.js';
export { SerialConsoleBase } from './serial-console.js';
export { LineDiscipline } from './line-discipline.js';
export type { DisciplineOutput, EchoMode } from './line-discipline.js';
export { SimulatedSerialConsole, createSimulatedSerialConsole } from './simulated-serial-console.js';
export { SerialPortConsole, createSerialConsole } from './serialport-console.js';
export type { SerialPortConsoleOptions, SerialPortFactory, SerialPortLike } from './serialport-console.js';
export { MaintenanceConsole, createMaintenanceConsole, tokenize } from './maintenance-console.js';
export type { LoginVerifier, MaintenanceBackend, MaintenanceConsoleOptions } from './maintenance-console.js';
