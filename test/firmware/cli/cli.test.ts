import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The real executable, as a user runs it.
function deskphone(...args: string[]) {
  const r = spawnSync(process.execPath, ['scripts/deskphone.js', ...args], { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('deskphone command line', () => {
  it('prints the version', () => {
    const r = deskphone('--version');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('prints help naming the commands', () => {
    const r = deskphone('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/start/);
    expect(r.stdout).toMatch(/config/);
  });

  it('exits 2 with a clear message on an unknown command or option', () => {
    const a = deskphone('dial-out');
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/unknown command 'dial-out'/);
    const b = deskphone('start', '--bord', 'sim');
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/unknown option '--bord'/);
    expect(b.stderr).toMatch(/--board/);
    const c = deskphone('start', '--log-level', 'loud');
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/"loud" is not a log level/);
  });

  it('config check passes a good file and lists every error of a bad one with exit 1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'deskphone-cli-'));
    try {
      const good = join(dir, 'good.yaml');
      const bad = join(dir, 'bad.yaml');
      await writeFile(good, 'accounts:\n  - user: "201"\n    domain: pbx.example.com\n    password: pw\n');
      await writeFile(bad, 'accounts:\n  - user: "201"\n    domian: pbx.example.com\nsip:\n  port: 70000\n');
      const ok = deskphone('config', 'check', good);
      expect(ok.code).toBe(0);
      expect(ok.stdout).toMatch(/OK/);
      const notOk = deskphone('config', 'check', bad);
      expect(notOk.code).toBe(1);
      expect(notOk.stderr).toContain('accounts[0].domian (line 3): unknown key; did you mean "domain"?');
      expect(notOk.stderr).toContain('accounts[0].domain (line 2): required');
      expect(notOk.stderr).toContain('sip.port (line 5): expected a number ≤ 65535, found 70000');
      const missing = deskphone('config', 'check', join(dir, 'nope.yaml'));
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/file not found/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('doctor checks the simulated board and names the known boards for an unknown one', () => {
    const ok = deskphone('doctor', '--board', 'sim');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/board sim: all \d+ checks passed/);
    const unknown = deskphone('doctor', '--board', 'nokia-3310');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown board 'nokia-3310'; known boards: rpi-deskphone, sim/);
  });

  it('media replay refuses a file that is not a capture, saying so', () => {
    const r = deskphone('media', 'replay', 'README.md', '--out', '/dev/null');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not a pcap file/);
  });
});
