#!/usr/bin/env node
// The `deskphone` command. In a checkout it runs the TypeScript sources through
// tsx (a development dependency); a release for the device ships dist/ without
// the sources, and runs the compiled build.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const source = fileURLToPath(new URL('../firmware/cli/run.ts', import.meta.url));
const built = fileURLToPath(new URL('../dist/firmware/cli/run.js', import.meta.url));
let entry;
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  entry = pathToFileURL(source).href;
} else if (existsSync(built)) {
  entry = pathToFileURL(built).href;
} else {
  console.error('deskphone: neither firmware/ sources nor a dist/ build found (run npm run build)');
  process.exit(1);
}
const { run } = await import(entry);
const code = await run(process.argv.slice(2));
if (code !== 0) process.exitCode = code;
