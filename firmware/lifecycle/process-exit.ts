import type { Clock } from '../clock/index.js';

/**
 * The process around a running phone (the CLI's `deskphone start`): signals
 * stop it cleanly, and an error that escaped every part's fence ends it with
 * a non-zero status so systemd starts it afresh (a promise rejection nobody
 * handled is logged, not fatal)
 * (scripts/device/deskphone.service: Restart=always, RestartSec=2).
 */
export interface StoppablePhone {
  stop(): Promise<void>;
}

export interface ProcessLike {
  on(event: 'SIGINT' | 'SIGTERM', listener: (signal: NodeJS.Signals) => void): unknown;
  on(event: 'uncaughtException' | 'unhandledRejection', listener: (err: unknown) => void): unknown;
  off(event: 'SIGINT' | 'SIGTERM', listener: (signal: NodeJS.Signals) => void): unknown;
  off(event: 'uncaughtException' | 'unhandledRejection', listener: (err: unknown) => void): unknown;
  exit(code: number): void;
}

export interface ProcessExitOptions {
  log: { info(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
  /** Logs flushed before the process ends (pino writes asynchronously). */
  flush(): void;
  /**
   * Issue 7 point 8: "exit within 2 s". A peer that never answers the BYE or
   * the un-REGISTER must not hold the phone past this; the process goes anyway.
   */
  deadlineMs?: number;
  /** The deadline's timer (the process exits either way, so it needs no unref). */
  clock: Clock;
}

export const EXIT_SIGNAL = 0;
/** The phone was stopped because its core broke (or an error escaped every fence). */
export const EXIT_FAILURE = 1;
/** A second Ctrl-C while the first is still unregistering: out now (128 + SIGINT). */
export const EXIT_INTERRUPTED = 130;

/**
 * Installs the handlers; returns a function that exits the process after a
 * clean stop with the given code (the core's supervisor calls it with 1).
 */
export function handleProcessExit(phone: StoppablePhone, proc: ProcessLike, options: ProcessExitOptions): { exitAfterStop(code: number, reason: string): void; uninstall(): void } {
  const deadlineMs = options.deadlineMs ?? 1900;
  let exiting = false;
  const exitAfterStop = (code: number, reason: string) => {
    if (exiting) return;
    exiting = true;
    options.log.info({ reason, exitCode: code }, 'stopping the phone');
    // The deadline: whatever is still waiting (a BYE, the un-REGISTER) is abandoned.
    options.clock.setTimeout(() => {
      options.log.error({ deadlineMs }, 'the phone did not stop in time; exiting anyway');
      options.flush();
      proc.exit(code === EXIT_SIGNAL ? EXIT_FAILURE : code);
    }, deadlineMs);
    void phone.stop().then(
      () => {
        options.flush();
        proc.exit(code);
      },
      (err: unknown) => {
        options.log.error({ err: err instanceof Error ? err.message : String(err) }, 'the phone did not stop cleanly');
        options.flush();
        proc.exit(EXIT_FAILURE);
      },
    );
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (exiting) {
      if (signal === 'SIGINT') proc.exit(EXIT_INTERRUPTED);
      return;
    }
    options.log.info({ signal }, 'signal');
    exitAfterStop(EXIT_SIGNAL, signal);
  };
  // Last line of defence: an exception no part's fence caught happened in the core (the SIP
  // stack, the phone's state) or somewhere nobody supervises; the phone cannot trust its state.
  const onEscaped = (err: unknown) => {
    options.log.error({ err: err instanceof Error ? err.message : String(err), stack: err instanceof Error ? err.stack : undefined }, 'uncaught error outside every supervised part');
    exitAfterStop(EXIT_FAILURE, 'uncaught error');
  };
  proc.on('SIGINT', onSignal);
  proc.on('SIGTERM', onSignal);
  // A rejected promise nobody awaited is a fire-and-forget write or request that failed (the call
  // log on a full disk, an LCD write): logged loudly, but it left no half-updated state behind,
  // unlike a throw that unwound through the middle of a handler.
  const onRejected = (err: unknown) => {
    options.log.error({ err: err instanceof Error ? err.message : String(err), stack: err instanceof Error ? err.stack : undefined }, 'unhandled promise rejection');
  };
  proc.on('uncaughtException', onEscaped);
  proc.on('unhandledRejection', onRejected);
  return {
    exitAfterStop,
    uninstall() {
      proc.off('SIGINT', onSignal);
      proc.off('SIGTERM', onSignal);
      proc.off('uncaughtException', onEscaped);
      proc.off('unhandledRejection', onRejected);
    },
  };
}
