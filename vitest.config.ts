import { defineConfig } from 'vitest/config';

/**
 * Two projects. `unit` runs in-process over real loopback sockets and finishes in seconds; `e2e` starts
 * processes (the built CLI, python3 peers, a pty) and gets a build of `src/` first and longer limits.
 * The limits are generous on purpose: tests wait on conditions, and a limit only ends a hang. A busy
 * 2-core machine can make a subprocess test take ten times its idle time.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**'],
          globalSetup: ['test/setup/python-path.ts'],
          setupFiles: ['test/setup/reap.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/setup/python-path.ts', 'test/setup/build.ts'],
          setupFiles: ['test/setup/reap.ts'],
          testTimeout: 180_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
