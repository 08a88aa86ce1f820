import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeCpioNewc } from '../../../scripts/vm/cpio-newc.js';
import { loadOrder, moduleName, parseModulesDep } from '../../../scripts/vm/module-order.js';
import { parseConsole, runScript } from '../../../scripts/vm/vm-run.js';
import { initScript, MARK_BEGIN, MARK_EXIT, MARK_FAIL } from '../../../scripts/vm/initramfs.js';
import { VmRigError } from '../../../scripts/vm/errors.js';
import { latchedBytes, parseSmbusTrace } from '../../hal-vm-guest/smbus-trace.js';
import { alignSignal, matchFrames, measureTone, testSignal, tone } from '../../hal-vm-guest/signal.js';
import { parseResults, formatResult } from '../../hal-vm-guest/report.js';
import { UartPeer } from './support/uart-peer.js';

/**
 * The rig's pure parts, without booting anything: what it writes into the
 * initramfs, how it orders modules, how it reads the console, and how the
 * guest checks read the kernel's smbus trace and compare audio.
 */

const busybox = spawnSync('busybox', ['cpio', '--help'], { stdio: 'ignore' }).status !== null ? 'busybox' : undefined;

describe('initramfs archive (cpio newc)', () => {
  const archive = writeCpioNewc([
    { kind: 'dir', path: 'bin' },
    { kind: 'file', path: 'bin/hello', data: Buffer.from('#!/bin/sh\necho hi\n'), mode: 0o755 },
    { kind: 'file', path: 'odd-size', data: Buffer.from('abc') },
    { kind: 'char', path: 'dev-console', major: 5, minor: 1 },
  ]);

  it('starts every entry with the newc magic and ends with the trailer, 4-byte aligned', () => {
    expect(archive.subarray(0, 6).toString('ascii')).toBe('070701');
    expect(archive.toString('latin1')).toContain('TRAILER!!!\0');
    expect(archive.length % 4).toBe(0);
    // The first header: ino 1, a directory 0755, name "bin" + NUL = 4 bytes.
    const header = archive.subarray(0, 110).toString('ascii');
    expect(parseInt(header.slice(14, 22), 16)).toBe(0o040755);
    expect(parseInt(header.slice(94, 102), 16)).toBe(4);
  });

  it.skipIf(busybox === undefined)('unpacks with busybox cpio into the same files, modes and device node numbers', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'deskphone-cpio-'));
    try {
      await writeFile(join(dir, 'a.cpio'), archive);
      const list = spawnSync('busybox', ['cpio', '-t', '-F', 'a.cpio'], { cwd: dir, encoding: 'utf8' });
      expect(list.stdout.trim().split('\n')).toEqual(['bin', 'bin/hello', 'odd-size', 'dev-console']);
      const out = join(dir, 'out');
      spawnSync('mkdir', [out]);
      const unpack = spawnSync('busybox', ['cpio', '-i', '-d', '-F', join(dir, 'a.cpio')], { cwd: out, encoding: 'utf8' });
      expect(unpack.status, unpack.stderr).toBe(0);
      expect(await readFile(join(out, 'bin/hello'), 'utf8')).toBe('#!/bin/sh\necho hi\n');
      expect((await stat(join(out, 'bin/hello'))).mode & 0o777).toBe(0o755);
      expect(await readFile(join(out, 'odd-size'), 'utf8')).toBe('abc');
      const dev = await stat(join(out, 'dev-console'));
      expect(dev.isCharacterDevice()).toBe(true);
      expect(dev.rdev).toBe((5 << 8) | 1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('module load order from modules.dep', () => {
  // As depmod writes it: each module, then everything it needs.
  const dep = parseModulesDep(
    [
      'kernel/fs/9p/9p.ko: kernel/fs/netfs/netfs.ko kernel/net/9p/9pnet.ko',
      'kernel/fs/netfs/netfs.ko:',
      'kernel/net/9p/9pnet.ko:',
      'kernel/net/9p/9pnet_virtio.ko: kernel/net/9p/9pnet.ko kernel/drivers/virtio/virtio_ring.ko kernel/drivers/virtio/virtio.ko',
      'kernel/drivers/virtio/virtio.ko:',
      'kernel/drivers/virtio/virtio_ring.ko:',
      'kernel/sound/drivers/snd-aloop.ko: kernel/sound/core/snd-pcm.ko kernel/sound/core/snd.ko',
      'kernel/sound/core/snd-pcm.ko: kernel/sound/core/snd.ko',
      'kernel/sound/core/snd.ko:',
    ].join('\n'),
  );

  it('loads every dependency before its user, each module once', () => {
    const order = loadOrder(dep, ['9pnet_virtio', '9p', 'snd-aloop']).map((m) => moduleName(m.path));
    expect(new Set(order).size).toBe(order.length);
    for (const [user, needs] of [['9p', '9pnet'], ['9p', 'netfs'], ['9pnet_virtio', 'virtio_ring'], ['snd_aloop', 'snd_pcm'], ['snd_pcm', 'snd']]) {
      expect(order.indexOf(needs!), `${needs} before ${user}`).toBeLessThan(order.indexOf(user!));
    }
  });

  it('treats dashes and underscores alike, as the kernel does', () => {
    expect(loadOrder(dep, ['snd_aloop']).map((m) => m.path).at(-1)).toBe('kernel/sound/drivers/snd-aloop.ko');
  });

  it('names a module that is not there', () => {
    expect(() => loadOrder(dep, ['gpio-sim'])).toThrow(VmRigError);
    expect(() => loadOrder(dep, ['gpio-sim'])).toThrow(/gpio_sim is not in modules.dep/);
  });
});

describe('console protocol between the init and the runner', () => {
  it('takes the output between the markers and the exit status after them, CRs removed', () => {
    const console = `[    0.000] Linux version 6.1\r\n${MARK_BEGIN}\r\nhello\r\nworld\r\n\r\n${MARK_EXIT} 3@@\r\nreboot: Power down\r\n`;
    expect(parseConsole(console)).toEqual({ exitCode: 3, output: 'hello\nworld\n' });
  });

  it('reports an init failure by its reason', () => {
    expect(parseConsole(`${MARK_FAIL} mount host root@@\n`)).toEqual({ failure: 'mount host root' });
  });

  it('has nothing to say about a console that never reached the command', () => {
    expect(parseConsole('Kernel panic - not syncing: VFS: Unable to mount root fs')).toEqual({});
  });

  it('quotes every argument of the command, so spaces and quotes reach it unchanged', () => {
    const script = runScript(['printf', '%s|', "it's", 'a b'], '/work/x', { GREETING: 'hi there' });
    const run = spawnSync('sh', ['-c', script.replace("cd '/work/x' || exit 125\n", '')], { encoding: 'utf8' });
    expect(run.stdout).toBe("it's|a b|");
    expect(script).toContain("export GREETING='hi there'");
  });

  it('prints the exit status through the init script after the chrooted command', () => {
    const init = initScript(['virtio.ko'], [{ file: 'i2c-stub.ko', params: ['chip_addr=0x27'] }]);
    expect(init).toMatch(/insmod \/lib\/modules\/virtio\.ko/);
    expect(init).toMatch(/insmod \/lib\/modules\/i2c-stub\.ko 'chip_addr=0x27'/);
    expect(init.indexOf(`echo "${MARK_BEGIN}"`)).toBeLessThan(init.indexOf('chroot /newroot'));
    // The guest kills an overrunning command itself, so a VM never outlives a dead runner.
    expect(init).toMatch(/timeout -s KILL "\$\{limit:-\d+\}" chroot \/newroot/);
    expect(init).toContain(`echo "${MARK_EXIT} $rc@@"`);
  });
});

describe('guest helpers', () => {
  it('reads SMBus writes from the kernel trace, send-byte data in the command field', () => {
    const trace = [
      '# tracer: nop',
      '            node-231     [001] .....    12.500100: smbus_write: i2c-0 a=027 f=0000 c=3c BYTE l=0 []',
      '            node-231     [001] .....    12.500200: smbus_write: i2c-0 a=027 f=0000 c=12 BYTE_DATA l=1 [34]',
      '            node-231     [000] .....    12.500300: smbus_write: i2c-0 a=027 f=0000 c=40 I2C_BLOCK_DATA l=3 [02-aa-bb]',
      '            node-231     [000] .....    12.500400: smbus_write: i2c-0 a=03f f=0000 c=99 BYTE l=0 []',
    ].join('\n');
    const writes = parseSmbusTrace(trace);
    expect(writes).toHaveLength(4);
    expect(writes[0]).toEqual({ atMs: 12500.1, adapter: 0, address: 0x27, command: 0x3c, protocol: 'BYTE', data: [] });
    expect(latchedBytes(writes, 0x27)).toEqual([0x3c, 0x12, 0x34, 0x40, 0xaa, 0xbb]);
  });

  it('finds a signal in a capture that starts with silence and notices a changed sample', () => {
    const signal = testSignal(400);
    expect(signal.includes(0)).toBe(false);
    const captured = new Int16Array(1000);
    captured.set(signal, 123);
    expect(alignSignal(captured, signal)).toEqual({ offset: 123, matched: 400, firstMismatch: -1 });
    captured[123 + 200] ^= 1;
    expect(alignSignal(captured, signal)).toEqual({ offset: 123, matched: 200, firstMismatch: 200 });
  });

  it('follows frames across a gap of silence but not past a missing frame', () => {
    const signal = testSignal(4 * 160);
    const withGap = new Int16Array(2000);
    withGap.set(signal.subarray(0, 320), 50);
    withGap.set(signal.subarray(320), 50 + 320 + 160); // an underrun put 20 ms of silence in
    expect(matchFrames(withGap, signal, 160)).toEqual({ intact: 4, gaps: 1, firstMissing: -1, offset: 50 });
    const missing = new Int16Array(2000);
    missing.set(signal.subarray(0, 160), 0);
    missing.set(signal.subarray(320), 160); // frame 1 dropped
    expect(matchFrames(missing, signal, 160)).toMatchObject({ intact: 1, firstMissing: 1 });
  });

  it('measures a tone: its amplitude, and the energy elsewhere when another frequency is mixed in', () => {
    const clean = measureTone(tone(1000, 8000, 8000, 4000), 1000, 8000);
    expect(clean.amplitude).toBeCloseTo(8000, -1);
    expect(clean.residualDb).toBeLessThan(-60);
    const a = tone(1000, 8000, 8000, 4000);
    const b = tone(1300, 800, 8000, 4000); // 20 dB below
    const mixed = measureTone(a.map((v, i) => v + b[i]!), 1000, 8000);
    expect(mixed.residualDb).toBeGreaterThan(-21);
    expect(mixed.residualDb).toBeLessThan(-19);
  });

  it('picks result lines out of a console with other output around them', () => {
    const text = `noise\r\n${formatResult('a', { ok: true, n: 1 })}\r\n[ 9.1] kernel says hi\n${formatResult('b', { ok: false, error: 'x' })}\n`;
    const results = parseResults(text);
    expect(results.get('a')).toEqual({ ok: true, n: 1 });
    expect(results.get('b')).toEqual({ ok: false, error: 'x' });
  });
});

describe('host end of the guest UART', () => {
  it('answers each chunk through its reply function and gives up waiting when the VM hangs up', async () => {
    const peer = await UartPeer.listen((chunk) => Buffer.from([...chunk].map((b) => b ^ 0xff)));
    const guest = connect(peer.path);
    try {
      const echoed = new Promise<Buffer>((resolve) => guest.once('data', resolve));
      guest.write(Buffer.from([0x00, 0x0f, 0xff]));
      expect([...(await echoed)]).toEqual([0xff, 0xf0, 0x00]);
      guest.write('login: ');
      expect(await peer.waitForText('login: ', 0, 5_000)).toBe(3 + 'login: '.length);
      const never = peer.waitForText('Password: ', 0, 60_000);
      peer.hangUp('the VM powered off');
      await expect(never).rejects.toThrow(/the VM powered off/);
    } finally {
      guest.destroy();
      await peer.close();
    }
  });
});
