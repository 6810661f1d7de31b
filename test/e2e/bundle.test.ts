/**
 * The built command line (tools/build.mjs): dist/cli.js runs one bundled file with V8's code cache,
 * remakes a missing or stale cache by itself, and still shows stack frames at their place in src/.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runProcess, sockshell } from '../helpers/proc.js';

const DIST = join(ROOT, 'dist');
const scratch = mkdtempSync(join(tmpdir(), 'sockshell-bundle-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const empty = join(scratch, 'empty.sock');
writeFileSync(empty, '');

describe('the bundled command line', () => {
  it('is one file with its source map and a code cache, and runs', async () => {
    for (const file of ['cli.js', 'sockshell.cjs', 'sockshell.cjs.map', 'sockshell.v8cache'])
      expect(existsSync(join(DIST, file)), file).toBe(true);
    const run = await sockshell(['run', empty]);
    expect(run).toMatchObject({ status: 0, stdout: '', stderr: '' });
    expect((await sockshell(['--version'])).stdout).toMatch(/^sockshell \d+\.\d+\.\d+\n$/);
  });

  it('is ASCII, which the launcher reads as latin1, and its non-ASCII text still reads as written', async () => {
    expect(/[^\x00-\x7f]/.exec(readFileSync(join(DIST, 'sockshell.cjs'), 'latin1'))).toBeNull();
    // The command line's words for an engine error are found by a regular expression holding a dash
    // (src/run/stream-words.ts): 192.0.2.1 (TEST-NET-1) is no address of this host.
    const run = await sockshell(['listen', '192.0.2.1', '40000'], { input: '' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('192.0.2.1 is not an address of this host — leave HOST out (every interface), or give 127.0.0.1');
  });

  it("finds sockshell's package.json and lessons/ from tsc's modules too, one folder deeper than the bundle", async () => {
    const modules = join(DIST, 'modules/cli.js');
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    expect((await runProcess(process.execPath, [modules, '--version'])).stdout).toBe(`sockshell ${version}\n`);
    expect((await sockshell(['--version'])).stdout).toBe(`sockshell ${version}\n`);
    const lessons = await runProcess(process.execPath, [modules], { input: 'lesson\n' });
    expect(lessons.stdout).toMatch(/^ {2}udp {3}UDP: /m);
  });

  it("leaves Node's socket, stream and terminal modules unloaded until used: a run of an empty script loads none", async () => {
    // A preload that writes, at exit, the built-in modules the process loaded (process.moduleLoadList).
    const preload = join(scratch, 'loaded.cjs');
    const list = join(scratch, 'loaded.txt');
    writeFileSync(
      preload,
      `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(list)}, process.moduleLoadList.join('\\n')));\n`,
    );
    const loaded = async (args: string[]): Promise<Set<string>> => {
      const run = await runProcess(process.execPath, ['-r', preload, join(DIST, 'cli.js'), ...args], { input: '' });
      expect(run).toMatchObject({ status: 0, stderr: '' });
      return new Set(readFileSync(list, 'utf8').split('\n'));
    };
    const heavy = ['net', 'dgram', 'dns', 'stream', 'readline', 'fs/promises', 'os', 'tty'].map((m) => `NativeModule ${m}`);
    const empty_ = await loaded(['run', empty]);
    expect(heavy.filter((m) => empty_.has(m))).toEqual([]);
    // The same modules are there as soon as a script uses them: a print makes stdout (a pipe here).
    const hello = join(scratch, 'hello.sock');
    writeFileSync(hello, 'print "hi"\n');
    const used = await loaded(['run', hello]);
    expect(['NativeModule net', 'NativeModule stream'].filter((m) => !used.has(m))).toEqual([]);
  });

  it('loads the native addon at the first socket, not at start-up, and keeps to the event loop when it will not load then', async () => {
    // A preload that notes each native module the process opens (require of a .node file goes through process.dlopen).
    const preload = join(scratch, 'dlopen.cjs');
    const list = join(scratch, 'dlopen.txt');
    writeFileSync(
      preload,
      `const fs = require('node:fs'); const open = process.dlopen; fs.writeFileSync(${JSON.stringify(list)}, '');
       process.dlopen = function (...a) { fs.appendFileSync(${JSON.stringify(list)}, a[1] + '\\n'); return open.apply(this, a); };\n`,
    );
    const echo = join(scratch, 'echo.sock');
    writeFileSync(
      echo,
      'v = udp.bind 127.0.0.1 0\na = v.getsockname\nc = udp.socket\nc.sendto "ping" $a\nm, who = v.recvfrom 2048\nprint $m\n',
    );
    const opened = async (cli: string, script: string): Promise<string[]> => {
      const run = await runProcess(process.execPath, ['-r', preload, cli, 'run', script], { input: '' });
      expect(run).toMatchObject({ status: 0, stderr: '', stdout: script === echo ? 'ping\n' : '' });
      return readFileSync(list, 'utf8')
        .split('\n')
        .filter((f) => f.endsWith('sockshell.node'));
    };
    expect(await opened(join(DIST, 'cli.js'), empty)).toEqual([]);
    expect(await opened(join(DIST, 'cli.js'), echo)).toEqual([join(DIST, 'native/sockshell.node')]);
    // A copy whose addon is no shared object: the first socket's load fails, and the script runs on the event loop, saying nothing.
    const dir = join(scratch, 'broken/dist');
    mkdirSync(join(dir, 'native'), { recursive: true });
    for (const file of ['cli.js', 'package.json', 'sockshell.cjs', 'sockshell.cjs.map']) copyFileSync(join(DIST, file), join(dir, file));
    writeFileSync(join(dir, 'native/sockshell.node'), 'not a shared object');
    expect(await opened(join(dir, 'cli.js'), echo)).toEqual([join(dir, 'native/sockshell.node')]);
  });

  it('makes the code cache when it is missing, and again when it is stale', async () => {
    const dir = join(scratch, 'copy');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const file of ['cli.js', 'package.json', 'sockshell.cjs', 'sockshell.cjs.map']) copyFileSync(join(DIST, file), join(dir, file));
    const cache = join(dir, 'sockshell.v8cache');
    expect(existsSync(cache)).toBe(false);
    expect(await runProcess(process.execPath, [join(dir, 'cli.js'), 'run', empty])).toMatchObject({ status: 0, stderr: '' });
    expect(readFileSync(cache).length).toBeGreaterThan(10_000);
    writeFileSync(cache, 'not a code cache');
    expect(await runProcess(process.execPath, [join(dir, 'cli.js'), 'run', empty])).toMatchObject({ status: 0, stderr: '' });
    expect(readFileSync(cache).length).toBeGreaterThan(10_000);
  });

  it('formats a stack frame in the bundle at its place in src/', async () => {
    // The launcher's stack formatter, given a frame at the place in the bundle where cli.ts reports an
    // internal error: the frame names src/cli.ts and the line there that holds the same text.
    const bundle = readFileSync(join(DIST, 'sockshell.cjs'), 'utf8');
    const needle = 'sockshell: internal error: ';
    const offset = bundle.indexOf(needle);
    expect(offset).toBeGreaterThan(0);
    const before = bundle.slice(0, offset).split('\n');
    const line = before.length;
    const column = before[before.length - 1]!.length + 1;
    const probe = `
      process.argv = [process.argv[0], ${JSON.stringify(join(DIST, 'cli.js'))}, '--version'];
      require(${JSON.stringify(join(DIST, 'cli.js'))});
      const file = ${JSON.stringify(join(DIST, 'sockshell.cjs'))};
      const frame = { getFileName: () => file, getLineNumber: () => ${line}, getColumnNumber: () => ${column},
        toString: () => 'main (' + file + ':${line}:${column})' };
      console.log(Error.prepareStackTrace(new Error('boom'), [frame]));`;
    const run = await runProcess(process.execPath, ['-e', probe]);
    expect(run.stderr).toBe('');
    const [header, at] = run.stdout.split('\n').slice(1);
    expect(header).toBe('Error: boom');
    const place = /\(([^()]*src\/cli\.ts):(\d+):\d+\)$/.exec(at ?? '');
    expect(place, at).not.toBeNull();
    const cliLine = readFileSync(join(ROOT, 'src/cli.ts'), 'utf8').split('\n')[Number(place![2]) - 1];
    expect(cliLine).toContain('sockshell: internal error: ');
  });
});
