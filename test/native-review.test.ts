/**
 * What a hostile review of native/sockshell.c found, each pinned where a test can show it: the addon in
 * a worker thread (a watcher left on when the worker ends; the relay pipe per environment), arguments
 * the addon must refuse rather than misread (a port past 65535, a host that is not a string, a
 * negative count), and the bulk path meeting a reset while it only sends.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ADDRESS_BYTES, FD_PIPE, PUMP_SEND_FAILED, nativeCalls, type Watcher } from '../src/engine/native.js';
import { ROOT } from './helpers/proc.js';
import { HANG_MS } from './helpers/wait.js';

const { calls } = nativeCalls();
const ADDON = join(ROOT, 'dist/native/sockshell.node');
const EINVAL = -22;

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

/** A descriptor the test closes when it ends. */
function owned(fd: number): number {
  expect(fd).toBeGreaterThanOrEqual(0);
  cleanups.push(() => calls!.close(fd, 0));
  return fd;
}

/** Runs `code` (CommonJS, the addon's path in ADDON) in a fresh node; its status, output and errors. */
function node(code: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['-e', `const ADDON = ${JSON.stringify(ADDON)};\n${code}`], {
    encoding: 'utf8',
    timeout: HANG_MS,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(calls === null)('native/sockshell.c under review', () => {
  it('a worker thread that ends with a listening socket still watched does not take the process down', () => {
    // The watcher's uv_poll is on the worker's loop; without a cleanup hook it was still open when the
    // worker's loop closed, and Node aborted the whole process ("uv_loop_close() while having open
    // handles"); with a plain one, the handle's close callback ran after Node had unloaded the addon.
    const r = node(`
const { Worker } = require('node:worker_threads');
const w = new Worker(\`
  const n = require(\${JSON.stringify(ADDON)});
  const fd = n.socket(4, 1);
  if (n.bindfd(fd, '127.0.0.1', 0) !== 0 || n.listenfd(fd, 1) !== 0) throw new Error('listen');
  if (typeof n.watchlisten(fd, () => {}) !== 'object') throw new Error('watch');
  // A second one unwatched (twice) just before: its handle is still closing as the worker ends.
  const other = n.socket(4, 1);
  n.bindfd(other, '127.0.0.1', 0);
  n.listenfd(other, 1);
  const w = n.watchlisten(other, () => {});
  n.unwatch(w);
  n.unwatch(w);
  process.exit(0);
\`, { eval: true });
w.on('exit', (code) => console.log('worker ended', code));
`);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('worker ended 0\n');
    expect(r.status).toBe(0);
  });

  it("a worker's relay pipe is its own, closed when the worker ends", () => {
    // One pipe per environment: two threads splicing at once through one pipe could take each other's bytes.
    const r = node(`
const { Worker } = require('node:worker_threads');
const fs = require('node:fs');
// Pipes only: Node itself may open a descriptor or two around a worker (/dev/null here, with piped stdio).
const pipes = () => fs.readdirSync('/proc/self/fd').filter((f) => { try { return fs.readlinkSync('/proc/self/fd/' + f).startsWith('pipe:'); } catch { return false; } }).length;
const before = pipes();
const w = new Worker(\`
  const n = require(\${JSON.stringify(ADDON)});
  const net = require('node:net');
  const fs = require('node:fs');
  const server = net.createServer((c) => c.end('hello')).listen(0, '127.0.0.1', () => {
    const c = net.connect(server.address().port, '127.0.0.1');
    c.pause();
    c.on('connect', () => setTimeout(() => {
      const file = fs.openSync('/dev/null', 'w');
      const moved = n.splicefile(c._handle.fd, file, 100, 0, Buffer.alloc(16));
      fs.closeSync(file);
      if (moved !== 5) throw new Error('splicefile ' + moved);
      c.destroy();
      server.close();
    }, 50));
  });
\`, { eval: true });
w.on('exit', (code) => console.log('worker ended', code, 'pipes', pipes() - before));
`);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('worker ended 0 pipes 0\n');
  });

  it('watchadd on a watch set that has ended is EBADF: its epoll is closed, and its number may be another descriptor now', () => {
    const set = calls!.watchset(() => undefined);
    expect(typeof set).toBe('object');
    const fd = owned(calls!.socket(4, 1));
    calls!.unwatch(set as Watcher);
    calls!.unwatch(set as Watcher); // a second unwatch does nothing
    expect(calls!.watchadd(set as Watcher, fd)).toBe(-9);
  });

  it('a port past 65535 is refused (EINVAL), not bound or sent to modulo 65536', () => {
    const fd = owned(calls!.socket(4, 1));
    expect(calls!.bindfd(fd, '127.0.0.1', 65536 + 4464)).toBe(EINVAL);
    expect(calls!.bindfd(fd, '127.0.0.1', -1)).toBe(EINVAL);
    expect(calls!.bindcheck('127.0.0.1', 70000)).toBe(EINVAL);
    const udp = owned(calls!.socket(4, 0));
    expect(calls!.sendto(udp, Buffer.from('x'), '127.0.0.1', 65536 + 9)).toBe(EINVAL);
    const name = Buffer.alloc(ADDRESS_BYTES);
    expect(calls!.sockname(fd, name)).toBe(0);
    expect(name.readUInt16BE(2)).toBe(0); // still unbound
  });

  it('a host that is not a string throws a TypeError, as every other argument of the wrong kind does', () => {
    // napi_get_value_string_utf8's failure returned undefined, which a caller's `n < 0` took for success.
    const fd = owned(calls!.socket(4, 1));
    const api = calls as unknown as Record<string, (...a: unknown[]) => unknown>;
    expect(() => api.bindfd!(fd, 7, 0)).toThrow(TypeError);
    expect(() => api.bindcheck!(null, 0)).toThrow(TypeError);
    expect(() => api.sendto!(fd, Buffer.from('x'), {}, 9)).toThrow(TypeError);
    expect(() => api.sendfile!(fd, 0, 'zero', 10)).toThrow(TypeError);
  });

  it('pumpfds only sending, its input quiet, the connection reset: the send fails at once with the reset', () => {
    // The socket's POLLERR/POLLHUP woke every poll while the call waited for input, so it spun for its
    // whole slice and then said nothing happened (PUMP_SLICE), call after call. In a process of its
    // own: the event loop must be quiet, or the call rightly hands it its turn (PUMP_LOOP) at once.
    const dir = mkdtempSync(join(tmpdir(), 'sockshell-pump-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const fifo = join(dir, 'in');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const r = node(`
const n = require(ADDON);
const fs = require('node:fs');
const net = require('node:net');
// Read and write: never at its end, and nothing to read.
const input = fs.openSync(${JSON.stringify(fifo)}, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
const listening = n.socket(4, 1);
n.bindfd(listening, '127.0.0.1', 0);
n.listenfd(listening, 1);
const name = Buffer.alloc(${ADDRESS_BYTES});
n.sockname(listening, name);
const port = name.readUInt16BE(2);
const client = net.connect(port, '127.0.0.1', () => {
  const conn = n.acceptwait(listening, Buffer.alloc(${ADDRESS_BYTES}), 1000, 0);
  const row = ':' + port.toString(16).toUpperCase().padStart(4, '0') + ' 0100007F:' + client.localPort.toString(16).toUpperCase().padStart(4, '0');
  client.resetAndDestroy();
  // The reset has come when the connection leaves the kernel's table; nothing reads it here.
  const gone = () => !fs.readFileSync('/proc/net/tcp', 'utf8').includes(row);
  const check = () => {
    if (!gone()) return setTimeout(check, 5);
    const counts = Buffer.alloc(24);
    const r = n.pumpfds(conn, input, ${FD_PIPE}, -1, 0, 250, counts);
    console.log(r, n.errname(-counts.readInt32LE(16)));
  };
  check();
});
`);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${PUMP_SEND_FAILED} ECONNRESET\n`);
  });
});
