import { LOG_LEVELS, type LogLevel } from '../log/index.js';

/** One of the phone's JSON log lines, as the logs page shows it. */
export interface LogEntry {
  time: string;
  level: string;
  component: string;
  msg: string;
  /** The line's other fields (call ids, errors, addresses), as compact JSON. */
  details: string;
}

/** pino's numeric order: a filter at `warn` shows warn, error and fatal. */
const RANK: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

export const FILTER_LEVELS = LOG_LEVELS.filter((l): l is Exclude<LogLevel, 'silent'> => l !== 'silent' && RANK[l] !== undefined);

export function isFilterLevel(value: string): value is (typeof FILTER_LEVELS)[number] {
  return (FILTER_LEVELS as readonly string[]).includes(value);
}

export function parseLogLine(line: string): LogEntry {
  try {
    const { time, level, component, msg, ...rest } = JSON.parse(line) as Record<string, unknown>;
    return {
      time: typeof time === 'string' ? time : typeof time === 'number' ? new Date(time).toISOString() : '',
      level: typeof level === 'string' ? level : typeof level === 'number' ? (Object.keys(RANK).find((k) => RANK[k] === level) ?? String(level)) : 'info',
      component: typeof component === 'string' ? component : '',
      msg: typeof msg === 'string' ? msg : '',
      details: Object.keys(rest).length > 0 ? JSON.stringify(rest) : '',
    };
  } catch {
    // Not ours (a native library writing to the same stream): shown as it came.
    return { time: '', level: 'info', component: '', msg: line, details: '' };
  }
}

/** The recent lines at `minLevel` or above, oldest first. */
export function filterLog(lines: readonly string[], minLevel: string): LogEntry[] {
  const floor = RANK[minLevel] ?? 0;
  return lines.map(parseLogLine).filter((e) => (RANK[e.level] ?? RANK['info']!) >= floor);
}

/** One line of the text download: `time level component: message {details}`. */
export function formatLogEntry(e: LogEntry): string {
  return [e.time, e.level.toUpperCase().padEnd(5), e.component ? `${e.component}:` : '', e.msg, e.details].filter((p) => p !== '').join(' ');
}
