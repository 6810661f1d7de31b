/**
 * Calls made with HereOptions, as the interpreter makes every call: on the native back end a receive
 * waits in the addon before it returns and gives its value itself, so a script's statement goes on
 * without a promise (core/completion.ts); on the event-loop back end, and for every caller without
 * HereOptions, the same calls give promises. Errors always come as rejected promises.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { HereOptions, SocketHandle } from '../src/engine/types.js';
import { BACK_END, fails, rig, type Rig } from './engine-helpers.js';

const HERE: HereOptions = { here: true };
/** What a call made here gives on this back end: the value itself on the native one. */
const itself = BACK_END === 'native';
let r: Rig | null = null;

afterEach(async () => {
  await r?.engine.closeAll();
  r = null;
});

/** A bound UDP server and client in one engine; the client's datagrams are in the kernel once sendto returns. */
async function udpPair(rg: Rig): Promise<{ server: SocketHandle; client: SocketHandle; port: number }> {
  const server = rg.engine.create('udp', 4, { name: 'serverSocket', owner: 'main' });
  const client = rg.engine.create('udp', 4, { name: 'clientSocket', owner: 'main' });
  const { port } = await rg.engine.bind(server, '127.0.0.1', 0);
  await rg.engine.bind(client, '127.0.0.1', 0);
  return { server, client, port };
}

describe('calls made here (HereOptions)', () => {
  it('a sendto, and a recvfrom whose datagram the kernel holds, give their values themselves on the native back end', async () => {
    r = rig();
    const { server, client, port } = await udpPair(r);
    const sent = r.engine.sendto(client, Buffer.from('hello'), '127.0.0.1', port, HERE);
    expect(sent instanceof Promise).toBe(!itself);
    expect(await sent).toBe(5);
    const got = r.engine.recvfrom(server, 2048, HERE);
    expect(got instanceof Promise).toBe(!itself);
    const { data, address } = await got;
    expect(data.toString()).toBe('hello');
    expect(address?.port).toBe(r.engine.info(client)?.local?.port);
    // The record is the same either way: the call completed, told as its 'returned' event.
    expect(r.of('returned').map((e) => [e.call, e.bytes])).toEqual([['recvfrom', 5]]);
  });

  it('without HereOptions the same calls give promises on both back ends', async () => {
    r = rig();
    const { server, client, port } = await udpPair(r);
    const sent = r.engine.sendto(client, Buffer.from('hello'), '127.0.0.1', port, {});
    expect(sent).toBeInstanceOf(Promise);
    await sent;
    const got = r.engine.recvfrom(server, 2048, {});
    expect(got).toBeInstanceOf(Promise);
    expect((await got).data.toString()).toBe('hello');
  });

  it('a recv on a TCP connection whose bytes the kernel holds gives them itself on the native back end', async () => {
    r = rig();
    const server = r.engine.create('tcp', 4, { name: 'serverSocket', owner: 'main' });
    const client = r.engine.create('tcp', 4, { name: 'clientSocket', owner: 'main' });
    const { port } = await r.engine.bind(server, '127.0.0.1', 0);
    await r.engine.listen(server, 1);
    await r.engine.connect(client, '127.0.0.1', port, {});
    const { socket: conn } = await r.engine.accept(server, { owner: 'main', name: 'connectionSocket' });
    expect(await r.engine.send(client, Buffer.from('hi there'), {})).toBe(8);
    const got = r.engine.recv(conn, 1024, HERE);
    expect(got instanceof Promise).toBe(!itself);
    expect((await got).toString()).toBe('hi there');
  });

  it('an accept whose connection the kernel holds gives it itself on the native back end, and its record is the same', async () => {
    r = rig();
    const server = r.engine.create('tcp', 4, { name: 'serverSocket', owner: 'main' });
    const client = r.engine.create('tcp', 4, { name: 'clientSocket', owner: 'main' });
    const { port } = await r.engine.bind(server, '127.0.0.1', 0);
    await r.engine.listen(server, 1);
    const { local } = await r.engine.connect(client, '127.0.0.1', port, {});
    const got = r.engine.accept(server, { ...HERE, owner: 'main', name: 'connectionSocket' });
    // On the event loop Node may or may not have taken the connection yet: a value then, else a promise.
    if (itself) expect(got).not.toBeInstanceOf(Promise);
    const { socket: conn, address } = await got;
    expect(address?.port).toBe(local.port);
    expect(r.of('accepted').map((e) => [e.connName, e.peer?.port])).toEqual([['connectionSocket', local.port]]);
    expect(await r.engine.send(client, Buffer.from('hi'), {})).toBe(2);
    expect((await r.engine.recv(conn, 1024, HERE)).toString()).toBe('hi');
  });

  it('an accept made here that no client reaches ends at the timeout as a rejected promise, and the slot is free again', async () => {
    r = rig();
    const server = r.engine.create('tcp', 4, { name: 'serverSocket', owner: 'main' });
    await r.engine.listen(server, 1);
    r.engine.settimeout(server, 0.05);
    const got = r.engine.accept(server, { ...HERE, owner: 'main', name: 'c' });
    expect(got).toBeInstanceOf(Promise);
    await fails(got, 'ETIMEDOUT');
    r.engine.settimeout(server, 0);
    await fails(r.engine.accept(server, { ...HERE, owner: 'main', name: 'c' }), 'EAGAIN');
  });

  it('an error comes as a rejected promise, never thrown and never a value', async () => {
    r = rig();
    const { server } = await udpPair(r);
    r.engine.close(server);
    let made: unknown = null;
    expect(() => (made = r!.engine.recvfrom(server, 2048, HERE))).not.toThrow();
    expect(made).toBeInstanceOf(Promise);
    await fails(made, 'EBADF');
  });

  it("a recvfrom made here that nothing reaches ends at the socket's timeout, as a rejected promise", async () => {
    r = rig();
    const { server } = await udpPair(r);
    r.engine.settimeout(server, 0.05);
    const got = r.engine.recvfrom(server, 2048, HERE);
    expect(got).toBeInstanceOf(Promise);
    await fails(got, 'ETIMEDOUT');
    // The slot is free again: the next call waits as the first did.
    r.engine.settimeout(server, 0);
    await fails(r.engine.recvfrom(server, 2048, HERE), 'EAGAIN');
  });
});
