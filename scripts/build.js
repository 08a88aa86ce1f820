#!/usr/bin/env node
// `npm run build`: compiles firmware/, hal/ and board/ to dist/ for the device,
// one .js per .ts (no bundling: the media worker and the lazily loaded hardware
// drivers are found by their paths at run time, and the native packages stay in
// node_modules). Type checking is `npm run typecheck`'s job; this only transpiles.
import { build } from 'esbuild';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const sources = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) sources.push(relative(root, p));
  }
};
for (const top of ['firmware', 'hal', 'board']) walk(join(root, top));

rmSync(join(root, 'dist'), { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: sources,
  outdir: 'dist',
  outbase: '.',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
});
console.log(`build: ${sources.length} files → dist/ (run with: node scripts/deskphone.js start)`);
