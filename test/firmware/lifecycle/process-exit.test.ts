import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../support/fake-clock.js';
import { EXIT_FAILURE, EXIT_INTERRUPTED, handleProcessExit } from '../../../firmware/lifecycle/process-exit.js';

// The process around the phone: SIGTERM/SIGINT stop it cleanly and exit 0; an
// error that escaped every fence stops it and exits 1 (systemd restarts it);
// a stop that hangs is cut off at the deadline.

class FakeProcess extends EventEmitter {
  exits: number[] = [];
  exit(code: number): void {
    this.exits.push(code);
  }
}

function harness(stop: () => Promise<void>) {
  const proc = new FakeProcess();
  const clock = new FakeClock();
  const logged: string[] = [];
  let flushes = 0;
  const exit = handleProcessExit({ stop }, proc, {
    log: { info: (_o, m) => logged.push(`info ${m}`), error: (_o, m) => logged.push(`error ${m}`) },
    flush: () => flushes++,
    clock,
  });
  return { proc, clock, logged, exit, flushes: () => flushes };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('handleProcessExit', () => {
  it('SIGTERM stops the phone once, flushes the logs and exits 0', async () => {
    let stops = 0;
    const h = harness(async () => void stops++);
    h.proc.emit('SIGTERM', 'SIGTERM');
    h.proc.emit('SIGTERM', 'SIGTERM');
    await settle();
    expect(stops).toBe(1);
    expect(h.proc.exits).toEqual([0]);
    expect(h.flushes()).toBeGreaterThan(0);
    expect(h.clock.nextTimerIn()).toBe(1900);
  });

  it('a stop that hangs (a registrar that never answers) is cut off at the deadline with a failure status', async () => {
    const h = harness(() => new Promise(() => undefined));
    h.proc.emit('SIGTERM', 'SIGTERM');
    await settle();
    h.clock.advance(1899);
    expect(h.proc.exits).toEqual([]);
    h.clock.advance(1);
    expect(h.proc.exits).toEqual([EXIT_FAILURE]);
    expect(h.logged).toContain('error the phone did not stop in time; exiting anyway');
  });

  it('a second Ctrl-C while stopping exits at once with 130', async () => {
    const h = harness(() => new Promise(() => undefined));
    h.proc.emit('SIGINT', 'SIGINT');
    h.proc.emit('SIGINT', 'SIGINT');
    expect(h.proc.exits).toEqual([EXIT_INTERRUPTED]);
  });

  it('an uncaught exception stops the phone (BYE, unregister) and exits 1', async () => {
    let stops = 0;
    const h = harness(async () => void stops++);
    h.proc.emit('uncaughtException', new Error('TypeError in the transaction layer'));
    await settle();
    expect(stops).toBe(1);
    expect(h.proc.exits).toEqual([EXIT_FAILURE]);
    expect(h.logged).toContain('error uncaught error outside every supervised part');
  });

  it('an unhandled promise rejection (a fire-and-forget write that failed) is logged; the phone runs on', async () => {
    let stops = 0;
    const h = harness(async () => void stops++);
    h.proc.emit('unhandledRejection', new Error('ENOSPC: no space left on device, write'));
    await settle();
    expect(stops).toBe(0);
    expect(h.proc.exits).toEqual([]);
    expect(h.logged).toContain('error unhandled promise rejection');
  });

  it('a core part that gave up exits 1 through exitAfterStop; a failing stop exits 1 too', async () => {
    const h = harness(() => Promise.reject(new Error('board did not close')));
    h.exit.exitAfterStop(EXIT_FAILURE, 'phone failed');
    await settle();
    expect(h.proc.exits).toEqual([EXIT_FAILURE]);
  });

  it('uninstall() removes every handler it added', () => {
    const h = harness(async () => undefined);
    h.exit.uninstall();
    for (const e of ['SIGINT', 'SIGTERM', 'uncaughtException', 'unhandledRejection']) expect(h.proc.listenerCount(e)).toBe(0);
  });
});
