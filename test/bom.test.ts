import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../src/commands/check.js';
import { runScript } from '../src/run/script.js';
import { capturedIo } from './helpers/piped.js';

/** Issue 17 item 17: a UTF-8 byte order mark at a script's start gave "unknown command 'print'; did you mean 'print'?". */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-bom-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a byte order mark at the start of a script', () => {
  it('is not part of the first command, and columns count from after it', () => {
    const r = compile('\uFEFFprint hi\nbogus 1\n');
    expect(r.diagnostics.map((d) => [d.message.split(';')[0], d.span.line, d.span.col])).toEqual([["unknown command 'bogus'", 2, 1]]);
    expect(compile('\uFEFFprint hi\n').diagnostics).toEqual([]);
  });

  it('sockshell run: the script runs', async () => {
    const file = join(dir, 'bom.sock');
    writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('print hi\n')]));
    const { io, out, err } = capturedIo('');
    const status = await runScript(file, io, { overrides: new Map(), verbose: false, signal: new AbortController().signal });
    expect({ status, out: out(), err: err() }).toEqual({ status: 0, out: 'hi\n', err: '' });
  });

  it('elsewhere it is still a character of the line', () => {
    expect(compile('print hi\n\uFEFFprint ho\n').diagnostics).toHaveLength(1);
  });
});
