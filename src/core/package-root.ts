/**
 * The folder sockshell is installed in (the one with its package.json, lessons/ and dist/), found from
 * a module's own URL. A module runs from three places at different depths: src/ (vitest, tsx),
 * dist/modules/ (tsc's output, one level deeper) and the bundle (whose import.meta.url is the source
 * file's, as if src/ were beside dist/). A fixed '../' was right for two of them; this walks up from
 * wherever the module is to the first package.json that is sockshell's.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** sockshell's package.json, as far as we read it. */
export interface PackageJson {
  readonly name: string;
  readonly version: string;
}

/** The installed folder and its package.json, walking up from moduleUrl (import.meta.url); null if none is found. */
export function packageRoot(moduleUrl: string): { readonly dir: string; readonly pkg: PackageJson } | null {
  let dir = dirname(fileURLToPath(moduleUrl));
  for (;;) {
    const pkg = readPackage(join(dir, 'package.json'));
    if (pkg !== null) return { dir, pkg };
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

function readPackage(path: string): PackageJson | null {
  try {
    const pkg = JSON.parse(readFileSync(path, 'utf8')) as Partial<PackageJson>;
    // dist/package.json and dist/modules/package.json only say the module type.
    return pkg.name === 'sockshell' && typeof pkg.version === 'string' ? { name: pkg.name, version: pkg.version } : null;
  } catch {
    return null;
  }
}
