import type { Clock, TimerHandle } from '../clock/index.js';
import { DeskphoneError } from '../errors.js';
import { RestartPolicy, type RestartDecision, type RestartPolicyOptions } from './restart-policy.js';

/** A part failed in a way the phone did not expect (what the supervisor logs and restarts for). */
export class PartFailedError extends DeskphoneError {
  constructor(
    readonly part: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('PART_FAILED', `${part}: ${message}`, options);
  }
}

/** One running instance of a part; stop() releases what start() took. */
export interface PartInstance {
  stop(): Promise<void> | void;
}

export interface PartContext {
  /** Routes an error of this run to the supervisor (an event handler threw, the server died). */
  fail(err: unknown): void;
  /** 0 for the first start, then 1, 2… for each restart. */
  attempt: number;
}

export interface PartDefinition {
  name: string;
  /**
   * A core part (the SIP stack, the phone's state): when it cannot be kept
   * running the phone exits non-zero and systemd starts it afresh. Other parts
   * that give up stay down and the phone goes on with its calls.
   */
  critical?: boolean;
  /** Starts the part, or starts it again after a failure (the previous instance is stopped first). */
  start(context: PartContext): Promise<PartInstance> | PartInstance;
  policy?: Partial<RestartPolicyOptions>;
}

const DEFAULT_RETRY_GIVEN_UP_MS = 5 * 60_000;

export type PartState = 'starting' | 'running' | 'waiting' | 'given-up' | 'stopped';

export type SupervisorEvent =
  | { type: 'failed'; part: string; error: Error; decision: RestartDecision }
  | { type: 'restarted'; part: string; attempt: number }
  | { type: 'gave-up'; part: string; error: Error };

export interface SupervisorLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface SupervisorDeps {
  clock: Clock;
  log: SupervisorLog;
  /**
   * An ordinary part that gave up is tried again after this long, with a fresh budget: an
   * unattended phone must not lose its web admin until someone power-cycles it because the
   * port was taken for a few minutes. Default 5 minutes; 0 leaves given-up parts stopped.
   */
  retryGivenUpAfterMs?: number;
  /** A critical part gave up: the phone must stop and exit non-zero. */
  onFatal(part: string, error: Error): void;
}

interface Slot {
  readonly def: PartDefinition;
  readonly policy: RestartPolicy;
  state: PartState;
  /** Counts runs; a failure reported by an older run is stale and ignored. */
  run: number;
  attempt: number;
  instance: PartInstance | undefined;
  timer: TimerHandle | undefined;
  lastError: Error | undefined;
}

/**
 * Keeps the phone's restartable parts running (issue 7 point 8: "a crash in
 * one part is logged and that part restarted; the phone keeps calls up").
 * Each part reports its own failures through the `fail` it is started with;
 * the supervisor logs them, stops what is left of the instance, and starts it
 * again when its RestartPolicy says so. The timers come from the injected Clock.
 */
export class Supervisor {
  private readonly slots = new Map<string, Slot>();
  private readonly listeners = new Set<(e: SupervisorEvent) => void>();
  private closing = false;

  constructor(private readonly deps: SupervisorDeps) {}

  /**
   * Starts a part under supervision. When the first start throws, a `required`
   * part's error is thrown to the caller (the phone cannot start without it);
   * any other part is logged and retried by its policy.
   */
  async start(def: PartDefinition, options: { required?: boolean } = {}): Promise<void> {
    if (this.slots.has(def.name)) throw new DeskphoneError('PART_DUPLICATE', `part '${def.name}' is already supervised`);
    const slot: Slot = { def, policy: new RestartPolicy(def.policy), state: 'starting', run: 0, attempt: 0, instance: undefined, timer: undefined, lastError: undefined };
    this.slots.set(def.name, slot);
    try {
      await this.launch(slot);
    } catch (err) {
      if (options.required) {
        this.slots.delete(def.name);
        throw err;
      }
      this.failed(slot, slot.run, err);
    }
  }

  /** A function that routes errors to the named part (for handlers wired outside its start()). */
  reporter(name: string): (err: unknown) => void {
    return (err) => {
      const slot = this.slots.get(name);
      if (slot) this.failed(slot, slot.run, err);
      else this.deps.log.error({ part: name, err: messageOf(err) }, 'error from a part that is not supervised');
    };
  }

  state(name: string): PartState | undefined {
    return this.slots.get(name)?.state;
  }

  /** Every part, for status pages and the console. */
  parts(): Array<{ name: string; state: PartState; restarts: number; lastError?: string }> {
    return [...this.slots.values()].map((s) => ({
      name: s.def.name,
      state: s.state,
      restarts: s.attempt,
      ...(s.lastError ? { lastError: s.lastError.message } : {}),
    }));
  }

  onEvent(listener: (e: SupervisorEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The phone is stopping: failures from here on are logged, never restarted. */
  shutdown(): void {
    this.closing = true;
    for (const slot of this.slots.values()) {
      this.deps.clock.clearTimeout(slot.timer);
      slot.timer = undefined;
    }
  }

  /** Stops one part for good (shutdown, in the order the phone needs). */
  async stop(name: string): Promise<void> {
    const slot = this.slots.get(name);
    if (!slot) return;
    this.deps.clock.clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.state = 'stopped';
    slot.run++;
    const instance = slot.instance;
    slot.instance = undefined;
    await instance?.stop();
  }

  private async launch(slot: Slot): Promise<void> {
    const run = ++slot.run;
    slot.state = 'starting';
    const instance = await slot.def.start({ fail: (err) => this.failed(slot, run, err), attempt: slot.attempt });
    if (slot.run !== run || this.closing) {
      // Stopped (or failed) while starting: this instance is not wanted.
      await Promise.resolve(instance.stop()).catch(() => undefined);
      return;
    }
    slot.instance = instance;
    slot.state = 'running';
  }

  private failed(slot: Slot, run: number, raw: unknown): void {
    const error = raw instanceof Error ? raw : new PartFailedError(slot.def.name, messageOf(raw));
    const name = slot.def.name;
    // One failure per run: a broken LCD reports every write until it is restarted.
    if (run !== slot.run || slot.state === 'waiting' || slot.state === 'given-up' || slot.state === 'stopped') return;
    slot.lastError = error;
    if (this.closing) {
      this.deps.log.warn({ part: name, err: error.message }, 'part failed while the phone is stopping');
      return;
    }
    const decision = slot.policy.onFailure(this.deps.clock.now());
    slot.run++;
    const old = slot.instance;
    slot.instance = undefined;
    if (old) void Promise.resolve().then(() => old.stop()).catch((err: unknown) => this.deps.log.warn({ part: name, err: messageOf(err) }, 'failed part did not stop cleanly'));
    this.emit({ type: 'failed', part: name, error, decision });
    if (decision.action === 'give-up') {
      slot.state = 'given-up';
      this.deps.log.error(
        { part: name, err: error.message, failures: decision.failuresInWindow, windowMs: decision.windowMs, critical: slot.def.critical === true },
        slot.def.critical ? 'core part keeps failing; the phone must restart' : 'part keeps failing; left stopped for a while',
      );
      this.emit({ type: 'gave-up', part: name, error });
      if (slot.def.critical) this.deps.onFatal(name, error);
      else this.retryLater(slot);
      return;
    }
    slot.state = 'waiting';
    this.deps.log.error({ part: name, err: error.message, stack: error.stack, restartInMs: decision.delayMs, failures: decision.failuresInWindow }, 'part failed; restarting it');
    this.scheduleRestart(slot, decision.delayMs);
  }

  /** A given-up ordinary part gets another budget after the cool-down. */
  private retryLater(slot: Slot): void {
    const coolDownMs = this.deps.retryGivenUpAfterMs ?? DEFAULT_RETRY_GIVEN_UP_MS;
    if (coolDownMs <= 0) return;
    slot.timer = this.deps.clock.setTimeout(() => {
      slot.timer = undefined;
      if (this.closing || slot.state !== 'given-up') return;
      slot.policy.reset();
      slot.state = 'waiting';
      this.deps.log.info({ part: slot.def.name, afterMs: coolDownMs }, 'trying a given-up part again');
      this.scheduleRestart(slot, 0);
    }, coolDownMs);
  }

  private scheduleRestart(slot: Slot, delayMs: number): void {
    const name = slot.def.name;
    slot.timer = this.deps.clock.setTimeout(() => {
      slot.timer = undefined;
      if (this.closing || slot.state !== 'waiting') return;
      slot.attempt++;
      const attempt = slot.attempt;
      this.launch(slot).then(
        () => {
          if (slot.state !== 'running') return;
          this.deps.log.info({ part: name, attempt }, 'part restarted');
          this.emit({ type: 'restarted', part: name, attempt });
        },
        (err: unknown) => this.failed(slot, slot.run, err),
      );
    }, delayMs);
  }

  private emit(e: SupervisorEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch {
        // A listener (a test, the status page) must not break supervision.
      }
    }
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
