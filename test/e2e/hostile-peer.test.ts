import { spawn, spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { bareLiteral, bytes, repr } from '../../src/lang/values.js';
import { runScript } from '../../src/run/script.js';
import { CLI, ROOT } from '../helpers/proc.js';
import { ReplDriver } from '../helpers/repl-driver.js';
import { HANG_MS } from '../helpers/wait.js';

/**
 * A hostile peer cannot take over the terminal. It answers every datagram with one of the payloads
 * below; whatever path the bytes take to a terminal (a value, print, a notice, an error quoting
 * them) they arrive escaped, as Python's b'…' shows them. Only `--raw` lets print write them as
 * they are, and only the person starting sockshell can give it.
 */
const PAYLOADS: [what: string, bytes: Buffer, escaped: string][] = [
  ['ANSI clear screen and colour', Buffer.from('\x1b[2J\x1b[31mred'), '\\x1b[2J\\x1b[31mred'],
  ['OSC window title ended by BEL', Buffer.from('\x1b]0;pwned\x07'), '\\x1b]0;pwned\\x07'],
  ['BEL', Buffer.from('ding\x07'), 'ding\\x07'],
  ['backspaces over text', Buffer.from('rm -rf\x08\x08\x08\x08\x08\x08ls'), 'rm -rf\\x08\\x08\\x08\\x08\\x08\\x08ls'],
  ['NUL', Buffer.from('a\x00b'), 'a\\x00b'],
  ['carriage return over the line', Buffer.from('safe\rEVIL'), 'safe\\rEVIL'],
  ['invalid UTF-8', Buffer.from([0x61, 0xff, 0xfe, 0xc3]), 'a\\xff\\xfe\\xc3'],
  ['C1 CSI (U+009B)', Buffer.from('\u009b2J'), '\\u009b2J'],
  ['bidi override (U+202E)', Buffer.from('\u202eevil'), '\\u202eevil'],
  ['DEL', Buffer.from('x\x7f'), 'x\\x7f'],
];

/** Every byte a terminal would see: nothing but printable text, spaces, tabs and newlines. */
function plain(text: string): boolean {
  return !/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/.test(text);
}

let peer: dgram.Socket;
let peerPort = 0;
/** Which payload the peer sends back: the datagram it gets names its index. */
beforeAll(async () => {
  peer = dgram.createSocket('udp4');
  peer.on('message', (m, r) => peer.send(PAYLOADS[Number(m.toString())]![1], r.port, r.address));
  await new Promise<void>((r) => peer.bind(0, '127.0.0.1', r));
  peerPort = peer.address().port;
});
afterAll(() => peer.close());

describe('the interactive shell shows received bytes escaped', () => {
  let repl: ReplDriver;
  beforeAll(async () => {
    repl = new ReplDriver();
    await repl.type('s = udp.socket');
  });
  afterAll(() => repl.close());

  it.each(PAYLOADS.map((p, i) => [p[0], i, p[2]] as const))('%s', async (_what, index, escaped) => {
    const before = repl.out.length;
    await repl.type(`s.sendto ${index} 127.0.0.1 ${peerPort}`);
    await repl.until(() => /is waiting; recvfrom will return it/.test(repl.out.slice(before)), 'the notice');
    await repl.type('m, a = s.recvfrom 2048');
    expect((await repl.type('$m')).out).toBe(`${repr(bytes(PAYLOADS[index]![1]))}\n`);
    expect((await repl.type('print $m')).out).toBe(`${escaped}\n`);
    expect((await repl.type('expect $m == x')).err).toContain(`expected 'x', got ${repr(bytes(PAYLOADS[index]![1]))}`);
    const written = repl.out + repl.err;
    expect(plain(written), JSON.stringify(written)).toBe(true);
  });
});

describe('every way the shell can show received bytes stays plain', () => {
  it('trace, hexdump, display text and hex, diagram, sockets: all payloads at once', async () => {
    const repl = new ReplDriver();
    try {
      await repl.type('trace on');
      await repl.type('s = udp.socket');
      for (const [i] of PAYLOADS.entries()) {
        await repl.type(`s.sendto ${i} 127.0.0.1 ${peerPort}`);
        await repl.type(`m${i}, a = s.recvfrom 2048`);
      }
      for (const line of [
        'display text',
        ...PAYLOADS.map((_, i) => `$m${i}`),
        'display hex',
        '$m0',
        ...PAYLOADS.map((_, i) => `hexdump $m${i}`),
        'diagram',
        'sockets',
      ]) {
        await repl.type(line);
      }
      const written = repl.out + repl.err;
      expect(written).toContain('\\x1b[2J'); // the trace shows the payload, escaped
      expect(plain(written), JSON.stringify(written)).toBe(true);
    } finally {
      await repl.close();
    }
  });
});

describe('print in a script: decoded text, escaped on a terminal unless --raw', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sockshell-hostile-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'client.sock');
  writeFileSync(
    file,
    's = udp.socket\ns.sendto $i 127.0.0.1 $port\nm, a = s.recvfrom 2048\nprint $m\ns.sendto $i 127.0.0.1 $port\nm, a = s.recvfrom 2048\nx = input $m\n',
  );

  /** Runs the script with stdout a terminal (isTTY) or a pipe; returns what stdout got, as bytes. */
  async function run(index: number, tty: boolean, raw = false): Promise<Buffer> {
    const stdout = Object.assign(new PassThrough(), { isTTY: tty });
    const stderr = new PassThrough();
    const chunks: Buffer[] = [];
    stdout.on('data', (d: Buffer) => chunks.push(d));
    const stdin = new PassThrough();
    stdin.end('typed\n');
    const overrides = new Map([
      ['i', bareLiteral(String(index))],
      ['port', bareLiteral(String(peerPort))],
    ]);
    const status = await runScript(
      file,
      { stdin, stdout, stderr },
      { overrides, verbose: false, raw, signal: new AbortController().signal },
    );
    expect(status).toBe(0);
    return Buffer.concat(chunks);
  }

  it.each(PAYLOADS.map((p, i) => [p[0], i] as const))('%s', async (_what, index) => {
    const [, sent, escaped] = PAYLOADS[index]!;
    // On a terminal: print's line escaped; input's prompt shows the same bytes decoded, also plain.
    const [printed, prompt] = (await run(index, true)).toString().split('\n');
    expect(printed).toBe(escaped);
    expect(plain(prompt!), JSON.stringify(prompt)).toBe(true);
    // Into a pipe: exactly the bytes, as print(x.decode()) would write them; then the prompt, as input() writes it there too.
    const piped = await run(index, false);
    expect(piped.subarray(0, sent.length + 1)).toEqual(Buffer.concat([sent, Buffer.from('\n')]));
    expect(piped.subarray(sent.length + 1).toString()).toBe(sent.toString());
    // --raw on a terminal: print's bytes as they are; the prompt is still escaped.
    const raw = await run(index, true, true);
    expect(raw.subarray(0, sent.length + 1)).toEqual(Buffer.concat([sent, Buffer.from('\n')]));
    expect(raw.subarray(sent.length + 1).toString()).toBe(prompt);
  });
});

const hasScript = spawnSync('script', ['--version']).status === 0;

describe.runIf(hasScript)('at a real terminal (a pty from util-linux script)', () => {
  /** Runs `sockshell run ARGS` on a pty; returns every byte the terminal got. */
  function onTerminal(args: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn('script', ['-qfec', `${process.execPath} ${CLI} ${args}`, '/dev/null'], {
        cwd: ROOT,
        env: { ...process.env, TERM: 'dumb', NO_COLOR: '1' },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let screen = '';
      child.stdout.on('data', (d: Buffer) => (screen += d.toString('latin1')));
      const timer = setTimeout(() => {
        if (child.pid) process.kill(child.pid, 'SIGKILL');
        reject(new Error(`no end; screen=${JSON.stringify(screen)}`));
      }, HANG_MS); // a hang; 8 s here decided the verdict on a loaded machine
      // 'close': the screen is whole only once script's output is all read, which 'exit' does not promise.
      child.on('close', () => {
        clearTimeout(timer);
        resolve(screen);
      });
      child.stdin.end();
    });
  }

  it('escapes an ANSI payload on the terminal, and writes it raw with --raw', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sockshell-hostile-pty-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'print.sock');
    writeFileSync(file, `s = udp.socket\ns.sendto 0 127.0.0.1 ${peerPort}\nm, a = s.recvfrom 2048\nprint $m\n`);
    const escaped = await onTerminal(`run ${file}`);
    expect(escaped).toContain('\\x1b[2J\\x1b[31mred');
    expect(escaped).not.toContain('\x1b[2J');
    const raw = await onTerminal(`run --raw ${file}`);
    expect(raw).toContain('\x1b[2J\x1b[31mred');
  });
});
