import dgram from 'node:dgram';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTerminalSafe } from '../../src/render/terminal.js';
import type { ShellLine } from '../../src/repl/view.js';
import { CoreDriver } from '../helpers/core-driver.js';
import { guardLoopback, type Guard } from '../helpers/loopback-guard.js';
import { sessionEntry } from './session-lines.js';
import { oneLine, SCALE, SEED } from './settings.js';

/**
 * A live session under a barrage of generated and mutated lines, with real sockets on loopback: a
 * UDP echo peer, a TCP echo peer, a closed port, and the session's own servers. Passes only if no
 * exception escapes, no command hangs past its Ctrl-C, every line shown is safe for a terminal, and
 * every error is one line with a position (a caret under the column, or FILE:LINE:COL).
 */
const LINES = 5000 * SCALE;

/**
 * Where an error points: a caret, a FILE:LINE:COL, or, for a job started at the prompt, its job
 * number (its `[N] failed: COMMAND` line names the command; `<repl>:1:1` named nothing).
 */
const HAS_POSITION = [/^ *\^+ \S/, /^error: .+?:\d+:\d+: \S/, /^\[\d+\] .+?:\d+:\d+: \S/, /^\[\d+\] (?!<repl>)\S/];

let guard: Guard;
let udpEcho: dgram.Socket;
let tcpEcho: net.Server;
let dir: string;
let home: string;
const uncaught: unknown[] = [];
const onUncaught = (e: unknown) => uncaught.push(e);

beforeAll(async () => {
  guard = guardLoopback();
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
  udpEcho = dgram.createSocket('udp4');
  udpEcho.on('message', (m, r) => udpEcho.send(m, r.port, r.address));
  await new Promise<void>((r) => udpEcho.bind(0, '127.0.0.1', r));
  tcpEcho = net.createServer({ allowHalfOpen: true }, (c) => {
    c.on('error', () => undefined);
    c.on('data', (d) => c.write(d));
    c.on('end', () => c.end());
  });
  await new Promise<void>((r) => tcpEcho.listen(0, '127.0.0.1', r));
  dir = mkdtempSync(join(tmpdir(), 'sockshell-fuzz-'));
  // Commands that write files (export FILE, diagram --svg FILE) get random names: they land here.
  home = process.cwd();
  process.chdir(dir);
  writeFileSync(join(dir, 'fixture.sock'), 'print "fixture ran"\nf = udp.socket\nrepeat 2\n  f.sendto hi 127.0.0.1 $CP\nend\n');
});

afterAll(async () => {
  process.chdir(home);
  guard.remove();
  process.off('uncaughtException', onUncaught);
  process.off('unhandledRejection', onUncaught);
  udpEcho.close();
  await new Promise((r) => tcpEcho.close(r));
  rmSync(dir, { recursive: true, force: true });
});

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** Sockets under capital names the barrage talks to; set up again now and then, as it closes them. */
async function fixture(shell: CoreDriver, cp: number): Promise<void> {
  const engine = shell.core.session.engine;
  await bounded(shell.core.session.jobs.killAll(), 5000, 'killing every job');
  for (const s of engine.list()) engine.close({ name: s.name, serial: s.serial });
  await shell.ok(
    'U = udp.bind 127.0.0.1 0',
    'UA = U.getsockname',
    'T = tcp.listen 127.0.0.1 0',
    'TA = T.getsockname',
    'U6 = udp.bind -6 ::1 0',
    'U6A = U6.getsockname',
    `EP = ${udpEcho.address().port}`,
    `ETP = ${(tcpEcho.address() as net.AddressInfo).port}`,
    `CP = ${cp}`,
    `FIX = '${join(dir, 'fixture.sock')}'`,
    'n = 2',
    'm = hello',
  );
}

/** Fails instead of hanging when p does not settle in ms. */
async function bounded<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`hang: ${what} took over ${ms} ms`)), ms)));
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

function check(entry: readonly string[], lines: readonly ShellLine[]): void {
  for (const l of lines) {
    const where = `${JSON.stringify(entry)} → ${JSON.stringify(l.text)}`;
    if (!isTerminalSafe(l.text)) throw new Error(`raw control bytes: ${where}`);
    if (/internal error/.test(l.text)) throw new Error(`internal error: ${where}`);
    if (l.style !== 'error') continue;
    if (!oneLine(l.text)) throw new Error(`error not one line: ${where}`);
    if (!HAS_POSITION.some((re) => re.test(l.text))) throw new Error(`error without a position: ${where}`);
  }
}

describe('session fuzz', () => {
  it(
    `${LINES} generated and mutated lines against real sockets: no crash, no hang, one-line errors with positions`,
    async () => {
      let inputs = 0;
      const shell = new CoreDriver({ maxWaitMs: 20, readLine: async () => (++inputs % 2 === 0 ? null : 'typed \x1b[31m text') });
      const cp = await closedPort();
      const entries = fc.sample(sessionEntry, { seed: SEED, numRuns: LINES });
      let typed = 0;
      let errors = 0;
      let interrupted = 0;
      const started = Date.now();
      try {
        await fixture(shell, cp);
        for (const [i, entry] of entries.entries()) {
          if (typed >= LINES) break;
          if (i % 100 === 99) await fixture(shell, cp);
          for (const line of entry) {
            typed += 1;
            // FUZZ_TRACE=FILE: each line is written down before it runs, so a hang names its line.
            if (process.env.FUZZ_TRACE) appendFileSync(process.env.FUZZ_TRACE, `${typed} ${JSON.stringify(line)}\n`);
            const ran = await shell.type(line, 100);
            if (ran === null) continue;
            check(entry, ran.lines);
            errors += ran.lines.filter((l) => l.style === 'error').length;
            if (ran.interrupted) interrupted += 1;
          }
        }
        // After the barrage, the shell still works: it makes sockets and sends. The round trips that
        // wait are checked in a fresh shell below: this one caps every wait at 20 ms, which a loaded
        // machine can miss on loopback (a tcp.connect timed out at load 16), and the cap is the fuzz's, not the shell's.
        const engine = shell.core.session.engine;
        for (const s of engine.list()) engine.close({ name: s.name, serial: s.serial });
        const alive = await shell.ok(
          'srv = udp.bind 127.0.0.1 0',
          'where = srv.getsockname',
          'cli = udp.socket',
          'cli.sendto "still sends" $where',
          'print alive',
        );
        expect(alive).toContain('alive\n');
        const fresh = new CoreDriver();
        let out = '';
        try {
          out = await fresh.ok(
            'srv = udp.bind 127.0.0.1 0',
            'where = srv.getsockname',
            'cli = udp.socket',
            'cli.sendto "final check" $where',
            'msg, from = srv.recvfrom 2048',
            "expect $msg == 'final check'",
            `tc = tcp.connect 127.0.0.1 ${(tcpEcho.address() as net.AddressInfo).port}`,
            'tc.sendall ping',
            'tc.shutdown wr',
            'reply = tc.recv 100',
            'expect $reply == ping',
            'print done',
          );
        } finally {
          await fresh.close();
        }
        expect(out).toContain('done\n');
      } finally {
        await shell.close();
      }
      console.log(
        `session fuzz: ${typed} lines in ${Date.now() - started} ms, ${errors} error lines, ${interrupted} Ctrl-C, ` +
          `guard blocked ${guard.blocked.names} names and ${guard.blocked.addresses} addresses`,
      );
      expect(typed).toBeGreaterThanOrEqual(LINES);
      expect(errors).toBeGreaterThan(LINES / 10); // the barrage did reach the error paths
      expect(uncaught).toEqual([]);
    },
    120_000 * SCALE,
  );

  it('the loopback guard stops names and addresses off this host (so the barrage above cannot leak)', async () => {
    const shell = new CoreDriver({ maxWaitMs: 200 });
    try {
      await shell.ok('s = udp.socket');
      expect((await shell.run('s.sendto x example.invalid 9')).err).toMatch(/EOFFHOST/);
      expect((await shell.run('s.sendto x 192.0.2.1 9')).err).toMatch(/EOFFHOST/);
      expect((await shell.run('tcp.connect 192.0.2.1 9')).err).toMatch(/EOFFHOST/);
      expect((await shell.run('s.sendto x no..such.host 9')).err).toMatch(/ENOTFOUND/);
    } finally {
      await shell.close();
    }
  });
});
