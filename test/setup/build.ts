import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * vitest globalSetup for the end-to-end tests: they run `dist/`, so build it fresh from `src/` first,
 * with `npm run build` itself (tools/build.mjs). Without this, `npx vitest` after an edit would test
 * the previous build in half the suite.
 */
export default function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const built = spawnSync(process.execPath, ['tools/build.mjs'], { cwd: root, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`the build failed, so the end-to-end tests cannot run:\n${built.stdout}${built.stderr}`);
}
