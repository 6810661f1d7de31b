import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { nativeCalls } from '../src/engine/native.js';
import type { SocketHandle, TlsSetup } from '../src/engine/types.js';
import { hasOpenssl, makeCertificate } from './helpers/certificate.js';
import { fails, rig, type Rig } from './engine-helpers.js';
import { hasPython } from './helpers/proc.js';
import { HANG_MS, waitFor } from './helpers/wait.js';

/**
 * A listen that fails after bind (bindreal's leftover: "a TLS listen that fails after getting the bound
 * descriptor may leak it"). The descriptor bind made must neither leak nor be lost: Python's socket
 * stays bound to its port when listen fails (EADDRINUSE: another socket with SO_REUSEADDR bound the
 * port too and listened first), so another program still cannot bind it, and a second listen, once
 * the other has gone, listens on that port. The shell's kernel listener closed the descriptor, and a
 * second listen bound port 0 (another port); a TLS listener's descriptor was closed by Node's failed
 * listen, and the port was free until the second listen bound it again.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-listen-failed-'));
let setup: TlsSetup | null = null;
beforeAll(() => {
  if (!hasOpenssl) return;
  makeCertificate(join(dir, 'cert.pem'), join(dir, 'key.pem'));
  setup = { role: 'server', cert: readFileSync(join(dir, 'cert.pem')), key: readFileSync(join(dir, 'key.pem')) };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let r: Rig | null = null;
const stops: (() => void)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) stop();
  await r?.engine.closeAll();
  r = null;
});

const descriptors = (): number => readdirSync('/proc/self/fd').length;

/** A python3 socket with SO_REUSEADDR bound to a port of its own; it listens when told, and exits when told again. */
function rival(): { port: Promise<number>; listen: () => Promise<void>; exit: () => Promise<void> } {
  const code = `
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', 0))
print(s.getsockname()[1], flush=True)
sys.stdin.readline(); s.listen(1); print('listening', flush=True)
sys.stdin.readline()
`;
  const child = spawn('python3', ['-c', code], { stdio: ['pipe', 'pipe', 'inherit'] });
  stops.push(() => void (child.exitCode === null && child.pid !== undefined && process.kill(child.pid, 'SIGKILL')));
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return {
    port: waitFor(() => /^\d+\n/.test(out), 'the rival bound').then(() => Number.parseInt(out, 10)),
    listen: async () => {
      child.stdin.write('\n');
      await waitFor(() => out.includes('listening'), 'the rival listening');
    },
    exit: async () => {
      child.stdin.end('\n');
      await exited;
    },
  };
}

/** What python3's bind of 127.0.0.1:port says (without SO_REUSEADDR): 'bound' or the errno's name. */
function pythonBinds(port: number): string {
  const code = `import errno, socket\ns = socket.socket()\ntry:\n    s.bind(('127.0.0.1', ${port})); print('bound')\nexcept OSError as e:\n    print(errno.errorcode[e.errno])`;
  return spawnSync('python3', ['-c', code], { encoding: 'utf8', timeout: HANG_MS }).stdout.trim();
}

const KINDS = [
  ['a TCP listener (the kernel’s queue)', false],
  ['a TLS listener (Node’s server, given the bound descriptor)', true],
] as const;

describe.runIf(nativeCalls().calls !== null && hasPython)('a listen that fails after bind', () => {
  for (const [kind, tls] of KINDS) {
    it.skipIf(tls && !hasOpenssl)(`${kind}: the socket stays bound to its port, leaks nothing, and listens there once it can`, async () => {
      const other = rival();
      const port = await other.port;
      r = rig();
      const baseline = descriptors();
      const s: SocketHandle = r.engine.create('tcp', 4, { owner: 'main', name: 's' });
      if (tls) r.engine.wrapTls(s, setup!);
      await r.engine.bind(s, '127.0.0.1', port);
      await other.listen();
      await fails(r.engine.listen(s, 5), 'EADDRINUSE');
      await other.exit();
      // Still the socket's: python3 cannot bind it, as it could not after Python's own listen failed.
      expect(pythonBinds(port)).toBe('EADDRINUSE');
      expect((await r.engine.listen(s, 5)).port).toBe(port);
      r.engine.close(s);
      await r.engine.closeAll();
      await waitFor(
        () => descriptors() <= baseline,
        () => `${descriptors() - baseline} descriptors more than before`,
      );
    });
  }

  it.skipIf(!hasOpenssl)('a TLS listen on a socket closed while it listens leaves no descriptor behind', async () => {
    r = rig();
    const baseline = descriptors();
    const s = r.engine.create('tcp', 4, { owner: 'main', name: 's' });
    r.engine.wrapTls(s, setup!);
    await r.engine.bind(s, '127.0.0.1', 0);
    const listening = r.engine.listen(s, 5);
    r.engine.close(s);
    await fails(listening, 'EBADF');
    await r.engine.closeAll();
    await waitFor(
      () => descriptors() <= baseline,
      () => `${descriptors() - baseline} descriptors more than before`,
    );
  });
});
