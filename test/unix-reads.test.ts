/**
 * A Unix stream connection's bytes stay in the kernel until a call reads them (engine/unix-reads.ts),
 * so that the shell's close with bytes unread resets its peer as Linux resets a Python program's
 * (the peer's recv: ConnectionResetError, checked against two python3 processes in unix-reset.test.ts).
 * A call that had to wait used to let Node read what came next, up to 64 KiB: a recv(5) that waited
 * left the rest of the chunk in the shell, and a recv that timed out left Node reading the next
 * chunk; a close with only those unread gave the peer b''. With the addon the wait reads nothing: the
 * call is woken and reads what it asks for. Without it (the loop back end stands for that build) Node
 * still reads, which the README says.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { SocketHandle } from '../src/engine/types.js';
import { BACK_END, fails, rig, until, type Rig } from './engine-helpers.js';
import { hasPython } from './helpers/proc.js';
import { unixPeer, type UnixPeer } from './helpers/unix-peer.js';

const dir = mkdtempSync(join(tmpdir(), 'sockshell-unix-reads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let r: Rig | null = null;
let peer: UnixPeer | null = null;
afterEach(async () => {
  await r?.engine.closeAll();
  await peer?.server.stop();
  [r, peer] = [null, null];
});

/** The shell's client c connected to a UnixPeer.py listening at a fresh path. */
async function connected(name: string): Promise<SocketHandle> {
  const path = join(dir, `${name}.sock`);
  peer = await unixPeer('listen', path);
  r = rig();
  const c = r.engine.create('tcp', 'unix', { name: 'c', owner: 'main' });
  await r.engine.connect(c, path, 0, {});
  return c;
}

describe.runIf(hasPython && BACK_END === 'native')("a wait reads nothing: what the call did not take is the kernel's", () => {
  it("a recv(5) that waited leaves the rest in the kernel, and the shell's close resets the peer", async () => {
    const c = await connected('waited');
    const got = r!.engine.recv(c, 5, {});
    await until(() => r!.engine.info(c).waiting === 'recv');
    expect(await peer!.step('send hello world')).toBe('send 11');
    expect((await got).toString()).toBe('hello');
    expect(r!.engine.info(c).queued.bytes).toBe(6);
    expect(r!.engine.info(c).closeResets).toBe(true);
    r!.engine.close(c);
    expect(await peer!.step('recv')).toBe('recv ConnectionResetError');
    expect(await peer!.step('recv')).toBe("recv b''");
  });

  it('a recv that timed out leaves what came after it in the kernel: the close resets the peer', async () => {
    const c = await connected('timed-out');
    await fails(r!.engine.recv(c, 5, { maxWaitMs: 50 }), 'ETIMEDOUT');
    expect(await peer!.step('send abc')).toBe('send 3');
    await until(() => r!.engine.info(c).queued.bytes === 3);
    expect(r!.of('received')).toEqual([]); // nothing read: the shell does not know they came, as a Python program does not
    r!.engine.close(c);
    expect(await peer!.step('recv')).toBe('recv ConnectionResetError');
  });
});
