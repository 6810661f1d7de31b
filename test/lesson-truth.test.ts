import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CoreDriver, withoutReceiveNotes } from './helpers/core-driver.js';
import { freeFixedPort, hasPython, startServer, type Server } from './helpers/proc.js';
import { waitFor } from './helpers/wait.js';
import { said, tcpOpening, udpToRelay, walk } from './helpers/lesson-walk.js';

/**
 * The lesson must never narrate what did not happen. A relay started as a job that failed in the
 * background (its port taken) is told as failed, with why; and a student's own names for the sockets
 * are followed, since a step is about what a socket is and did, not about its label.
 */

const drivers: CoreDriver[] = [];
const servers: Server[] = [];
const closers: (() => void)[] = [];
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.close();
  for (const s of servers.splice(0)) await s.stop();
  for (const close of closers.splice(0)) close();
});

function shell(lessonState?: string): { d: CoreDriver; seen: string[] } {
  const seen: string[] = [];
  const d = new CoreDriver({ onLine: (l) => seen.push(l.text), ...(lessonState !== undefined ? { lessonState } : {}) });
  drivers.push(d);
  return { d, seen };
}

/** A python3 process holding a UDP port on 127.0.0.1 until stopped. */
async function holdUdp(port: number): Promise<Server> {
  const code = `import socket,sys,time\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\ns.bind(('127.0.0.1',${port}))\nprint('bound',flush=True)\nsys.stdin.read()`;
  const server = await startServer('python3', ['-c', code], 'bound');
  servers.push(server);
  return server;
}

describe('a relay step whose relay failed in the background', () => {
  it.skipIf(!hasPython)('is told as failed, with why, and the step stays to be typed again; once it starts, the step is done', async () => {
    const [port, relayPort] = [await freeFixedPort(), await freeFixedPort()];
    const { d, seen } = shell();
    await walk(d, udpToRelay(port, relayPort));
    const holder = await holdUdp(relayPort);
    const from = seen.length;
    const started = said(withoutReceiveNotes((await d.run('relay udp $relayPort localhost $serverPort --loss 50 --seed 2 &')).out));
    expect(started).not.toMatch(/The relay runs as a job/);
    await waitFor(
      () => said(seen.slice(from).join('\n')).includes('» The relay did not start'),
      () => `the lesson tells the relay failed; seen:\n${seen.slice(from).join('\n')}`,
    );
    const told = said(seen.slice(from).join('\n'));
    expect(told).toMatch(/» The relay did not start: [^\n]*EADDRINUSE[^\n]*/);
    expect(told).not.toMatch(/The relay runs as a job|Step 14/);
    // The step is still to do: once the port is free, the same line starts the relay and does it.
    await holder.stop();
    const again = seen.length;
    await d.run('relay udp $relayPort localhost $serverPort --loss 50 --seed 2 &');
    await waitFor(
      () => said(seen.slice(again).join('\n')).includes('Step 14 of 19'),
      () => `the lesson goes on once the relay runs; seen:\n${seen.slice(again).join('\n')}`,
    );
    expect(said(seen.slice(again).join('\n'))).toMatch(/» The relay runs as a job/);
    await d.run('kill %1');
  });
});

describe("the student's own names for the sockets", () => {
  it('one terminal, UDP: c and s are followed as clientSocket and serverSocket, and the lesson speaks of them by those names', async () => {
    const port = await freeFixedPort();
    const { d } = shell();
    await walk(d, [
      ['lesson udp', /Step 1 of 19/],
      [`serverPort = ${port}`, /Step 2 of 19/],
      ['c = udp.socket', /Step 3 of 19[^]*type: c\.getsockname\n$/],
      ['c.getsockname', /Step 4 of 19/],
      ['c.sendto hello localhost $serverPort', /Step 5 of 19[^]*type: s?[^]*udp\.bind/],
      ['s = udp.bind $serverPort', /» s is bound to every interface, on serverPort[^]*Step 6 of 19/],
      ['c.sendto hello localhost $serverPort', /Step 7 of 19[^]*type: message, clientAddress = s\.recvfrom 2048/],
      ['message, clientAddress = s.recvfrom 2048', /Step 8 of 19/],
      ['modifiedMessage = upper $message', /Step 9 of 19/],
      ['s.sendto $modifiedMessage $clientAddress', /Step 10 of 19/],
      // Another socket under the lesson's name is not the client's socket: a name is only a label.
      ['clientSocket = udp.socket', /Not this step/],
      ['modifiedMessage, serverAddress = c.recvfrom 2048', /The client has its answer[^]*Step 11 of 19/],
    ]);
  });

  it('one terminal, TCP, every step: cs, ss, conn and c2 are followed to the end, the reset and the EOF included', async () => {
    const port = await freeFixedPort();
    const { d } = shell();
    await walk(d, [
      ['lesson tcp', /Step 1 of 17/],
      [`serverPort = ${port}`, /Step 2 of 17/],
      ['cs = tcp.socket', /Step 3 of 17[^]*type: cs\.connect localhost \$serverPort/],
      ['cs.connect localhost $serverPort', /ECONNREFUSED[^]*Step 4 of 17/],
      ['ss = tcp.listen $serverPort', /ss is the welcoming socket[^]*Step 5 of 17/],
      ['cs.connect localhost $serverPort', /Step 6 of 17[^]*type: connectionSocket, addr = ss\.accept/],
      ['conn, addr = ss.accept', /accept returned a new socket, conn, for this client alone\. ss stays open[^]*Step 7 of 17/],
      ['cs.send hello', /Step 8 of 17[^]*type: sentence = conn\.recv 1024/],
      ['sentence = conn.recv 1024', /Step 9 of 17/],
      ['capitalizedSentence = upper $sentence', /Step 10 of 17/],
      ['conn.send $capitalizedSentence', /Step 11 of 17/],
      ['modifiedSentence = cs.recv 1024', /Step 12 of 17/],
      ['print "From Server: " $modifiedSentence', /Step 13 of 17/],
      ['c2 = tcp.connect localhost $serverPort', /c2's handshake is done too[^]*Step 14 of 17/],
      ['x, y = ss.accept', /ss accepted a second connection[^]*Step 15 of 17/],
      ['conn.close', /Closing sent a FIN[^]*Step 16 of 17/],
      ['cs.recv 1024', /b''[^]*Step 17 of 17/],
      ['cs.close', /Lesson done/],
    ]);
  });

  it("the server's socket made a call at a time, as Python makes it, is the step: a socket bound (UDP) or listening (TCP) on the port", async () => {
    const port = await freeFixedPort();
    const { d } = shell();
    await walk(d, [
      ...udpToRelay(port, 0).slice(0, 5),
      ['s = udp.socket', /» On the way: s is a UDP socket/],
      ["s.bind '' $serverPort", /» s is bound to every interface, on serverPort[^]*Step 6 of 19/],
      ['clientSocket.sendto hello localhost $serverPort', /Step 7 of 19[^]*type: message, clientAddress = s\.recvfrom 2048/],
    ]);
    const tcpPort = await freeFixedPort();
    const { d: t } = shell();
    await walk(t, [
      ...tcpOpening(tcpPort, 'cs', 'ss').slice(0, 4),
      ['ss = tcp.socket', /» On the way: ss is a TCP socket/],
      ["ss.bind '' $serverPort", /» On the way: ss is bound to[^]*Next ss\.listen 1/], // bound, not yet listening: not a welcoming socket
      ['ss.listen 5', /ss is the welcoming socket[^]*Step 5 of 17/],
    ]);
  });

  it('a socket bound to the port on another address than the step says is not the step (its words would be false)', async () => {
    const port = await freeFixedPort();
    const { d } = shell();
    await walk(d, [
      ...udpToRelay(port, 0).slice(0, 5),
      ['s = udp.socket', /» On the way: s is a UDP socket/],
      ['s.bind 127.0.0.1 $serverPort', /Not this step/],
    ]);
  });

  it("a near miss of the accept is kept under the student's own name for the connection socket", async () => {
    const port = await freeFixedPort();
    const { d } = shell();
    await walk(d, [
      ...tcpOpening(port, 'cs', 'ss'),
      ['pair = ss.accept', /» Nearly: pair = ss\.accept took the connection from[^]*Keep what came: connectionSocket, addr = \$pair/],
      ['c, addr = $pair', /accept returned a new socket, c, for this client alone[^]*Step 7 of 17[^]*type: cs\.send hello/],
      ['cs.send hello', /Step 8 of 17[^]*type: sentence = c\.recv 1024/],
    ]);
  });

  it('a lesson resumed in a new session takes its roles again from the earlier steps typed again', async () => {
    const port = await freeFixedPort();
    const dir = mkdtempSync(join(tmpdir(), 'sockshell-roles-'));
    closers.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'lessons.json');
    const { d: first } = shell(file);
    await walk(first, [...tcpOpening(port, 'cs', 'ss')]);
    await first.close();
    const { d: second } = shell(file);
    await walk(second, [
      ['lesson tcp', /at step 6 of 17[^]*cs = tcp\.socket[^]*Step 6 of 17/],
      [`serverPort = ${port}`, /step 1 again/],
      ['cs = tcp.socket', /step 2 again/],
      ['ss = tcp.listen $serverPort', /step 4 again/],
      ['cs.connect localhost $serverPort', /step \d again/],
      // The accept names two roles, the welcoming socket and the new one: ss is known again, so conn takes the other.
      ['conn, addr = ss.accept', /accept returned a new socket, conn[^]*Step 7 of 17/],
    ]);
  });

  it("two terminals, TCP: the server's srv is watched for the client's handshake, whatever the label", async () => {
    const port = await freeFixedPort();
    const { d: server, seen } = shell();
    const { d: client } = shell();
    await walk(server, [
      ['lesson tcp --server', /Step 1 of 9/],
      [`serverPort = ${port}`, /Step 2 of 9/],
      ['srv = tcp.listen $serverPort', /Step 3 of 9[^]*watches srv/],
    ]);
    const from = seen.length;
    await client.run(`c = tcp.connect localhost ${port}`);
    await waitFor(
      () => said(seen.slice(from).join('\n')).includes('Step 4 of 9'),
      () => `the server terminal sees the handshake on srv; seen:\n${seen.slice(from).join('\n')}`,
    );
    await walk(server, [['conn, addr = srv.accept', /accept returned a new socket, conn, for this client alone[^]*Step 5 of 9/]]);
    expect((await client.run('c.send hello')).out).toBe('5\n');
    await walk(server, [['sentence = conn.recv 1024', /Step 6 of 9/]]);
  });
});
