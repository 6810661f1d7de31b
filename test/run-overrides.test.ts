import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runScript } from '../src/run/script.js';
import { int, type Value } from '../src/lang/values.js';
import { capturedIo } from './helpers/piped.js';

/**
 * `sockshell run FILE NAME=VALUE`: the warning that an override "sets nothing" is for a name the
 * script neither assigns nor reads. A script that reads $port without assigning it takes port=… as its
 * value (user trial 5: `run ping.sock port=14599` warned "sets nothing", then connected to 14599).
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-overrides-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(source: string, overrides: [string, Value][]): Promise<{ status: number; out: string; err: string }> {
  const file = join(dir, 'script.sock');
  writeFileSync(file, source);
  const { io, out, err } = capturedIo('');
  const status = await runScript(file, io, { overrides: new Map(overrides), verbose: false, signal: new AbortController().signal });
  return { status, out: out(), err: err().replaceAll(file, 'FILE') };
}

describe('run NAME=VALUE', () => {
  it('gives a value to a name the script reads without assigning it, and warns of nothing', async () => {
    expect(await run('print "port is $port"\n', [['port', int(14599)]])).toEqual({ status: 0, out: 'port is 14599\n', err: '' });
  });

  it('warns of a name the script never reads nor assigns, with the near spelling it has', async () => {
    const r = await run('serverPort = 12000\nprint $serverPort\n', [['serverport', int(1)]]);
    expect(r).toEqual({
      status: 0,
      out: '12000\n',
      err: 'warning: serverport=… sets nothing: FILE never assigns nor reads serverport; did you mean serverPort?\n',
    });
  });

  it('names a near spelling the script only reads', async () => {
    const r = await run('print $Port\n', [
      ['port', int(1)],
      ['Port', int(2)],
    ]);
    expect(r).toEqual({
      status: 0,
      out: '2\n',
      err: 'warning: port=… sets nothing: FILE never assigns nor reads port; did you mean Port?\n',
    });
  });
});
