import { afterEach, describe, expect, it } from 'vitest';
import { CoreDriver } from './helpers/core-driver.js';
import { freeFixedPort } from './helpers/proc.js';
import { saidAfter, tcpOpening, udpToRelay, walk } from './helpers/lesson-walk.js';

/**
 * The step that makes the server's socket (`serverSocket = tcp.listen $serverPort`) is done by the
 * socket however it was made, so the textbook's own calls, socket, then bind, then listen, do it. The
 * lines before the last are on the way there, and the lesson says so and what comes next: it told
 * a student typing TCPServer.py's first line "Not this step" (newuser trial 3, finding 1).
 */

const drivers: CoreDriver[] = [];
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.close();
});
const shell = (): CoreDriver => drivers[drivers.push(new CoreDriver()) - 1]!;

/** `lesson tcp --server` to its step 2 (the welcoming socket), and the textbook's socket call as ws. */
const serverTerminal = (port: number, made: RegExp): [string, RegExp][] => [
  ['lesson tcp --server', /Step 1 of 9/],
  [`serverPort = ${port}`, /Step 2 of 9/],
  ['ws = tcp.socket', made],
];

describe("the server's socket made a call at a time, as TCPServer.py and UDPServer.py make it", () => {
  it('TCP, one terminal: tcp.socket and bind are on the way; listen does the step', async () => {
    const port = await freeFixedPort();
    const d = shell();
    await walk(d, tcpOpening(port).slice(0, 4)); // step 5 makes the welcoming socket
    const made = await saidAfter(d, 'serverSocket = tcp.socket');
    expect(made).not.toMatch(/Not this step/);
    expect(made).toMatch(
      /» On the way: serverSocket is a TCP socket, Python's socket\(AF_INET, SOCK_STREAM\)\. Next bind it to the server's port, serverSocket\.bind '' \$serverPort, then serverSocket\.listen 1: the step is done once it listens \(serverSocket = tcp\.listen \$serverPort is the three calls in one\)\./,
    );
    const bound = await saidAfter(d, "serverSocket.bind '' $serverPort");
    expect(bound).not.toMatch(/Not this step/);
    expect(bound).toMatch(
      new RegExp(
        `» On the way: serverSocket is bound to \\('0\\.0\\.0\\.0', ${port}\\), Python's bind\\(\\('', serverPort\\)\\)\\. Next serverSocket\\.listen 1 makes it the welcoming socket, and the step is done\\.`,
      ),
    );
    await walk(d, [['serverSocket.listen 1', /welcoming socket \(concept 8\)[^]*Step 5 of 17/]]);
  });

  it("TCP, the server's terminal, the student's own name: the same words with it", async () => {
    const port = await freeFixedPort();
    const d = shell();
    await walk(d, [
      ...serverTerminal(port, /» On the way: ws is a TCP socket[^]*ws\.bind '' \$serverPort, then ws\.listen 1/),
      [`ws.bind '' ${port}`, /» On the way: ws is bound to[^]*Next ws\.listen 1/],
      ['ws.listen 5', /ws is the welcoming socket[^]*Step 3 of 9/],
    ]);
  });

  it('a bind to another port is not on the way: what is off is said as before', async () => {
    const port = await freeFixedPort();
    const d = shell();
    await walk(d, tcpOpening(port).slice(0, 4));
    await walk(d, [['s = tcp.socket', /On the way/]]);
    expect(await saidAfter(d, "s.bind '' 0")).toMatch(/» Not this step/);
  });

  it('the bind forgotten: listen on a socket never bound says the OS picked its port, and what to do', async () => {
    const port = await freeFixedPort();
    const d = shell();
    await walk(d, serverTerminal(port, /On the way/));
    expect(await saidAfter(d, 'ws.listen 1')).toMatch(
      new RegExp(
        `» Not this step: ws was never bound, so listen bound it to a port the OS picked, \\d+, and clients go to serverPort, ${port}\\. A listening socket cannot be bound again: close it, and bind the next one before its listen\\. Type serverSocket = tcp\\.listen \\$serverPort`,
      ),
    );
  });

  it('UDP, one terminal: udp.socket is on the way; bind does the step', async () => {
    const port = await freeFixedPort();
    const d = shell();
    await walk(d, udpToRelay(port, 0).slice(0, 5)); // step 6 binds the server's socket
    const made = await saidAfter(d, 's = udp.socket');
    expect(made).not.toMatch(/Not this step/);
    expect(made).toMatch(
      /» On the way: s is a UDP socket, Python's socket\(AF_INET, SOCK_DGRAM\)\. Next bind it to the server's port, s\.bind '' \$serverPort: the step is done once it is bound \(serverSocket = udp\.bind \$serverPort is the two calls in one\)\./,
    );
    await walk(d, [["s.bind '' $serverPort", /Step 6 of 19/]]);
  });
});
