#!/usr/bin/env node
// The device deployment: a release tarball, and its installation on a root
// directory (the device's / over ssh, a mounted SD card image, or a temp dir in
// the tests).
//
//   node scripts/device/release.js build [--out deskphone-VERSION.tar.gz] [--skip-native-build]
//   node scripts/device/release.js install TARBALL [--root /]
//   node scripts/device/release.js bundle --out DIR      (dist/ only; the memory benchmark uses it)
//
// The release's dist/ is the device bundle DESIGN.md names ("esbuild for the
// device bundle with the native packages external"): two entry points
// (dist/firmware/cli/deskphone.js and the media worker beside it) and shared
// chunks, instead of `npm run build`'s one file per source. Loading ~550 ESM
// modules costs the phone ~19 MB of RSS over the same code as one bundle
// (test/firmware/phone-memory.bench.ts measures both). The chunks live in
// dist/firmware/cli/ so the paths the code finds at run time still hold: the
// worker next to MediaEngine's code, package.json two levels up (the version).
//
// node_modules comes from `npm ci --omit=dev` in the staging directory: the
// bundle needs only the native hardware packages from it (onoff, i2c-bus,
// serialport, alsa-capture, loaded lazily by hal/), and no development
// dependency is shipped. `--skip-native-build` runs npm with --ignore-scripts
// (a release for the simulator, or when the device rebuilds its addons itself
// with `npm rebuild` for its own CPU).
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');

/** Packages hal/ loads with import() only on a board that uses them; they stay in node_modules. */
export const NATIVE_PACKAGES = ['onoff', 'i2c-bus', 'serialport', '@serialport/*', 'alsa-capture', 'epoll'];

/**
 * Packages fastify require()s only on paths the phone never takes (route schemas: the web layer gives
 * fastify its own compiler factories; inject(): tests only). Bundled, their ~520 KB of source would sit in
 * the main chunk's string for the process's life; external, they stay in node_modules (fastify's own
 * dependencies, so `npm ci --omit=dev` installs them) and would load from there if ever asked for.
 */
export const UNLOADED_PACKAGES = ['@fastify/ajv-compiler', '@fastify/fast-json-stringify-compiler', 'light-my-request'];

/** Where the installed phone lives on the device (the unit's ExecStart and WorkingDirectory). */
export const INSTALL_PREFIX = 'opt/deskphone';

class ReleaseError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ReleaseError';
  }
}

/** Bundles the firmware into `outDir`/dist (the device build). */
export async function bundle(outDir) {
  const { build } = await import('esbuild');
  const dist = join(outDir, 'dist', 'firmware', 'cli');
  rmSync(join(outDir, 'dist'), { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: { deskphone: join(here, 'entry.js'), 'media-worker': join(root, 'firmware/media/stream/media-worker.ts') },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outdir: dist,
    entryNames: '[name]',
    chunkNames: '[name]-[hash]',
    minify: true,
    sourcemap: 'linked',
    external: [...NATIVE_PACKAGES, ...UNLOADED_PACKAGES],
    // pino and others use require() on node: built-ins; ESM output needs a require to give them.
    banner: { js: "import { createRequire as __deskphoneRequire } from 'node:module'; const require = __deskphoneRequire(import.meta.url);" },
    logLevel: 'warning',
    // Licence comments go to a .LEGAL.txt beside each chunk (shipped with it): one of them (light-my-request's,
    // which fastify loads) has a non-ASCII name that would make its chunk two bytes a character (assertAsciiChunks).
    legalComments: 'external',
  });
  assertAsciiChunks(dist);
  return join(dist, 'deskphone.js');
}

/**
 * V8 holds a script's source in the heap for its whole life, one byte per
 * character only while every character is Latin-1: one `…` makes the whole
 * chunk two bytes per character (the web pages' chunk: +0.36 MB). esbuild
 * escapes non-ASCII in ordinary strings but must keep it in tagged templates
 * (html`…`, String.raw`…`), whose raw text is observable: write \uXXXX there.
 */
function assertAsciiChunks(dist) {
  for (const name of readdirSync(dist).filter((n) => n.endsWith('.js'))) {
    const text = readFileSync(join(dist, name), 'utf8');
    const at = text.search(/[^\x00-\x7f]/);
    if (at >= 0) throw new ReleaseError(`${name} has a non-ASCII character in "${text.slice(Math.max(0, at - 40), at + 10)}": write it as \\u${text.codePointAt(at).toString(16).padStart(4, '0')} in the tagged template it comes from (V8 would keep the whole chunk as a two-byte string)`);
  }
}

function version() {
  return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
}

/** Stages dist/, package.json, production node_modules and the system files, and packs them. */
export async function buildRelease({ out, skipNativeBuild = false } = {}) {
  const tarball = resolve(out ?? `deskphone-${version()}.tar.gz`);
  const stage = mkdtempSync(join(tmpdir(), 'deskphone-release-'));
  try {
    await bundle(stage);
    copyFileSync(join(root, 'package.json'), join(stage, 'package.json'));
    copyFileSync(join(root, 'package-lock.json'), join(stage, 'package-lock.json'));
    execFileSync('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline', ...(skipNativeBuild ? ['--ignore-scripts'] : [])], {
      cwd: stage,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const system = join(stage, 'system');
    mkdirSync(system);
    for (const name of ['deskphone.service', 'deskphone-reboot.path', 'deskphone-reboot.service', 'deskphone.sysusers', 'deskphone.tmpfiles', 'deskphone.yaml']) copyFileSync(join(here, name), join(system, name));
    execFileSync('tar', ['-czf', tarball, '-C', stage, '--owner=0', '--group=0', 'dist', 'node_modules', 'package.json', 'package-lock.json', 'system']);
    return tarball;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/**
 * Installs a release on `targetRoot` (default /): the program under
 * opt/deskphone (replaced whole, so no file of an older release lingers), the
 * unit, its sysusers.d and tmpfiles.d files, the unit enabled for
 * multi-user.target, and the config only when the device has none yet.
 * Ownership is left to systemd-sysusers and systemd-tmpfiles at boot, so a
 * root directory that is not the running system can be prepared too.
 */
export function installRelease(tarball, targetRoot = '/') {
  if (!existsSync(tarball)) throw new ReleaseError(`no such release tarball: ${tarball}`);
  const rootDir = resolve(targetRoot);
  const prefix = join(rootDir, INSTALL_PREFIX);
  const incoming = `${prefix}.new`;
  rmSync(incoming, { recursive: true, force: true });
  mkdirSync(incoming, { recursive: true });
  execFileSync('tar', ['-xzf', resolve(tarball), '-C', incoming, '--no-same-owner']);
  if (!existsSync(join(incoming, 'dist', 'firmware', 'cli', 'deskphone.js'))) {
    rmSync(incoming, { recursive: true, force: true });
    throw new ReleaseError(`${tarball} is not a deskphone release (no dist/firmware/cli/deskphone.js)`);
  }
  const system = join(incoming, 'system');
  const place = (from, to, { keep = false } = {}) => {
    const dest = join(rootDir, to);
    mkdirSync(dirname(dest), { recursive: true });
    if (keep && existsSync(dest)) return;
    cpSync(join(system, from), dest);
  };
  place('deskphone.service', 'etc/systemd/system/deskphone.service');
  place('deskphone-reboot.path', 'etc/systemd/system/deskphone-reboot.path');
  place('deskphone-reboot.service', 'etc/systemd/system/deskphone-reboot.service');
  place('deskphone.sysusers', 'usr/lib/sysusers.d/deskphone.conf');
  place('deskphone.tmpfiles', 'usr/lib/tmpfiles.d/deskphone.conf');
  place('deskphone.yaml', 'etc/deskphone/deskphone.yaml', { keep: true });
  rmSync(system, { recursive: true, force: true });
  // `systemctl enable` without a running systemd: the link WantedBy= names.
  const wants = join(rootDir, 'etc/systemd/system/multi-user.target.wants');
  mkdirSync(wants, { recursive: true });
  for (const unit of ['deskphone.service', 'deskphone-reboot.path']) {
    rmSync(join(wants, unit), { force: true });
    symlinkSync(`/etc/systemd/system/${unit}`, join(wants, unit));
  }
  // Swap in the new release last: an interrupted install leaves the old one runnable.
  rmSync(prefix, { recursive: true, force: true });
  execFileSync('mv', [incoming, prefix]);
  return { prefix, entry: join(prefix, 'dist', 'firmware', 'cli', 'deskphone.js') };
}

function option(args, name) {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (value === undefined || value.startsWith('--')) throw new ReleaseError(`${name} needs a value`);
  args.splice(i, 2);
  return value;
}

async function main(argv) {
  const [command, ...args] = argv;
  if (command === 'build') {
    const skipNativeBuild = args.includes('--skip-native-build');
    const tarball = await buildRelease({ out: option(args, '--out'), skipNativeBuild });
    console.log(`release: ${tarball}`);
  } else if (command === 'install') {
    const rootDir = option(args, '--root') ?? '/';
    const [tarball] = args;
    if (!tarball) throw new ReleaseError('install needs the release tarball');
    const { prefix } = installRelease(tarball, rootDir);
    console.log(`installed: ${prefix} (enable and start: systemctl daemon-reload && systemctl restart deskphone)`);
  } else if (command === 'bundle') {
    const out = option(args, '--out');
    if (!out) throw new ReleaseError('bundle needs --out DIR');
    console.log(`bundle: ${await bundle(resolve(out))}`);
  } else {
    throw new ReleaseError('usage: release.js build [--out FILE] [--skip-native-build] | install TARBALL [--root DIR] | bundle --out DIR');
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(`release: ${err.message}`);
    process.exit(1);
  });
}
