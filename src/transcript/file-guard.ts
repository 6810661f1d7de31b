import { realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FileAccess } from '../spec/services.js';

/**
 * sockshell's own example scripts (scripts/UDPServer.sock and the other three textbook programs,
 * beside src/ and dist/): a transcript may read and run them, never write there. They ship with
 * sockshell and hold nothing of the user's, so reading them gives a transcript nothing it could not
 * have copied; project transcripts run them as the textbook runs its programs.
 */
export const SHIPPED_SCRIPTS = fileURLToPath(new URL('../../scripts/', import.meta.url));

/**
 * `sockshell test` runs a transcript as a program that may have come from anywhere, so by default
 * it may touch files only inside its own folder: `file`, `sendfile`, `recvfile`, `run`, `export`,
 * `save` and `diagram --svg` name a path, and a path that leads outside (`/etc/hostname`,
 * `../../.bashrc`, a symbolic link that points out) is refused before the command runs. Folders in
 * `readable` (SHIPPED_SCRIPTS) may be read, not written. `--allow-files` lifts it all.
 */
export function folderGuard(
  folder: string,
  readable: readonly string[] = [SHIPPED_SCRIPTS],
): (path: string, access: FileAccess) => string | null {
  const root = real(resolve(folder));
  const readRoots = readable.map((r) => real(resolve(r)));
  return (path, access) => {
    if (path === '-') return null; // save -: standard output, not a file
    const target = real(resolve(path));
    if (within(root, target)) return null;
    if (access === 'read' && readRoots.some((r) => within(r, target))) return null;
    const shipped = readRoots.some((r) => within(r, target)) ? ` (sockshell's own scripts may be read, not written)` : '';
    return `${path} is outside the transcript's folder (${folder})${shipped}: sockshell test lets a transcript touch only files in its own folder; --allow-files lifts this`;
  };
}

/** target is root or below it (both with their symbolic links resolved). */
function within(root: string, target: string): boolean {
  const inside = relative(root, target);
  return inside === '' || (!inside.startsWith('..') && !isAbsolute(inside));
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
