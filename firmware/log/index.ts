export { Logging, RecentLines, COMPONENTS, LOG_LEVELS, isLevel } from './logger.js';
export type { Component, LogLevel, LoggingOptions } from './logger.js';
export type { Logger } from 'pino';
