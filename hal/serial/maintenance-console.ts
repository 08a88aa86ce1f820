import type { HalClock, HalTimerHandle } from '../clock.js';
import type { HalLog } from '../log.js';
import { silentLog } from '../log.js';
import type { SerialConsole } from './serial-console.js';

/**
 * What the maintenance console asks of the phone (issue 6 §7). hal/ never
 * imports firmware/, so the phone implements this and main.ts hands it over.
 * A rejected promise's message is shown to the user as `error: …`.
 */
export interface MaintenanceBackend {
  /** Facts for `status`, shown as aligned `key: value` lines (firmware version, uptime, address, board…). */
  status(): Promise<Record<string, string | number | boolean>>;
  registrations(): Promise<Array<{ account: string; state: string; registrar?: string; expiresInS?: number }>>;
  calls(): Promise<Array<{ id: string; state: string; remote: string; direction?: 'in' | 'out'; durationS?: number }>>;
  /** The last `count` log lines, oldest first. */
  logTail(count: number): Promise<string[]>;
  /** The value shown for `key` (secrets masked by the phone); rejects for an unknown key. */
  configGet(key: string): Promise<string>;
  /** Validates and stores; rejects with the reason when the value is refused. */
  configSet(key: string, value: string): Promise<void>;
  reboot(): Promise<void>;
}

/** Checks a login; the phone's implementation compares against a stored hash in constant time. */
export type LoginVerifier = (username: string, password: string) => Promise<boolean>;

export interface MaintenanceConsoleOptions {
  console: SerialConsole;
  backend: MaintenanceBackend;
  verifyLogin: LoginVerifier;
  clock: HalClock;
  log?: HalLog;
  /** Printed before the first login prompt. */
  banner?: string;
  hostname?: string;
  /** Pause after each failed login before the next prompt (default 1 s: slows guessing, like login(1)). */
  failureDelayMs?: number;
  /** Failed logins in a row that lock the console (default 3). */
  maxFailures?: number;
  /** First lockout (default 30 s); each further lockout doubles, up to `maxLockoutMs` (default 15 min). */
  lockoutMs?: number;
  maxLockoutMs?: number;
  /** A session with no input for this long is logged out (default 10 min). */
  idleTimeoutMs?: number;
}

type State =
  | { name: 'login' }
  | { name: 'password'; username: string }
  | { name: 'checking' }
  | { name: 'delay' }
  | { name: 'locked'; until: number }
  | { name: 'shell'; username: string }
  | { name: 'confirm-reboot'; username: string }
  | { name: 'busy'; username: string };

const HELP: Array<[string, string]> = [
  ['status', 'phone status'],
  ['reg', 'SIP registrations'],
  ['calls', 'calls in progress'],
  ['log tail [N]', 'last N log lines (default 20, at most 500)'],
  ['config get KEY', 'show a setting'],
  ['config set KEY VALUE', 'change a setting (quote values with spaces)'],
  ['reboot', 'restart the phone (asks first)'],
  ['help', 'this list'],
  ['logout', 'end the session'],
];

/**
 * The login-protected line shell on the serial console. A state machine over
 * typed lines and clock timers: login → password (not echoed) → shell, with a
 * pause after each failure and an escalating lockout after repeated ones, an
 * idle logout, and commands run one at a time against the backend.
 */
export class MaintenanceConsole {
  private readonly o: Required<Omit<MaintenanceConsoleOptions, 'banner' | 'log'>> & { banner: string | undefined; log: HalLog };
  private state: State = { name: 'login' };
  private failures = 0;
  private lockouts = 0;
  private timer: HalTimerHandle | undefined;
  private idleTimer: HalTimerHandle | undefined;
  private unsubscribe: Array<() => void> = [];

  constructor(options: MaintenanceConsoleOptions) {
    this.o = {
      failureDelayMs: 1000,
      maxFailures: 3,
      lockoutMs: 30_000,
      maxLockoutMs: 15 * 60_000,
      idleTimeoutMs: 10 * 60_000,
      hostname: 'deskphone',
      ...options,
      banner: options.banner,
      log: options.log ?? silentLog,
    };
  }

  get stateName(): State['name'] {
    return this.state.name;
  }

  /** Starts listening and shows the login prompt (the console should already be open). */
  start(): void {
    const c = this.o.console;
    this.unsubscribe.push(c.onLine((line) => this.onLine(line)));
    this.unsubscribe.push(
      c.onEvent((e) => {
        if (e.type === 'interrupt') this.onInterrupt();
        // A console that came back may have a new person on it: start from the login again.
        if (e.type === 'restored') this.toLogin('');
      }),
    );
    if (this.o.banner !== undefined) c.writeLine(this.o.banner);
    this.toLogin('');
  }

  stop(): void {
    for (const u of this.unsubscribe.splice(0)) u();
    this.o.clock.clearTimeout(this.timer);
    this.o.clock.clearTimeout(this.idleTimer);
    this.o.console.setEcho('on');
  }

  private onLine(line: string): void {
    const s = this.state;
    switch (s.name) {
      case 'login': {
        const username = line.trim();
        if (username === '') return this.prompt();
        this.state = { name: 'password', username };
        this.o.console.setEcho('off');
        this.o.console.write('Password: ');
        return;
      }
      case 'password':
        this.o.console.setEcho('on');
        this.state = { name: 'checking' };
        void this.check(s.username, line);
        return;
      case 'locked':
        this.sayLocked(s.until);
        return;
      case 'checking':
      case 'delay':
      case 'busy':
        return; // typed ahead while the phone is busy: dropped, so a password is never run as a command
      case 'confirm-reboot':
        this.touch();
        if (/^(y|yes)$/i.test(line.trim())) {
          this.o.log.warn({ user: s.username }, 'reboot requested on the maintenance console');
          this.run(s.username, async () => {
            this.o.console.writeLine('Rebooting…');
            await this.o.backend.reboot();
          });
        } else {
          this.o.console.writeLine('Not rebooting.');
          this.state = { name: 'shell', username: s.username };
          this.prompt();
        }
        return;
      case 'shell':
        this.touch();
        this.command(s.username, line);
        return;
    }
  }

  private async check(username: string, password: string): Promise<void> {
    let ok = false;
    try {
      ok = await this.o.verifyLogin(username, password);
    } catch (error) {
      this.o.log.error({ err: error }, 'login verifier failed');
    }
    if (this.state.name !== 'checking') return; // stopped meanwhile
    if (ok) {
      this.failures = 0;
      this.lockouts = 0;
      this.o.log.info({ user: username }, 'maintenance console login');
      this.state = { name: 'shell', username };
      this.o.console.writeLine(`Logged in as ${username}. Type 'help' for commands.`);
      this.touch();
      this.prompt();
      return;
    }
    this.failures++;
    this.o.log.warn({ user: username, failures: this.failures }, 'maintenance console login failed');
    if (this.failures >= this.o.maxFailures) {
      const ms = Math.min(this.o.maxLockoutMs, this.o.lockoutMs * 2 ** this.lockouts);
      this.lockouts++;
      this.failures = 0;
      const until = this.o.clock.now() + ms;
      this.state = { name: 'locked', until };
      this.o.console.writeLine('Login incorrect');
      this.sayLocked(until);
      this.timer = this.o.clock.setTimeout(() => this.toLogin(''), ms);
      return;
    }
    this.state = { name: 'delay' };
    this.timer = this.o.clock.setTimeout(() => this.toLogin('Login incorrect'), this.o.failureDelayMs);
  }

  private sayLocked(until: number): void {
    const s = Math.ceil((until - this.o.clock.now()) / 1000);
    this.o.console.writeLine(`Too many failed logins: console locked for ${s} s.`);
  }

  private toLogin(message: string): void {
    this.o.clock.clearTimeout(this.timer);
    this.o.clock.clearTimeout(this.idleTimer);
    this.o.console.setEcho('on');
    if (message !== '') this.o.console.writeLine(message);
    this.state = { name: 'login' };
    this.prompt();
  }

  private prompt(): void {
    const s = this.state;
    if (s.name === 'login') this.o.console.write(`${this.o.hostname} login: `);
    else if (s.name === 'shell') this.o.console.write(`${s.username}@${this.o.hostname}> `);
  }

  private onInterrupt(): void {
    const s = this.state;
    if (s.name === 'password') this.toLogin('');
    else if (s.name === 'confirm-reboot') {
      this.state = { name: 'shell', username: s.username };
      this.prompt();
    } else if (s.name === 'shell' || s.name === 'login') this.prompt();
  }

  /** Restarts the idle timer: an unattended logged-in console must not stay open for the next passer-by. */
  private touch(): void {
    this.o.clock.clearTimeout(this.idleTimer);
    this.idleTimer = this.o.clock.setTimeout(() => {
      if (this.state.name === 'shell' || this.state.name === 'confirm-reboot') {
        this.o.console.writeLine('');
        this.toLogin('Logged out (idle).');
      }
    }, this.o.idleTimeoutMs);
  }

  private command(username: string, line: string): void {
    let words: string[];
    try {
      words = tokenize(line);
    } catch (error) {
      this.o.console.writeLine(`error: ${(error as Error).message}`);
      return this.prompt();
    }
    const [cmd, ...args] = words;
    const b = this.o.backend;
    const c = this.o.console;
    switch (cmd) {
      case undefined:
        return this.prompt();
      case 'help':
        for (const [name, what] of HELP) c.writeLine(`  ${name.padEnd(22)}${what}`);
        return this.prompt();
      case 'logout':
      case 'exit':
        this.o.log.info({ user: username }, 'maintenance console logout');
        c.writeLine('Bye.');
        return this.toLogin('');
      case 'status':
        return this.run(username, async () => {
          const facts = Object.entries(await b.status());
          const width = Math.max(0, ...facts.map(([k]) => k.length));
          for (const [k, v] of facts) c.writeLine(`${`${k}:`.padEnd(width + 2)}${String(v)}`);
        });
      case 'reg':
        return this.run(username, async () => {
          const regs = await b.registrations();
          if (regs.length === 0) return c.writeLine('no accounts configured');
          table(c, ['ACCOUNT', 'STATE', 'REGISTRAR', 'EXPIRES'], regs.map((r) => [r.account, r.state, r.registrar ?? '-', r.expiresInS === undefined ? '-' : `${r.expiresInS} s`]));
        });
      case 'calls':
        return this.run(username, async () => {
          const calls = await b.calls();
          if (calls.length === 0) return c.writeLine('no calls');
          table(c, ['ID', 'DIR', 'STATE', 'REMOTE', 'DURATION'], calls.map((k) => [k.id, k.direction ?? '-', k.state, k.remote, k.durationS === undefined ? '-' : formatDuration(k.durationS)]));
        });
      case 'log': {
        if (args[0] !== 'tail' || args.length > 2) return this.usage('log tail [N]');
        const n = args[1] === undefined ? 20 : Number(args[1]);
        if (!Number.isInteger(n) || n < 1 || n > 500) return this.usage('log tail [N] (N from 1 to 500)');
        return this.run(username, async () => {
          for (const l of await b.logTail(n)) c.writeLine(l);
        });
      }
      case 'config': {
        const [sub, key, ...rest] = args;
        if (sub === 'get' && key !== undefined && rest.length === 0) {
          return this.run(username, async () => c.writeLine(`${key} = ${await b.configGet(key)}`));
        }
        if (sub === 'set' && key !== undefined && rest.length === 1) {
          const value = rest[0]!;
          return this.run(username, async () => {
            await b.configSet(key, value);
            this.o.log.info({ user: username, key }, 'setting changed on the maintenance console'); // never the value: it may be a password
            c.writeLine(`${key} set`);
          });
        }
        return this.usage('config get KEY | config set KEY VALUE');
      }
      case 'reboot':
        this.state = { name: 'confirm-reboot', username };
        c.write('Reboot the phone now? [y/N] ');
        return;
      default:
        c.writeLine(`unknown command '${cmd}' (type 'help')`);
        return this.prompt();
    }
  }

  private usage(text: string): void {
    this.o.console.writeLine(`usage: ${text}`);
    this.prompt();
  }

  /** Runs one backend call; lines typed meanwhile are dropped, and the prompt returns when it ends. */
  private run(username: string, work: () => Promise<void>): void {
    this.state = { name: 'busy', username };
    work().then(
      () => this.done(username),
      (error: unknown) => {
        this.o.console.writeLine(`error: ${error instanceof Error ? error.message : String(error)}`);
        this.done(username);
      },
    );
  }

  private done(username: string): void {
    if (this.state.name !== 'busy') return;
    this.state = { name: 'shell', username };
    this.prompt();
  }
}

/** Splits a command line on blanks; "double quotes" keep spaces, backslash escapes a quote. */
export function tokenize(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) word += line[++i];
      else if (ch === '"') quoted = false;
      else word += ch;
    } else if (ch === '"') {
      quoted = true;
      inWord = true;
    } else if (ch === ' ' || ch === '\t') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quoted) throw new Error('unterminated quote');
  if (inWord) words.push(word);
  return words;
}

function table(c: SerialConsole, head: string[], rows: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]! + 2))).join('');
  c.writeLine(line(head));
  for (const r of rows) c.writeLine(line(r));
}

function formatDuration(s: number): string {
  const m = Math.floor(s / 60);
  return `${m}:${String(Math.floor(s % 60)).padStart(2, '0')}`;
}

export function createMaintenanceConsole(options: MaintenanceConsoleOptions): MaintenanceConsole {
  return new MaintenanceConsole(options);
}
