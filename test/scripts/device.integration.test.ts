import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProcess, tempDir, waitFor } from '../interop/support/processes.js';
import { hasCommand } from '../interop/support/peers.js';

// The device deployment (scripts/device/): the systemd unit, a release tarball
// built the way a release is built, installed on a temp dir standing in for the
// device's root, and the installed phone started from there.

const root = fileURLToPath(new URL('../..', import.meta.url));
const release = join(root, 'scripts/device/release.js');
const unitPath = join(root, 'scripts/device/deskphone.service');
const unit = readFileSync(unitPath, 'utf8');

function directive(name: string): string[] {
  return [...unit.matchAll(new RegExp(`^${name}=(.*)$`, 'gm'))].map((m) => m[1]!);
}

describe('deskphone.service', () => {
  it.skipIf(!hasCommand('systemd-analyze'))('passes systemd-analyze verify', () => {
    const r = spawnSync('systemd-analyze', ['verify', unitPath], { encoding: 'utf8' });
    expect(r.stderr.trim(), 'systemd-analyze verify complaints').toBe('');
    expect(r.status).toBe(0);
  });

  it('runs the installed bundle with node as the dedicated user, config from /etc and data in its state directory', () => {
    const [exec] = directive('ExecStart');
    expect(exec).toMatch(/^\/usr\/bin\/node (--\S+ )*\/opt\/deskphone\/dist\/firmware\/cli\/deskphone\.js start /);
    expect(exec).toContain('--config /etc/deskphone/deskphone.yaml');
    expect(exec).toContain('--data-dir /var/lib/deskphone');
    expect(directive('StateDirectory')).toEqual(['deskphone']);
    expect(directive('User')).toEqual(['deskphone']);
    expect(directive('Restart')).toEqual(['always']);
    expect(directive('StandardOutput')).toEqual(['journal']);
  });

  it('gives the process real-time scheduling and the media thread the right to raise its priority', () => {
    expect(directive('CPUSchedulingPolicy')).toEqual(['rr']);
    expect(Number(directive('CPUSchedulingPriority')[0])).toBeGreaterThan(0);
    expect(directive('AmbientCapabilities')).toEqual(['CAP_SYS_NICE']);
  });
});

describe('release tarball installed on a root directory', () => {
  let work: Awaited<ReturnType<typeof tempDir>>;
  let tarball: string;
  let targetRoot: string;
  let listing: string[];

  beforeAll(async () => {
    work = await tempDir('device-release');
    tarball = join(work.path, 'deskphone.tar.gz');
    targetRoot = join(work.path, 'root');
    // --skip-native-build: the hardware addons are built on (or for) the device, not for this machine.
    execFileSync(process.execPath, [release, 'build', '--out', tarball, '--skip-native-build'], { cwd: work.path, stdio: ['ignore', 'ignore', 'pipe'] });
    listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).split('\n');
    execFileSync(process.execPath, [release, 'install', tarball, '--root', targetRoot], { stdio: ['ignore', 'ignore', 'pipe'] });
  }, 120_000);
  afterAll(async () => {
    await work?.remove();
  });

  it('holds the bundled dist/ with its media worker, and no TypeScript sources', () => {
    expect(listing).toContain('dist/firmware/cli/deskphone.js');
    expect(listing).toContain('dist/firmware/cli/media-worker.js');
    expect(listing.filter((p) => p.endsWith('.ts') && !p.endsWith('.d.ts') && !p.startsWith('node_modules/'))).toEqual([]);
  });

  it('holds the production dependencies and none of the development ones', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    // The lockfile marks every package only development needs (directly or through another) with dev: true.
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
    const devOnly = Object.entries(lock.packages).filter(([path, entry]) => path.startsWith('node_modules/') && entry.dev === true).map(([path]) => path);
    const shipped = new Set(listing.filter((p) => /^node_modules\/(.+\/)?[^/]+\/package\.json$/.test(p)).map((p) => p.slice(0, -'/package.json'.length)));
    for (const dep of Object.keys(pkg.dependencies)) expect(shipped, `dependency ${dep}`).toContain(`node_modules/${dep}`);
    expect(devOnly.length).toBeGreaterThan(100);
    expect(devOnly.filter((p) => shipped.has(p))).toEqual([]);
    for (const tool of ['vitest', 'esbuild', 'typescript', 'tsx']) expect(shipped).not.toContain(`node_modules/${tool}`);
  });

  it('installs the program, the unit enabled for multi-user.target, its sysusers/tmpfiles entries and a config', () => {
    expect(existsSync(join(targetRoot, 'opt/deskphone/dist/firmware/cli/deskphone.js'))).toBe(true);
    expect(readFileSync(join(targetRoot, 'etc/systemd/system/deskphone.service'), 'utf8')).toBe(unit);
    const wants = join(targetRoot, 'etc/systemd/system/multi-user.target.wants/deskphone.service');
    expect(lstatSync(wants).isSymbolicLink()).toBe(true);
    expect(readlinkSync(wants)).toBe('/etc/systemd/system/deskphone.service');
    // The web admin's reboot: a root path unit watches the request file in the phone's runtime directory.
    expect(readlinkSync(join(targetRoot, 'etc/systemd/system/multi-user.target.wants/deskphone-reboot.path'))).toBe('/etc/systemd/system/deskphone-reboot.path');
    expect(readFileSync(join(targetRoot, 'etc/systemd/system/deskphone-reboot.path'), 'utf8')).toMatch(/^PathExists=\/run\/deskphone\/reboot-requested$/m);
    expect(readFileSync(join(targetRoot, 'etc/systemd/system/deskphone-reboot.service'), 'utf8')).toMatch(/^ExecStart=\/usr\/bin\/systemctl reboot$/m);
    expect(unit).toMatch(/^RuntimeDirectory=deskphone$/m);
    expect(readFileSync(join(targetRoot, 'usr/lib/sysusers.d/deskphone.conf'), 'utf8')).toMatch(/^u deskphone /m);
    expect(readFileSync(join(targetRoot, 'usr/lib/tmpfiles.d/deskphone.conf'), 'utf8')).toMatch(/^d \/etc\/deskphone .* deskphone deskphone/m);
    expect(readFileSync(join(targetRoot, 'etc/deskphone/deskphone.yaml'), 'utf8')).toMatch(/^board: rpi-deskphone$/m);
  });

  it('an update keeps the device’s config', () => {
    const config = join(targetRoot, 'etc/deskphone/deskphone.yaml');
    const edited = 'board: sim\ntoneRegion: de\n';
    writeFileSync(config, edited);
    execFileSync(process.execPath, [release, 'install', tarball, '--root', targetRoot], { stdio: ['ignore', 'ignore', 'pipe'] });
    expect(readFileSync(config, 'utf8')).toBe(edited);
  }, 60_000);

  it('the installed phone starts from the install root and prints its listening line', async () => {
    const installed = join(targetRoot, 'opt/deskphone');
    // The unit's command line, with the sim board, free ports and a temp data dir.
    const flags = directive('ExecStart')[0]!.split(/\s+/).slice(1).filter((w, i, all) => w.startsWith('--') && all.slice(0, i).every((x) => x.startsWith('--')));
    const data = join(work.path, 'data');
    const phone = startProcess(
      'installed deskphone',
      process.execPath,
      [...flags, join(installed, 'dist/firmware/cli/deskphone.js'), 'start', '--board', 'sim', '--config', join(targetRoot, 'etc/deskphone/deskphone.yaml'), '--data-dir', data, '--sip-port', '0', '--http-port', '0'],
      // Anywhere but the checkout: nothing may resolve from the sources' node_modules.
      { cwd: work.path, env: { ...process.env, NODE_PATH: '' } },
    );
    try {
      const line = await waitFor(
        'the listening line',
        () => phone.output().split('\n').map((l) => (l.startsWith('{"event":"listening"') ? (JSON.parse(l) as { sip: { udp: number }; http: number }) : undefined)).find(Boolean),
        { peer: phone, timeoutMs: 20_000 },
      );
      expect(line.sip.udp).toBeGreaterThan(0);
      const res = await fetch(`http://127.0.0.1:${line.http}/api/panel`);
      expect(res.status).toBeLessThan(500);
      expect(existsSync(data), 'the phone made its data directory').toBe(true);
    } finally {
      await phone.stop();
    }
  }, 30_000);

  it('the installed build finds its version in the installed package.json', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    const out = execFileSync(process.execPath, [join(targetRoot, 'opt/deskphone/dist/firmware/cli/deskphone.js'), '--version'], { cwd: work.path, encoding: 'utf8' });
    expect(out.trim()).toBe(pkg.version);
  });
});
