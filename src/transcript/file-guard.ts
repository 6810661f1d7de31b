import { realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve } from 'node:path';

/**
 * `sockshell test` runs a transcript as a program that may have come from anywhere, so by default
 * it may touch files only inside its own folder: `file`, `sendfile`, `recvfile`, `run`, `export`,
 * `save` and `diagram --svg` name a path, and a path that leads outside (`/etc/hostname`,
 * `../../.bashrc`, a symbolic link that points out) is refused before the command runs.
 * `--allow-files` lifts it.
 */
export function folderGuard(folder: string): (path: string) => string | null {
  const root = real(resolve(folder));
  return (path) => {
    const target = real(resolve(path));
    const inside = relative(root, target);
    if (path === '-') return null; // save -: standard output, not a file
    if (inside === '' || (!inside.startsWith('..') && !isAbsolute(inside))) return null;
    return `${path} is outside the transcript's folder (${folder}): sockshell test lets a transcript touch only files in its own folder; --allow-files lifts this`;
  };
}

/** The path with every symbolic link of its existing part resolved; the rest (a file to create) as written. */
function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    const parent = dirname(path);
    if (parent === path) return path;
    return resolve(real(parent), basename(path));
  }
}
