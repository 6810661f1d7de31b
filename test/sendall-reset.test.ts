/**
 * sendall whose last piece Node still held when the peer reset the connection: that piece never reached
 * the kernel, so the call fails, as Python's sendall does. It must not return the whole count because the
 * write's failure emptied Node's buffer before the connection's 'error' was told (reading was stopped at a
 * full queue, so the failed write, not a read, is the first to hear of the reset).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SocketError } from '../src/engine/errors.js';
import { nativeCalls } from '../src/engine/index.js';
import { rig, type Rig } from './engine-helpers.js';
import { hasPython, startServer, type Server } from './helpers/proc.js';
import { HANG_MS, waitFor } from './helpers/wait.js';

// The peer: a small receive buffer, reads nothing; sends until the shell stops reading (its send stays
// blocked for a while), says "full"; once bytes from the shell arrive, closes with SO_LINGER 0 (RST).
const PEER = [
  'import select, socket, struct',
  'l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)',
  'l.bind(("127.0.0.1", 0)); l.listen(); print(l.getsockname()[1], "ready", flush=True)',
  'c, _ = l.accept(); c.setblocking(False)',
  'for _ in range(100000):',
  '    if not select.select([], [c], [], 0.3)[1]: break',
  '    try: c.send(b"x" * 65536)',
  '    except BlockingIOError: pass',
  'print("full", flush=True)',
  'select.select([c], [], [], 30)',
  'c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)); c.close(); print("reset", flush=True)',
  'import time; time.sleep(30)',
].join('\n');

let r: Rig | null = null;
let peer: Server | null = null;
afterEach(async () => {
  await r?.engine.closeAll();
  await peer?.stop();
  r = null;
  peer = null;
});

// SO_SNDBUF needs the addon (Node's net has no call for it); the loop back end may use it for options.
describe.runIf(hasPython && nativeCalls().calls !== null)('sendall and a reset', () => {
  it('fails when the reset came while Node held its last piece, which never reached the kernel', async () => {
    r = rig({ tcpQueueBytes: 1000, addonCalls: true });
    peer = await startServer('python3', ['-c', PEER], 'ready');
    const port = Number(/(\d+) ready/.exec(peer.output())![1]);
    const client = r.engine.create('tcp', 4, { name: 'c', owner: 'main' });
    r.engine.setsockopt(client, 'SO_SNDBUF', 4096);
    await r.engine.connect(client, '127.0.0.1', port, {});
    await waitFor(() => peer!.output().includes('full'), 'the peer filled what the shell reads', HANG_MS);
    // 64 KiB, one piece: the kernel takes a few KiB (its small send buffer, the peer's small window); Node
    // holds the rest. With the usual buffers the kernel takes it all, and the sendall rightly returns.
    const sending = r.engine.sendall(client, Buffer.alloc(65536, 0x61), {});
    const outcome = sending.then(
      () => 'returned',
      (e: unknown) => (e instanceof SocketError ? e.code : String(e)),
    );
    await waitFor(() => peer!.output().includes('reset'), 'the peer reset the connection', HANG_MS);
    expect(await outcome).toMatch(/^(ECONNRESET|EPIPE)$/);
  });
});
