/**
 * Data after shutdown rdwr (user trials' open finding 1). Python's shutdown(SHUT_RDWR) shuts reading
 * down in the kernel, and Linux answers data that arrives after the FIN with a reset: the shut-down
 * side's next recv raises ConnectionResetError (then returns b''), the peer's next send BrokenPipeError.
 * The shell used to shut down writing alone (Node's end()), so the kernel acknowledged the data, and
 * its recv returned b'' as for a FIN. The peer is python3's socket module; every back end must show
 * a reset, and say whose: the kernel's (the addon's shutreading), or the shell's in its stead without it.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { nativeCalls } from '../src/engine/index.js';
import type { EngineOptions } from '../src/engine/types.js';
import { BACK_END, rig, until, fails, type Rig } from './engine-helpers.js';
import { hasPython, PEERS } from './helpers/proc.js';

let r: Rig;
afterEach(async () => {
  await r.engine.closeAll();
});

/** AfterShutRd.py: its stdout lines as they come (line(n) waits for the nth), a line to its stdin, and its end by PID. */
function peer(): { line: (n: number) => Promise<string>; go: () => void; stop: () => void } {
  const child = spawn('python3', [join(PEERS, 'AfterShutRd.py')], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let ended = false;
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  child.on('close', () => (ended = true));
  return {
    async line(n) {
      await until(() => out.split('\n').length > n + 1 || ended);
      const lines = out.split('\n');
      if (lines.length <= n + 1) throw new Error(`AfterShutRd.py: no line ${n}; out=${out}`);
      return lines[n]!;
    },
    go: () => child.stdin.write('\n'),
    stop() {
      if (!ended && child.pid) process.kill(child.pid, 'SIGKILL');
    },
  };
}

/**
 * The back ends: this run's (BACK_END: the addon's blocking calls, or the event loop without the addon,
 * as SOCKSHELL_NATIVE=0), and the event loop with the addon (SOCKSHELL_ENGINE=loop) where it is built.
 */
const ENGINES: readonly { name: string; options: Partial<EngineOptions>; kernel: boolean }[] = [
  { name: BACK_END, options: {}, kernel: BACK_END === 'native' },
  ...(nativeCalls().calls === null
    ? []
    : [{ name: 'loop with the addon', options: { blockingCalls: undefined, addonCalls: true }, kernel: true }]),
];

it.skipIf(!hasPython).each(ENGINES)(
  "data after shutdown rdwr ($name): recv raises the reset this side sent, never b'' as for a FIN",
  async (engine) => {
    r = rig(engine.options);
    const p = peer();
    try {
      const port = Number(await p.line(0));
      const c = r.engine.create('tcp', 4, { name: 'c', owner: 'main' });
      await r.engine.connect(c, '127.0.0.1', port, {});
      void r.engine.shutdown(c, 'rdwr');
      expect(await p.line(1)).toBe("b''"); // our FIN
      expect(await p.line(2)).toBe('5'); // its data went out after it
      // What the OS did, as every view reads it: the socket is reset, by this side.
      await until(() => r.engine.info(c).state === 'RESET');
      const failed = r.of('failed').filter((e) => e.socket === 'c');
      expect(failed).toHaveLength(1);
      expect(failed[0]!.code).toBe('ECONNRESET');
      expect(failed[0]!.ownReset).toBe(engine.kernel ? 'kernel' : 'shell');
      expect(r.of('eof').filter((e) => e.socket === 'c')).toEqual([]); // no FIN came from the peer
      await fails(r.engine.recv(c, 100, {}), 'ECONNRESET', 'ConnectionResetError', /shut down reading/);
      expect((await r.engine.recv(c, 100, {})).length).toBe(0); // then b'', as Python's
      p.go();
      expect(await p.line(3)).toBe('BrokenPipeError'); // the peer met the reset too
    } finally {
      p.stop();
    }
  },
);
