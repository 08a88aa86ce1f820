import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../support/fake-clock.js';
import { Supervisor, type PartContext, type SupervisorEvent } from '../../../firmware/lifecycle/supervisor.js';

// The supervisor restarts a failed part after its policy's delay, stops what
// was left of it first, ignores late reports from an old run, gives up after
// the budget, and escalates only for a core part.

function harness(options: { retryGivenUpAfterMs?: number } = {}) {
  const clock = new FakeClock();
  const logged: Array<{ level: string; obj: object; msg?: string }> = [];
  const log = {
    info: (obj: object, msg?: string) => logged.push({ level: 'info', obj, ...(msg ? { msg } : {}) }),
    warn: (obj: object, msg?: string) => logged.push({ level: 'warn', obj, ...(msg ? { msg } : {}) }),
    error: (obj: object, msg?: string) => logged.push({ level: 'error', obj, ...(msg ? { msg } : {}) }),
  };
  const fatal: Array<{ part: string; error: Error }> = [];
  const supervisor = new Supervisor({ clock, log, onFatal: (part, error) => fatal.push({ part, error }), ...options });
  const events: SupervisorEvent[] = [];
  supervisor.onEvent((e) => events.push(e));
  return { clock, supervisor, logged, fatal, events };
}

/** A part that records its starts and stops and hands out its `fail`. */
function fakePart(options: { failStartOn?: number[] } = {}) {
  const runs: Array<{ ctx: PartContext; stopped: boolean }> = [];
  return {
    runs,
    start(ctx: PartContext) {
      if (options.failStartOn?.includes(ctx.attempt)) throw new Error(`start ${ctx.attempt} failed`);
      const run = { ctx, stopped: false };
      runs.push(run);
      return { stop: () => void (run.stopped = true) };
    },
    get current() {
      return runs[runs.length - 1]!;
    },
  };
}

/** Lets the supervisor's promise chains (start → running) settle. */
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('Supervisor', () => {
  it('logs a failure, stops the failed instance and starts a new one after the policy delay', async () => {
    const { clock, supervisor, logged, events } = harness();
    const part = fakePart();
    await supervisor.start({ name: 'lcd', start: (c) => part.start(c), policy: { initialDelayMs: 500 } });
    expect(supervisor.state('lcd')).toBe('running');

    part.current.ctx.fail(new Error('i2c write failed: EREMOTEIO'));
    await settle();
    expect(part.runs[0]!.stopped).toBe(true);
    expect(supervisor.state('lcd')).toBe('waiting');
    expect(logged).toContainEqual(expect.objectContaining({ level: 'error', msg: 'part failed; restarting it', obj: expect.objectContaining({ part: 'lcd', err: 'i2c write failed: EREMOTEIO', restartInMs: 500 }) }));

    clock.advance(499);
    await settle();
    expect(part.runs).toHaveLength(1);
    clock.advance(1);
    await settle();
    expect(part.runs).toHaveLength(2);
    expect(part.current.ctx.attempt).toBe(1);
    expect(supervisor.state('lcd')).toBe('running');
    expect(events.map((e) => e.type)).toEqual(['failed', 'restarted']);
    expect(supervisor.parts()).toEqual([{ name: 'lcd', state: 'running', restarts: 1, lastError: 'i2c write failed: EREMOTEIO' }]);
  });

  it('counts one failure per run: a driver that fails every write until restarted is restarted once', async () => {
    const { clock, supervisor, events } = harness();
    const part = fakePart();
    await supervisor.start({ name: 'lcd', start: (c) => part.start(c) });
    const { fail } = part.current.ctx;
    for (let i = 0; i < 20; i++) fail(new Error('write failed'));
    clock.runAll();
    await settle();
    expect(part.runs).toHaveLength(2);
    // A late report from the old run does not touch the new one.
    fail(new Error('late write failure'));
    await settle();
    expect(supervisor.state('lcd')).toBe('running');
    expect(events.filter((e) => e.type === 'failed')).toHaveLength(1);
  });

  it('routes errors from handlers wired outside start() through reporter(name)', async () => {
    const { clock, supervisor } = harness();
    const part = fakePart();
    await supervisor.start({ name: 'phone', start: (c) => part.start(c) });
    supervisor.reporter('phone')('not an Error: a string thrown by a handler');
    clock.runAll();
    await settle();
    expect(part.runs).toHaveLength(2);
    expect(supervisor.parts()[0]!.lastError).toBe('phone: not an Error: a string thrown by a handler');
  });

  it('retries a restart that fails to start, with a longer delay each time', async () => {
    const { clock, supervisor } = harness();
    const part = fakePart({ failStartOn: [1, 2] });
    await supervisor.start({ name: 'web', start: (c) => part.start(c), policy: { initialDelayMs: 100 } });
    part.current.ctx.fail(new Error('EMFILE'));
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      await settle();
      delays.push(clock.nextTimerIn()!);
      clock.advance(clock.nextTimerIn()!);
    }
    await settle();
    expect(delays).toEqual([100, 200, 400]);
    expect(part.runs).toHaveLength(2);
    expect(part.current.ctx.attempt).toBe(3);
    expect(supervisor.state('web')).toBe('running');
  });

  it('leaves an ordinary part stopped after its budget, and the rest of the phone running', async () => {
    const { clock, supervisor, fatal, logged } = harness({ retryGivenUpAfterMs: 0 });
    const lcd = fakePart();
    const web = fakePart();
    await supervisor.start({ name: 'lcd', start: (c) => lcd.start(c), policy: { maxRestarts: 2 } });
    await supervisor.start({ name: 'web', start: (c) => web.start(c) });
    for (let i = 0; i < 3; i++) {
      lcd.current.ctx.fail(new Error('no ACK from 0x27'));
      clock.advance(clock.nextTimerIn() ?? 0);
      await settle();
    }
    expect(supervisor.state('lcd')).toBe('given-up');
    expect(lcd.runs).toHaveLength(3);
    expect(lcd.current.stopped).toBe(true);
    expect(fatal).toEqual([]);
    expect(supervisor.state('web')).toBe('running');
    expect(logged).toContainEqual(expect.objectContaining({ level: 'error', msg: 'part keeps failing; left stopped for a while' }));
  });

  it('tries a given-up ordinary part again after the cool-down, with a fresh budget', async () => {
    const { clock, supervisor, events } = harness({ retryGivenUpAfterMs: 300_000 });
    const web = fakePart();
    await supervisor.start({ name: 'web', start: (c) => web.start(c), policy: { maxRestarts: 0 } });
    web.current.ctx.fail(new Error('EADDRINUSE'));
    await settle();
    expect(supervisor.state('web')).toBe('given-up');
    clock.advance(299_999);
    await settle();
    expect(web.runs).toHaveLength(1);
    clock.advance(1);
    await settle();
    expect(supervisor.state('web')).toBe('running');
    expect(web.runs).toHaveLength(2);
    expect(events.map((e) => e.type)).toEqual(['failed', 'gave-up', 'restarted']);
  });

  it('escalates when a core part keeps failing: onFatal, so the phone exits non-zero', async () => {
    const { clock, supervisor, fatal } = harness();
    const phone = fakePart();
    await supervisor.start({ name: 'phone', critical: true, start: (c) => phone.start(c), policy: { maxRestarts: 1 } });
    phone.current.ctx.fail(new Error('render threw'));
    clock.runAll();
    await settle();
    phone.current.ctx.fail(new Error('render threw again'));
    await settle();
    expect(fatal).toEqual([{ part: 'phone', error: new Error('render threw again') }]);
  });

  it('throws the first start error of a required part; retries an optional one', async () => {
    const { clock, supervisor } = harness();
    await expect(supervisor.start({ name: 'media', start: () => Promise.reject(new Error('worker did not start')) }, { required: true })).rejects.toThrow('worker did not start');
    expect(supervisor.state('media')).toBeUndefined();
    const web = fakePart({ failStartOn: [0] });
    await supervisor.start({ name: 'web', start: (c) => web.start(c) });
    expect(supervisor.state('web')).toBe('waiting');
    clock.runAll();
    await settle();
    expect(supervisor.state('web')).toBe('running');
  });

  it('restarts nothing once the phone is stopping, and stop(name) releases the instance', async () => {
    const { clock, supervisor, logged } = harness();
    const part = fakePart();
    await supervisor.start({ name: 'mwi', start: (c) => part.start(c) });
    supervisor.shutdown();
    part.current.ctx.fail(new Error('SUBSCRIBE failed during shutdown'));
    clock.runAll();
    await settle();
    expect(part.runs).toHaveLength(1);
    expect(logged).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'part failed while the phone is stopping' }));
    await supervisor.stop('mwi');
    expect(part.current.stopped).toBe(true);
    expect(supervisor.state('mwi')).toBe('stopped');
  });

  it('cancels a pending restart when the part is stopped', async () => {
    const { clock, supervisor } = harness();
    const part = fakePart();
    await supervisor.start({ name: 'console', start: (c) => part.start(c) });
    part.current.ctx.fail(new Error('UART gone'));
    await supervisor.stop('console');
    expect(clock.pendingTimers).toBe(0);
    clock.advance(60_000);
    await settle();
    expect(part.runs).toHaveLength(1);
  });

  it('refuses two parts with the same name', async () => {
    const { supervisor } = harness();
    await supervisor.start({ name: 'web', start: () => ({ stop() {} }) });
    await expect(supervisor.start({ name: 'web', start: () => ({ stop() {} }) })).rejects.toThrow(/already supervised/);
  });
});
