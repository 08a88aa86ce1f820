import { pino, type Logger, type DestinationStream, type Level } from 'pino';

/** Every log line names the part of the phone it comes from (DESIGN.md, issue 2 §5). */
export const COMPONENTS = ['main', 'config', 'sip', 'media', 'hal', 'phone', 'web'] as const;
export type Component = (typeof COMPONENTS)[number];
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Paths pino blanks before a line is written. Secrets are never logged, even
 * when a whole config section is passed as context.
 */
const REDACT_PATHS = [
  'password',
  '*.password',
  'accounts[*].password',
  'admin.password',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'headers["proxy-authorization"]',
];

export interface LoggingOptions {
  /** Default level for every component. */
  level?: LogLevel;
  /** Per-component overrides, e.g. { sip: 'debug' }. */
  levels?: Partial<Record<Component, LogLevel>>;
  /** Where lines go; stdout (for journald on the device) when absent. */
  destination?: DestinationStream;
  /** How many recent lines to keep in memory for `log tail` on the console and the web (default 500). */
  recentLines?: number;
}

/** The last N log lines, kept in memory (a ring) for the maintenance console's `log tail`. */
export class RecentLines {
  private readonly lines: string[] = [];

  constructor(private readonly capacity: number) {}

  write(line: string): void {
    this.lines.push(line.endsWith('\n') ? line.slice(0, -1) : line);
    if (this.lines.length > this.capacity) this.lines.splice(0, this.lines.length - this.capacity);
  }

  tail(count: number): string[] {
    return this.lines.slice(Math.max(0, this.lines.length - count));
  }
}

/**
 * The logging root. `for(component)` hands each layer a child logger whose
 * every line carries `component`, at that component's level. pino children
 * keep their own level, so `sip: debug` does not make `media` chatty.
 */
export class Logging {
  readonly root: Logger;
  readonly recent: RecentLines;
  private readonly levels: Partial<Record<Component, LogLevel>>;
  private readonly children = new Map<Component, Logger>();

  constructor(options: LoggingOptions = {}) {
    this.levels = { ...options.levels };
    this.recent = new RecentLines(options.recentLines ?? 500);
    this.root = pino(
      {
        level: options.level ?? 'info',
        base: undefined,
        redact: { paths: REDACT_PATHS, censor: '[redacted]' },
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
      },
      pino.multistream([
        { level: 'trace', stream: options.destination ?? pino.destination({ dest: 1, sync: false }) },
        { level: 'trace', stream: this.recent },
      ]),
    );
  }

  for(component: Component): Logger {
    let child = this.children.get(component);
    if (!child) {
      child = this.root.child({ component });
      const level = this.levels[component];
      if (level) child.level = level;
      this.children.set(component, child);
    }
    return child;
  }

  setLevel(component: Component | 'all', level: LogLevel): void {
    if (component === 'all') {
      this.root.level = level;
      for (const [name, child] of this.children) if (!this.levels[name]) child.level = level;
      return;
    }
    this.levels[component] = level;
    this.for(component).level = level;
  }

  flush(): void {
    this.root.flush();
  }
}

export function isLevel(value: string): value is Level | 'silent' {
  return (LOG_LEVELS as readonly string[]).includes(value);
}
