import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freeFixedPort } from '../helpers/proc.js';
import { atTerminal, hasScript, type Terminal } from '../helpers/terminal.js';
import { waitFor } from '../helpers/wait.js';

/**
 * The lesson as the textbook runs the programs: the server in one terminal, the client in another,
 * each a real pty with its own sockshell (`lesson tcp --server`, `lesson tcp --client`). What one
 * terminal types never reaches the other; the server's lesson goes on from what its engine saw (a
 * client's handshake, a second accept), even while nothing is typed there. And the place reached
 * outlives the shell: a new session's `lesson udp` resumes there, `--restart` starts over.
 */

const SIZE = { columns: 80, rows: 24 };

/** The screen since `from`, reflowed lines joined back (a continuation starts with two spaces). */
const since = (t: Terminal, from: number) =>
  t
    .screen()
    .slice(from)
    .replace(/\r*\n {2}(?=\S)/g, ' ');

/** Types a line and waits until the screen, from that line on, matches `after`. */
async function typeAndSee(t: Terminal, line: string, after: RegExp, what: string): Promise<void> {
  const from = t.screen().length;
  t.child.stdin.write(`${line}\r`);
  await waitFor(
    () => since(t, from).includes(line) && after.test(since(t, from).slice(since(t, from).indexOf(line))),
    () => `${what}; the screen since it was typed: ${JSON.stringify(since(t, from))}`,
  );
}

/** Waits, typing nothing, until the screen from `from` on matches. */
async function seeWithoutTyping(t: Terminal, from: number, pattern: RegExp, what: string): Promise<void> {
  await waitFor(
    () => pattern.test(since(t, from)),
    () => `${what}; the screen: ${JSON.stringify(since(t, from))}`,
  );
}

let state = '';
beforeEach(() => {
  state = mkdtempSync(join(tmpdir(), 'sockshell-state-'));
});
afterEach(() => rmSync(state, { recursive: true, force: true }));

const shell = () => atTerminal('', { SOCKSHELL_HISTORY: '', XDG_STATE_HOME: state }, { size: SIZE });

/** Two shells, each at its own pty, both at their first prompt; both must leave with Ctrl-D and status 0. */
async function twoTerminals(walk: (client: Terminal, server: Terminal, port: number) => Promise<void>): Promise<void> {
  const port = await freeFixedPort();
  const client = shell();
  const server = shell();
  try {
    await client.waitFor(/sockshell> $/, 'the client terminal');
    await server.waitFor(/sockshell> $/, 'the server terminal');
    await walk(client, server, port);
    for (const t of [client, server]) {
      t.child.stdin.write('\x04');
      expect(await t.exited).toBe(0);
    }
  } finally {
    client.kill();
    server.kill();
  }
}

describe.runIf(hasScript)('lesson in two terminals', () => {
  it('TCP: lesson tcp --client in one pty, --server in another; the server sees the client connect and a second client accepted', async () => {
    await twoTerminals(async (client, server, port) => {
      await typeAndSee(client, 'lesson tcp --client', /this one plays the client[^]*Step 1 of 10[^]*> $/, 'the client lesson');
      await typeAndSee(client, `serverPort = ${port}`, /Step 2 of 10/, 'client step 2');
      await typeAndSee(client, 'clientSocket = tcp.socket', /Step 3 of 10/, 'client step 3');
      await typeAndSee(
        client,
        'clientSocket.connect localhost $serverPort',
        /ECONNREFUSED[^]*Step 4 of 10: Now start the server: open a second terminal[^]*lesson tcp --server/,
        'refused, then: start the server',
      );

      await typeAndSee(server, 'lesson tcp --server', /this one plays the server[^]*Step 1 of 9[^]*> $/, 'the server lesson');
      await typeAndSee(server, `serverPort = ${port}`, /Step 2 of 9/, 'server step 2');
      await typeAndSee(
        server,
        'serverSocket = tcp.listen $serverPort',
        /Step 3 of 9[^]*type: clientSocket\.connect localhost \$serverPort \(in the client terminal\)\r?\nsockshell serverSocket> $/,
        'the server waits for a client',
      );

      // The client connects in its own terminal; the server's terminal, typed nothing, goes on.
      const quiet = server.screen().length;
      await typeAndSee(
        client,
        'clientSocket.connect localhost $serverPort',
        /the server terminal says a client connected[^]*Step 5 of 10/,
        'connected',
      );
      await seeWithoutTyping(
        server,
        quiet,
        /A client connected: the three-way handshake[^]*Step 4 of 9[^]*sockshell serverSocket> $/,
        'seen: incoming',
      );

      await typeAndSee(server, 'connectionSocket, addr = serverSocket.accept', /Step 5 of 9/, 'server accepts');
      await typeAndSee(client, 'clientSocket.send hello', /Step 6 of 10/, 'client sends');
      await typeAndSee(server, 'sentence = connectionSocket.recv 1024', /b'hello'[^]*Step 6 of 9/, 'server receives');
      await typeAndSee(server, 'capitalizedSentence = upper $sentence', /Step 7 of 9/, 'server upper');
      await typeAndSee(
        server,
        'connectionSocket.send $capitalizedSentence',
        /Step 8 of 9[^]*two connection sockets open at once/,
        'server replies',
      );
      await typeAndSee(client, 'modifiedSentence = clientSocket.recv 1024', /Step 7 of 10/, 'client receives');
      await typeAndSee(client, 'print "From Server: " $modifiedSentence', /From Server: {2}HELLO[^]*Step 8 of 10/, 'client prints');
      await typeAndSee(client, 'client2 = tcp.connect localhost $serverPort', /Step 9 of 10/, 'a second client');
      // The accept the server types is checked by the engine's accepts: any names will do.
      await typeAndSee(
        server,
        'second, where = serverSocket.accept',
        /accepted a second connection while the first is still open[^]*Step 9 of 9/,
        'the second accept',
      );
      // The client's recv waits until the server closes its connection socket.
      const waiting = client.screen().length;
      client.child.stdin.write('clientSocket.recv 1024\r');
      await seeWithoutTyping(client, waiting, /waiting/, 'the client waits for the server');
      await typeAndSee(server, 'connectionSocket.close', /Lesson done\.[^]*> $/, 'the server lesson ends');
      await seeWithoutTyping(client, waiting, /b''[^]*end of file \(EOF\)[^]*Step 10 of 10/, "the client's recv returns b''");
      await typeAndSee(client, 'clientSocket.close', /Lesson done\.[^]*> $/, 'the client lesson ends');
    });
  });

  it('UDP: the server terminal sees the datagram arrive, whether it waits in recvfrom or not', async () => {
    await twoTerminals(async (client, server, port) => {
      await typeAndSee(client, 'lesson udp --client', /Step 1 of 15/, 'the client lesson');
      for (const [line, next] of [
        [`serverPort = ${port}`, /Step 2 of 15/],
        ['clientSocket = udp.socket', /Step 3 of 15/],
        ['clientSocket.getsockname', /Step 4 of 15/],
        ['clientSocket.sendto hello localhost $serverPort', /simply lost[^]*Step 5 of 15: Now start the server/],
      ] as const)
        await typeAndSee(client, line, next, `client: ${line}`);
      await typeAndSee(server, 'lesson udp --server', /Step 1 of 7/, 'the server lesson');
      await typeAndSee(server, `serverPort = ${port}`, /Step 2 of 7/, 'server step 2');
      await typeAndSee(server, 'serverSocket = udp.bind $serverPort', /Step 3 of 7[^]*in the client\s+terminal/, 'server bound');
      // The textbook's server is already in recvfrom when the datagram comes: the step it watched for and this one are both done.
      const waiting = server.screen().length;
      server.child.stdin.write('message, clientAddress = serverSocket.recvfrom 2048\r');
      await seeWithoutTyping(server, waiting, /waiting/, 'the server waits in recvfrom');
      await typeAndSee(client, 'clientSocket.sendto hello localhost $serverPort', /Step 6 of 15/, 'client sends again');
      await seeWithoutTyping(
        server,
        waiting,
        /A datagram arrived[^]*recvfrom returned the data[^]*Step 5 of 7/,
        'seen: received, then recvfrom',
      );
      await typeAndSee(server, 'modifiedMessage = upper $message', /Step 6 of 7/, 'server upper');
      await typeAndSee(
        server,
        'serverSocket.sendto $modifiedMessage $clientAddress',
        /Step 7 of 7: The server's part is done, but keep this terminal open[^]*> $/,
        'server replies, then watches for the relayed datagram',
      );
      const relayed = server.screen().length;
      await typeAndSee(client, 'modifiedMessage, serverAddress = clientSocket.recvfrom 2048', /Step 7 of 15/, 'client receives');
      await typeAndSee(client, 'print $modifiedMessage', /HELLO[^]*Step 8 of 15/, 'client prints');
      // The datagram-lost steps are the client's: its relay, its timeout, its second try.
      const relayPort = await freeFixedPort();
      for (const [line, next] of [
        [`relayPort = ${relayPort}`, /Step 9 of 15/],
        ['relay udp $relayPort localhost $serverPort --loss 50 --seed 2 &', /Step 10 of 15[^]*relaying UDP from[^]*> $/],
        ['clientSocket.settimeout 1', /Step 11 of 15/],
        ['clientSocket.sendto hello localhost $relayPort', /Step 12 of 15/],
        ['modifiedMessage, serverAddress = clientSocket.recvfrom 2048', /ETIMEDOUT[^]*the relay lost the datagram[^]*Step 13 of 15/],
        // The relay runs in this terminal: the step is told once it has passed the datagram on (the seed passes the second).
        ['clientSocket.sendto hello localhost $relayPort', /» The relay passed this one on to serverPort[^]*Step 14 of 15/],
        [
          'kill %1',
          /relay stopped: to the target 2 datagrams \(1 lost\)[^]*Step 15 of 15|Step 15 of 15[^]*relay stopped: to the target 2 datagrams \(1 lost\)/,
        ],
        ['clientSocket.close', /Lesson done/],
      ] as const)
        await typeAndSee(client, line, next, `client: ${line}`);
      // The datagram that got through reached the server's terminal, whose lesson says whose address it bears.
      await seeWithoutTyping(
        server,
        relayed,
        /\[serverSocket\] a datagram of 5 bytes[^]*A datagram got through the relay[^]*the relay's own socket[^]*Lesson done\./,
        'the relayed datagram at the server',
      );
    });
  });

  it('the place reached outlives the shell; earlier steps may be typed again; --restart starts over', async () => {
    const port = await freeFixedPort();
    const first = shell();
    try {
      await first.waitFor(/sockshell> $/, 'first session');
      await typeAndSee(first, 'lesson udp', /Step 1 of 19/, 'the lesson');
      await typeAndSee(first, `serverPort = ${port}`, /Step 2 of 19/, 'step 1');
      await typeAndSee(first, 'clientSocket = udp.socket', /Step 3 of 19[^]*> $/, 'step 2');
      first.child.stdin.write('\x04');
      expect(await first.exited).toBe(0);
    } finally {
      first.kill();
    }
    const file = join(state, 'sockshell', 'lessons.json');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      udp: { at: 2, typed: [[`serverPort = ${port}`], ['clientSocket = udp.socket']] },
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const second = shell();
    try {
      await second.waitFor(/sockshell> $/, 'second session');
      await typeAndSee(second, 'lesson', /udp +UDP: [^]*\(at step 3 of 19\)/, 'the list says where it was left');
      await typeAndSee(
        second,
        'lesson udp',
        new RegExp(
          `Back to the udp lesson at step 3 of 19, where you left it in an earlier session[^]*Earlier steps, as you typed them:\\r?\\n {4}serverPort = ${port}\\r?\\n {4}clientSocket = udp\\.socket\\r?\\n[^]*Step 3 of 19`,
        ),
        'resumed',
      );
      // The old session's socket is gone: typing the earlier steps again is not a wrong step.
      await typeAndSee(second, `serverPort = ${port}`, /\(step 1 again; you are at step 3\)/, 'step 1 again');
      await typeAndSee(second, 'clientSocket = udp.socket', /\(step 2 again; you are at step 3\)/, 'step 2 again');
      await typeAndSee(second, 'clientSocket.getsockname', /Step 4 of 19/, 'on from step 3');
      await typeAndSee(second, 'lesson udp --restart', /UDP: UDPClient and UDPServer[^]*Step 1 of 19/, 'started over');
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({});
      second.child.stdin.write('\x04');
      expect(await second.exited).toBe(0);
    } finally {
      second.kill();
    }
  });
});
