/**
 * recvfile's move in the addon (native/sockshell.c, splice_file): one call moves what the connection
 * brings, splice after splice and waiting between them, and previews it once (one MSG_PEEK per call,
 * not per splice: issue 16 counted 2,139 peeks per 512 MiB). A reset after bytes is told after them.
 * Each case runs in a fresh node, whose event loop has nothing else to do, so one call's wait is not
 * cut short by the loop needing its turn; the peer is another node process that writes as fast as the
 * connection takes it, and stays until the connection closes (its exit would wake the loop).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nativeCalls } from '../src/engine/native.js';
import { ROOT } from './helpers/proc.js';
import { HANG_MS } from './helpers/wait.js';

const { calls } = nativeCalls();
const ADDON = join(ROOT, 'dist/native/sockshell.node');
const MIB = 1024 * 1024;

/**
 * A fresh node accepts one connection from a peer running `peer` (CommonJS; `c` its connected socket,
 * `done()` exits it) and calls splicefile on it into /dev/null until it returns 0 or less: per call
 * the bytes moved, the stop errno and the preview, as JSON on stdout.
 */
function spliceAll(peer: string): { moved: number[]; then: number[]; previews: string[]; last: number } {
  const code = `
const n = require(${JSON.stringify(ADDON)});
const net = require('node:net');
const fs = require('node:fs');
const { spawn } = require('node:child_process');
const peer = ${JSON.stringify(`const c = require('node:net').connect(Number(process.argv[1]), '127.0.0.1', () => {\n${peer}\n});\nconst done = () => process.exit(0);`)};
const server = net.createServer({ pauseOnConnect: true }, (c) => {
  const file = fs.openSync('/dev/null', 'w');
  const out = Buffer.alloc(29);
  const r = { moved: [], then: [], previews: [], last: 0 };
  for (let i = 0; i < 1000; i++) {
    const m = n.splicefile(c._handle.fd, file, 64 * ${MIB}, 250, out);
    if (m <= 0 && m !== -11) { r.last = m; break; }
    if (m === -11) continue; // nothing within the wait: the peer is slow to start
    r.moved.push(m);
    r.then.push(out.readInt32LE(0));
    r.previews.push(out.subarray(5, 5 + out[4]).toString('latin1'));
  }
  console.log(JSON.stringify(r));
  process.exit(0);
});
server.listen(0, '127.0.0.1', () => {
  spawn(process.execPath, ['-e', peer, String(server.address().port)], { stdio: 'ignore' });
});
`;
  const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8', timeout: HANG_MS });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as { moved: number[]; then: number[]; previews: string[]; last: number };
}

describe.skipIf(calls === null)('splicefile: recvfile in the addon', () => {
  it('moves what the connection brings in one call, splice after splice, and previews only its first bytes', () => {
    // 8 MiB written at once: far more than one splice moves (the relay pipe holds 1 MiB), so one call a
    // splice, as before, took 8 calls at least, and as many peeks.
    // The peer stays until the connection closes: its exit would wake the loop and end a call early.
    const r = spliceAll(`c.end(Buffer.concat([Buffer.from('first bytes|'), Buffer.alloc(${8 * MIB} - 12, 'x')])); c.on('close', done);`);
    expect(r.moved.reduce((a, b) => a + b, 0)).toBe(8 * MIB);
    // One call moved it all but for a wait past a slice (250 ms) on a busy machine.
    expect(r.moved.length).toBeLessThanOrEqual(3);
    expect(r.previews[0]).toBe('first bytes|xxxxxxxxxxxx'); // 24 bytes: the room in out
    expect(r.then.every((t) => t === 0)).toBe(true);
    expect(r.last).toBe(0); // then the peer's FIN
  });

  it('tells a reset that came after bytes after them: the bytes moved, then ECONNRESET', () => {
    // The peer writes 100,000 bytes and resets the connection; the reset is in the socket behind them.
    const r = spliceAll(`c.write(Buffer.alloc(100000, 'r'), () => setTimeout(() => { c.resetAndDestroy(); setTimeout(done, 50); }, 50));`);
    const moved = r.moved.reduce((a, b) => a + b, 0);
    expect(moved).toBe(100000);
    // The reset stops the call that moved the last bytes (then), or is the next call's answer.
    const ECONNRESET = -104;
    expect([r.then.at(-1), r.last]).toContain(ECONNRESET);
    expect(r.previews[0]).toBe('r'.repeat(24));
  });
});
