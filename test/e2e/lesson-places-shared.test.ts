import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, runProcess } from '../helpers/proc.js';

/**
 * Two terminals of one lesson (`lesson tcp --server`, `lesson tcp --client`) keep their places in one
 * lessons.json, and a network event moves both at the same moment (the client's connect, the
 * server's accept-queue step). Seen in tmux: the server's place went back a step, because the client's
 * shell wrote back what it had read just before the server's write. Here two processes each write
 * their own key many times at once; each key must end at its own last write.
 */

const MODULE = pathToFileURL(join(ROOT, 'dist', 'modules', 'commands', 'lesson-places.js')).href;
const WRITES = 300;

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('lesson places written by two shells at once', () => {
  it('neither loses the other one’s place', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sockshell-places-'));
    const file = join(dir, 'sockshell', 'lessons.json');
    const writer = (key: string) =>
      runProcess(process.execPath, [
        '--input-type=module',
        '-e',
        `const { writePlace } = await import(${JSON.stringify(MODULE)});
         for (let at = 1; at <= ${WRITES}; at++) writePlace(${JSON.stringify(file)}, ${JSON.stringify(key)}, { at, typed: [] });`,
      ]);
    const done = await Promise.all([writer('tcp --server'), writer('tcp --client')]);
    for (const d of done) expect(d.status, d.stderr).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      'tcp --server': { at: WRITES, typed: [] },
      'tcp --client': { at: WRITES, typed: [] },
    });
  });
});
