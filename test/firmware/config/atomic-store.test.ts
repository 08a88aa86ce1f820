import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonStore, parseConfigText, updateConfigFile, writeFileAtomic, ConfigError } from '../../../firmware/config/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deskphone-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('atomic writes', () => {
  it('replaces a file whole and leaves no temp file behind', async () => {
    const file = join(dir, 'calls.json');
    await writeFile(file, 'old');
    await writeFileAtomic(file, 'new contents');
    expect(await readFile(file, 'utf8')).toBe('new contents');
    expect(await readdir(dir)).toEqual(['calls.json']);
  });

  it('keeps the old file when the write fails', async () => {
    const file = join(dir, 'missing-dir-is-a-file', 'x.json');
    await writeFile(join(dir, 'missing-dir-is-a-file'), 'I am a file, not a directory');
    await expect(writeFileAtomic(file, 'data')).rejects.toThrow();
    expect(await readFile(join(dir, 'missing-dir-is-a-file'), 'utf8')).toBe('I am a file, not a directory');
  });

  it('serialises concurrent saves: the last one wins and the file is always whole JSON', async () => {
    const store = new JsonStore<number[]>(join(dir, 'log.json'), () => []);
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.save(Array.from({ length: 1000 }, () => i))));
    const saved = await store.load();
    expect(saved).toHaveLength(1000);
    expect(new Set(saved)).toEqual(new Set([19]));
  });

  it('sets a corrupt file aside instead of overwriting the user’s data', async () => {
    const file = join(dir, 'contacts.json');
    await writeFile(file, '{"half": ');
    const kept: string[] = [];
    const store = new JsonStore(file, () => ({ contacts: [] }), (_err, keptAs) => kept.push(keptAs));
    expect(await store.load()).toEqual({ contacts: [] });
    expect(kept).toHaveLength(1);
    expect(await readFile(kept[0]!, 'utf8')).toBe('{"half": ');
  });
});

describe('changing one config key', () => {
  it('writes the new value and keeps the admin’s comments', async () => {
    const file = join(dir, 'phone.yaml');
    const text = '# my phone\naudio:\n  volumes:\n    handset: 70 # comfortable\n';
    await writeFile(file, text);
    const loaded = parseConfigText(text, file);
    const next = await updateConfigFile(loaded, ['audio', 'volumes', 'handset'], 85);
    expect(next.config.audio.volumes.handset).toBe(85);
    const written = await readFile(file, 'utf8');
    expect(written).toContain('# my phone');
    expect(written).toMatch(/handset: 85/);
  });

  it('refuses a value that would make the file invalid and leaves it untouched', async () => {
    const file = join(dir, 'phone.yaml');
    await writeFile(file, 'toneRegion: us\n');
    const loaded = parseConfigText('toneRegion: us\n', file);
    await expect(updateConfigFile(loaded, ['toneRegion'], 'xx')).rejects.toBeInstanceOf(ConfigError);
    expect(await readFile(file, 'utf8')).toBe('toneRegion: us\n');
  });
});
