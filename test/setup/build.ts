import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * vitest globalSetup for the end-to-end tests: they run `dist/`, so build it fresh from `src/` first,
 * with the same clean build as `npm run build`. Without this, `npx vitest` after an edit would test
 * the previous build in half the suite.
 */
export default function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  rmSync(`${root}dist`, { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const built = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`the build failed, so the end-to-end tests cannot run:\n${built.stdout}${built.stderr}`);
}
