import { beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../support/fake-clock.js';
import { createMaintenanceConsole, createSimulatedSerialConsole, tokenize } from '../../../hal/serial/index.js';
import type { MaintenanceConsole, SimulatedSerialConsole } from '../../../hal/serial/index.js';
import { fakeBackend } from './maintenance-backend-fake.js';

/** Lets the backend's and verifier's promises settle. */
const flush = () => new Promise<void>((r) => setImmediate(r));

describe('MaintenanceConsole', () => {
  let clock: FakeClock;
  let tty: SimulatedSerialConsole;
  let backend: ReturnType<typeof fakeBackend>;
  let shell: MaintenanceConsole;
  let verified: Array<[string, string]>;

  beforeEach(async () => {
    clock = new FakeClock();
    tty = createSimulatedSerialConsole();
    await tty.open();
    backend = fakeBackend();
    verified = [];
    shell = createMaintenanceConsole({
      console: tty,
      backend,
      clock,
      banner: 'deskphone maintenance console',
      verifyLogin: async (u, p) => {
        verified.push([u, p]);
        return u === 'admin' && p === 'hunter2';
      },
    });
    shell.start();
  });

  async function login(password = 'hunter2'): Promise<void> {
    tty.type('admin\r');
    tty.type(`${password}\r`);
    await flush();
  }

  async function run(line: string): Promise<string> {
    tty.takeOutput();
    tty.type(`${line}\r`);
    await flush();
    return tty.takeOutput();
  }

  it('greets with the banner and a login prompt, and does not echo the password', async () => {
    tty.type('admin\r');
    tty.type('hunter2\r');
    await flush();
    expect(tty.output).toBe(
      'deskphone maintenance console\ndeskphone login: admin\nPassword: \nLogged in as admin. Type \'help\' for commands.\nadmin@deskphone> ',
    );
    expect(tty.output).not.toContain('hunter2');
    expect(verified).toEqual([['admin', 'hunter2']]);
  });

  it('answers a wrong password after a pause, then asks again', async () => {
    await login('nope');
    expect(tty.output).not.toContain('Login incorrect');
    clock.advance(999);
    expect(tty.output).not.toContain('Login incorrect');
    tty.type('status\r'); // typed during the pause: dropped, never run nor taken as a user name
    clock.advance(1);
    expect(tty.takeOutput()).toMatch(/Login incorrect\ndeskphone login: $/);
    expect(shell.stateName).toBe('login');
  });

  it('locks the console after three failures, longer each time, without asking the verifier meanwhile', async () => {
    for (let i = 0; i < 3; i++) {
      await login('wrong');
      clock.advance(1000);
    }
    expect(tty.output).toContain('Too many failed logins: console locked for 30 s.');
    expect(shell.stateName).toBe('locked');
    tty.type('admin\r');
    expect(tty.takeOutput()).toContain('locked for 29 s'); // one second of the 30 has passed
    expect(verified.length).toBe(3);
    clock.advance(30_000);
    expect(shell.stateName).toBe('login');
    for (let i = 0; i < 3; i++) {
      await login('wrong');
      clock.advance(1000);
    }
    expect(tty.output).toContain('locked for 60 s'); // the second lockout doubles
    clock.advance(60_000);
    await login();
    expect(shell.stateName).toBe('shell');
  });

  it('treats a verifier that throws as a failed login, not a crash', async () => {
    const t = createSimulatedSerialConsole();
    await t.open();
    createMaintenanceConsole({ console: t, backend, clock, verifyLogin: async () => { throw new Error('store unreadable'); } }).start();
    t.type('admin\rx\r');
    await flush();
    clock.advance(1000);
    expect(t.output).toContain('Login incorrect');
  });

  it('shows status as aligned key: value lines', async () => {
    await login();
    expect(await run('status')).toBe(
      'status\nfirmware: 0.1.0\nuptime:   3 h 12 min\naddress:  192.0.2.10\nboard:    rpi-deskphone\nadmin@deskphone> ',
    );
  });

  it('lists registrations and calls as tables', async () => {
    await login();
    expect(await run('reg')).toContain('ACCOUNT       STATE       REGISTRAR     EXPIRES\n201@lab.test  registered  sip:lab.test  3412 s\n');
    expect(await run('calls')).toContain('ID  DIR  STATE    REMOTE            DURATION\nc1  out  talking  sip:202@lab.test  1:15\n');
  });

  it('shows the last N log lines, 20 by default, and refuses a bad N', async () => {
    await login();
    expect((await run('log tail 3')).split('\n').slice(1, 4)).toEqual(['line 1', 'line 2', 'line 3']);
    expect((await run('log tail')).split('\n').length).toBe(22); // the command echo, 20 lines, the prompt
    expect(await run('log tail lots')).toContain('usage: log tail [N] (N from 1 to 500)');
  });

  it('gets and sets settings through the backend; quoted values keep their spaces; refusals are shown', async () => {
    await login();
    expect(await run('config get sip.display_name')).toContain('sip.display_name = Front Desk\n');
    expect(await run('config set sip.display_name "Back Office"')).toContain('sip.display_name set\n');
    expect(backend.settings.get('sip.display_name')).toBe('Back Office');
    expect(await run('config set no.such 1')).toContain("error: unknown setting 'no.such'\nadmin@deskphone> ");
    expect(await run('config set sip.display_name')).toContain('usage: config get KEY | config set KEY VALUE');
  });

  it('asks before rebooting, and reboots only on yes', async () => {
    await login();
    expect(await run('reboot')).toContain('Reboot the phone now? [y/N] ');
    expect(await run('n')).toContain('Not rebooting.');
    expect(backend.rebooted).toBe(0);
    await run('reboot');
    expect(await run('y')).toContain('Rebooting…');
    expect(backend.rebooted).toBe(1);
  });

  it('lists the commands on help, rejects unknown ones, and logs out', async () => {
    await login();
    const help = await run('help');
    for (const c of ['status', 'reg', 'calls', 'log tail [N]', 'config get KEY', 'config set KEY VALUE', 'reboot', 'logout']) expect(help).toContain(c);
    expect(await run('frobnicate')).toContain("unknown command 'frobnicate' (type 'help')");
    expect(await run('logout')).toBe('logout\nBye.\ndeskphone login: ');
    expect(await run('status')).toBe('status\nPassword: '); // back at the login: "status" is now a user name
  });

  it('does not run commands before login', async () => {
    await run('reboot');
    await run('y');
    expect(backend.rebooted).toBe(0);
  });

  it('logs an idle session out after 10 minutes without input', async () => {
    await login();
    clock.advance(9 * 60_000);
    await run('status'); // activity restarts the idle timer
    clock.advance(9 * 60_000);
    expect(shell.stateName).toBe('shell');
    clock.advance(60_000);
    expect(shell.stateName).toBe('login');
    expect(tty.output).toMatch(/Logged out \(idle\)\.\ndeskphone login: $/);
  });

  it('Ctrl-C at the password prompt goes back to the login prompt with echo restored', async () => {
    tty.type('admin\r');
    tty.type('hun\x03');
    expect(tty.takeOutput()).toMatch(/\^C\ndeskphone login: $/);
    tty.type('x');
    expect(tty.takeOutput()).toBe('x');
  });

  it('ignores what is typed while a command runs', async () => {
    await login();
    let release!: () => void;
    backend.logTail = () => new Promise((r) => (release = () => r(['slow line'])));
    tty.type('log tail 1\r');
    tty.type('reboot\r');
    release();
    await flush();
    expect(tty.output).toContain('slow line');
    expect(shell.stateName).toBe('shell');
  });
});

describe('tokenize', () => {
  it('splits on blanks and keeps quoted spaces and escaped quotes', () => {
    expect(tokenize('  config   set k "a b \\"c\\""  ')).toEqual(['config', 'set', 'k', 'a b "c"']);
    expect(tokenize('config set k ""')).toEqual(['config', 'set', 'k', '']);
    expect(() => tokenize('config set k "oops')).toThrow(/unterminated quote/);
  });
});
