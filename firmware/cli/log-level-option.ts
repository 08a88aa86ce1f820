import { InvalidArgumentError } from 'commander';
import { COMPONENTS, isLevel, type Component, type LogLevel } from '../log/index.js';

export interface LogLevelSetting {
  level?: LogLevel;
  components: Partial<Record<Component, LogLevel>>;
}

/**
 * `--log-level debug` sets every component; `--log-level sip=debug` one of them;
 * the option repeats (`--log-level info --log-level sip=trace`).
 */
export function parseLogLevelOption(value: string, previous: LogLevelSetting = { components: {} }): LogLevelSetting {
  const next: LogLevelSetting = { ...previous, components: { ...previous.components } };
  for (const part of value.split(',')) {
    const [a, b] = part.split('=', 2) as [string, string | undefined];
    if (b === undefined) {
      if (!isLevel(a)) throw new InvalidArgumentError(`"${a}" is not a log level (fatal, error, warn, info, debug, trace, silent)`);
      next.level = a;
    } else {
      if (!(COMPONENTS as readonly string[]).includes(a)) throw new InvalidArgumentError(`"${a}" is not a component (${COMPONENTS.join(', ')})`);
      if (!isLevel(b)) throw new InvalidArgumentError(`"${b}" is not a log level (fatal, error, warn, info, debug, trace, silent)`);
      next.components[a as Component] = b;
    }
  }
  return next;
}
