import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

// Three tiers (DESIGN.md): unit (pure code, FakeClock), integration and interop
// (127.0.0.1, real peers). `npm test` runs them all; interop tests skip with a
// reason when a peer is not installed, unless DESKPHONE_REQUIRE_INTEROP=1 (CI).
export default defineConfig({
  root,
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/interop/**', 'test/e2e/**', '**/*.integration.test.ts', 'node_modules/**'],
          testTimeout: 15_000,
          // Unit tests first, then the interop tests on their own: real peers and
          // real-time audio must not share 2 cores with fast-check and the VM build.
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'interop',
          // *.integration.test.ts: real sockets, worker threads or child builds beside the unit tests
          // they belong to, run here so they never compete with the unit run for the 2 cores.
          include: ['test/interop/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/**/*.integration.test.ts'],
          sequence: { groupOrder: 1 },
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Real peers bind ports and spawn processes: keep files sequential so two
          // suites never race for the same daemon or CPU on a 2-core machine.
          fileParallelism: false,
        },
      },
    ],
  },
});
