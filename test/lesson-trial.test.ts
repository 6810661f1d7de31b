import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CoreDriver, withoutReceiveNotes } from './helpers/core-driver.js';
import { freeFixedPort } from './helpers/proc.js';
import { waitFor } from './helpers/wait.js';
import { said, tcpExchange, tcpOpening, udpToRelay, walk } from './helpers/lesson-walk.js';

/**
 * The lesson's leftovers from issue 12's user trial. A receiving step typed a little wrong
 * (`connectionSocket.recv 1024` without `sentence =`) takes the data out of the socket: the lesson
 * must say what came and what is missing, let the student keep what came, and say before a receive
 * that would wait for data already taken that it will wait. And a lesson resumed in a new session
 * lists the lines the student typed (their port), not the lesson file's.
 */

const drivers: CoreDriver[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function shell(lessonState?: string): { d: CoreDriver; seen: string[] } {
  const seen: string[] = [];
  const d = new CoreDriver({ onLine: (l) => seen.push(l.text), ...(lessonState !== undefined ? { lessonState } : {}) });
  drivers.push(d);
  return { d, seen };
}

describe('a receiving step whose data another command took', () => {
  it('TCP: accept with one name and a bare recv are near misses; the step would wait and says so first; keeping what came does the step', async () => {
    const port = await freeFixedPort();
    const { d, seen } = shell();
    await walk(d, tcpOpening(port));
    // accept with one name: the connection is out of the accept queue, and the name holds a pair.
    // (Named conn, the socket is found by the variable the lesson's later steps use, as NAME.call finds it.)
    const one = said((await d.run('conn = serverSocket.accept')).out);
    expect(one).toMatch(
      /» Nearly: conn = serverSocket\.accept took the connection from \('127\.0\.0\.1', \d+\), what this step is for\. conn holds it with the client's address, as one pair: accept returns both, and the textbook unpacks them into two names: connectionSocket, addr = serverSocket\.accept\. It is out of serverSocket's accept queue now, so typing the step would wait for a client that already came\. Keep what came: connectionSocket, addr = \$conn\n$/,
    );
    await walk(d, [
      ['connectionSocket, addr = $conn', /accept returned a new socket[^]*Step 7 of 17/],
      ['clientSocket.send hello', /Step 8 of 17/],
    ]);
    const bare = said(withoutReceiveNotes((await d.run('connectionSocket.recv 1024')).out));
    expect(bare).toMatch(
      /^b'hello'\n» Nearly: connectionSocket\.recv 1024 took b'hello', what this step is for\. Nothing kept it, and the next steps need it in sentence: sentence = connectionSocket\.recv 1024\. It is out of connectionSocket now, so typing the step would wait for data that already came\. Keep what came: sentence = \$_ \(\$_ is the last result\)\n$/,
    );
    expect(bare).not.toMatch(/Step 9/);

    // The step as written now waits for bytes that will not come: the lesson says so before it waits.
    const from = seen.length;
    const waiting = d.run('sentence = connectionSocket.recv 1024');
    await waitFor(
      () => seen.slice(from).some((l) => l.includes('is waiting for data')),
      () => `the recv waits; seen: ${seen.slice(from).join('\n')}`,
    );
    expect(d.core.interrupt()).toBe(true);
    const cancelled = said((await waiting).out);
    expect(cancelled).toMatch(
      /^» Nothing is waiting on connectionSocket: what came \(b'hello'\) was taken by connectionSocket\.recv 1024\. This call waits until the other end sends again \(Ctrl-C cancels\); to go on with what came instead: Ctrl-C, then sentence = \$_\n# conn is waiting for data/,
    );
    expect(cancelled).toMatch(/» Cancelled: nothing changed\. Keep what came: sentence = \$_; or send again from the client/);

    // Keeping what came does the step; the lesson goes on with the student's sentence.
    await walk(d, [
      ['sentence = $_', /The bytes came out of the pipe in the order sent[^]*Step 9 of 17/],
      ['capitalizedSentence = upper $sentence', /Step 10 of 17/],
    ]);
    expect((await d.run('$capitalizedSentence')).out).toBe("b'HELLO'\n");
  });

  it('UDP: recv gives no address (send again); a recvfrom kept as one pair is unpacked with the line the lesson gives', async () => {
    const port = await freeFixedPort();
    const { d } = shell();
    await walk(d, [
      ['lesson udp', /Step 1 of 19/],
      [`serverPort = ${port}`, /Step 2 of 19/],
      ['clientSocket = udp.socket', /Step 3 of 19/],
      ['clientSocket.getsockname', /Step 4 of 19/],
      ['clientSocket.sendto hello localhost $serverPort', /Step 5 of 19/],
      ['serverSocket = udp.bind $serverPort', /Step 6 of 19/],
      ['clientSocket.sendto hello localhost $serverPort', /Step 7 of 19/],
    ]);
    const recv = said((await d.run('serverSocket.recv 2048')).out);
    expect(recv).toMatch(/» Nearly: serverSocket\.recv 2048 took b'hello', what this step is for/);
    expect(recv).toMatch(
      /That call gave the data alone; recvfrom gives the sender's address too[^]*Send again from the client, then type the step\./,
    );
    expect(said((await d.run('clientSocket.sendto hello localhost $serverPort')).out)).toMatch(/\(step 4 again; you are at step 7\)/);
    const pair = said((await d.run('message = serverSocket.recvfrom 2048')).out);
    expect(pair).toMatch(
      /» Nearly: [^]*message holds it with the sender's address, as one pair: recvfrom returns both[^]*Keep what came: message, clientAddress = \$message\n$/,
    );
    await walk(d, [['message, clientAddress = $message', /recvfrom returned the data and the client's address[^]*Step 8 of 19/]]);
    expect((await d.run('$message')).out).toBe("b'hello'\n");
    expect((await d.run('$clientAddress')).out).toMatch(/^\('127\.0\.0\.1', \d+\)\n$/);
    // Another bufsize, or a $variable, keeps the data under the step's names: that is the step.
    await walk(d, [
      ['modifiedMessage = upper $message', /Step 9 of 19/],
      ['serverSocket.sendto $modifiedMessage $clientAddress', /Step 10 of 19/],
      ['size = 4096', /Not this step/],
      ['modifiedMessage, serverAddress = clientSocket.recvfrom $size', /The client has its answer[^]*Step 11 of 19/],
    ]);
  });

  it('two terminals: a bare recvfrom waiting when the datagram came does the seen step and is the near miss of the next', async () => {
    const port = await freeFixedPort();
    const { d: server, seen } = shell();
    const { d: client } = shell();
    await walk(server, [
      ['lesson udp --server', /Step 1 of 7/],
      [`serverPort = ${port}`, /Step 2 of 7/],
      ['serverSocket = udp.bind $serverPort', /Step 3 of 7/],
      // A command that does not do a step the engine must see is told how far it is, not nothing.
      ['x = 1', /^» Not yet: serverSocket has seen 0 arrivals since this step began; it waits for 1\. Send from the client terminal/],
    ]);
    const from = seen.length;
    const receiving = server.run('serverSocket.recvfrom 2048');
    await waitFor(
      () => seen.slice(from).some((l) => l.includes('is waiting for a datagram')),
      () => `the server waits; seen: ${seen.slice(from).join('\n')}`,
    );
    await client.ok('c = udp.socket', `c.sendto hello localhost ${port}`);
    const out = said((await receiving).out);
    expect(out).toMatch(/A datagram arrived[^]*Step 4 of 7[^]*» Nearly: serverSocket\.recvfrom 2048 took b'hello'/);
    expect(out).toMatch(/Keep what came: message, clientAddress = \$_ \(\$_ is the last result\)\n$/);
    await walk(server, [['message, clientAddress = $_', /Step 5 of 7/]]);
  });
});

describe('what the lesson says when a step is not done', () => {
  it("the step's own line failing for a reason outside it (no server yet) is not a line to fix", async () => {
    const port = await freeFixedPort();
    const { d } = shell();
    await walk(d, [
      ['lesson tcp --client', /Step 1 of 10/],
      [`serverPort = ${port}`, /Step 2 of 10/],
      ['clientSocket = tcp.socket', /Step 3 of 10/],
      ['clientSocket.connect localhost $serverPort', /ECONNREFUSED[^]*Step 4 of 10: Now start the server/],
      [
        'clientSocket.connect localhost $serverPort',
        /^» That did not work: the error above says why; type it again when it can work\. Type clientSocket\.connect localhost \$serverPort\n$/,
      ],
    ]);
  });

  it('a timeout step that did not time out says so in its own words, not "is a server already running"', async () => {
    const [port, relayPort] = [await freeFixedPort(), await freeFixedPort()];
    const { d, seen } = shell();
    await walk(d, udpToRelay(port, relayPort));
    // The relay step is done when the relay job listens, which it says after the line returns.
    const from = seen.length;
    await d.run('relay udp $relayPort localhost $serverPort --loss 50 --seed 2 &');
    await waitFor(
      () => seen.slice(from).some((l) => l.includes('Step 14 of 19')),
      () => `the relay step is done once the relay listens; seen: ${seen.slice(from).join('\n')}`,
    );
    await walk(d, [
      ['clientSocket.settimeout 5', /Step 15/],
      ['clientSocket.sendto hello localhost $relayPort', /Step 16 of 19/],
      // A datagram for the client from elsewhere: the wait the step expects to time out returns it.
      ['serverSocket.sendto early $clientAddress', /Not this step/],
      [
        'modifiedMessage, serverAddress = clientSocket.recvfrom 2048',
        /^» It worked where it should have failed with ETIMEDOUT: a datagram was there before the timeout: the relay let this one through, or one sent earlier was still waiting in the queue\.\n» Step 17 of 19/,
      ],
      ['kill %1', /./],
    ]);
  });

  it('a step done by what the engine saw says "Not yet" and why, not nothing, when the second accept came after the first connection socket was closed', async () => {
    const port = await freeFixedPort();
    const { d } = shell();
    await walk(d, [
      ...tcpOpening(port),
      ...tcpExchange,
      ['print From Server: $modifiedSentence', /Step 13 of 17/],
      ['client2 = tcp.connect localhost $serverPort', /Step 14 of 17/],
      // The next step, typed first: the step that needs both open can no longer happen with these two.
      [
        'connectionSocket.close',
        /^[^]*» Not yet: serverSocket has 0 accepted connections open, and this step needs 2 open at once; a connection socket closed before the next accept does not count/,
      ],
      [
        'conn2, addr2 = serverSocket.accept',
        /» Not yet: serverSocket has 1 accepted connection open, and this step needs 2 open at once; a connection socket closed before the next accept does not count: connect another client and accept it while the open one stays open\./,
      ],
      ['client3 = tcp.connect localhost $serverPort', /» Not yet: serverSocket has 1 accepted/],
      ['conn3, addr3 = serverSocket.accept', /accepted a second connection while the first is still open[^]*Step 15 of 17/],
    ]);
  });
});

describe('a close that reset the connection (user trial: the lesson said "Closing sent a FIN" under the reset warning)', () => {
  it('the close step says it reset, and the client recv that then fails with ECONNRESET is done, with why', async () => {
    const port = await freeFixedPort();
    const { d } = shell();
    await walk(d, [
      ...tcpOpening(port),
      ...tcpExchange,
      // The student's own extra send: it lies unread on connectionSocket when the server closes.
      ['clientSocket.send extra', /step 7 again; you are at step 12/],
      ['print From Server: $modifiedSentence', /Step 13 of 17/],
      ['client2 = tcp.connect localhost $serverPort', /Step 14 of 17/],
      ['conn2, addr2 = serverSocket.accept', /Step 15 of 17/],
    ]);
    await waitFor(() => d.core.session.engine.list().find((x) => x.name === 'connectionSocket')?.queued.count === 5, 'extra unread');
    const closed = said((await d.run('connectionSocket.close')).out);
    expect(closed).toMatch(/» Closing reset the connection \(RST\) instead of sending a FIN: bytes the client sent were still unread/);
    expect(closed).not.toMatch(/Closing sent a FIN/);
    expect(closed).toMatch(/Step 16 of 17/);
    const recv = said((await d.run('clientSocket.recv 1024')).out);
    expect(recv).toMatch(/» ECONNRESET \(Python: ConnectionResetError\): the connection was reset, not closed with a FIN[^]*Step 17 of 17/);
    expect(recv).not.toMatch(/type it again/);
  });
});

describe('a lesson resumed in a new session', () => {
  const stateFile = () => {
    const dir = mkdtempSync(join(tmpdir(), 'sockshell-state-'));
    dirs.push(dir);
    return join(dir, 'sockshell', 'lessons.json');
  };

  it("lists the student's own lines (their port), leaving out the step that was meant to fail", async () => {
    const port = await freeFixedPort();
    const file = stateFile();
    const { d: first } = shell(file);
    await walk(first, [
      ['lesson tcp', /Step 1 of 17/],
      [`serverPort = ${port}`, /Step 2 of 17/],
      ['clientSocket = tcp.socket', /Step 3 of 17/],
      ['clientSocket.connect 127.0.0.1 $serverPort', /ECONNREFUSED[^]*Step 4 of 17/],
      ['serverSocket = tcp.listen $serverPort 5', /Step 5 of 17/],
    ]);
    await first.close();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      tcp: {
        at: 4,
        typed: [
          [`serverPort = ${port}`],
          ['clientSocket = tcp.socket'],
          ['clientSocket.connect 127.0.0.1 $serverPort'],
          ['serverSocket = tcp.listen $serverPort 5'],
        ],
      },
    });
    const { d: second } = shell(file);
    const back = (await second.run('lesson tcp')).out;
    expect(back).toContain(
      [
        '» Earlier steps, as you typed them:',
        `    serverPort = ${port}`,
        '    clientSocket = tcp.socket',
        '    serverSocket = tcp.listen $serverPort 5',
        '» Step 5 of 17',
      ].join('\n'),
    );
    expect(back).not.toContain('12000');
  });

  it('the lines of a kept near miss are listed, and typing them again is the step again, not a wrong one', async () => {
    const port = await freeFixedPort();
    const file = stateFile();
    const opening: [string, RegExp][] = [
      [`serverPort = ${port}`, /./],
      ['clientSocket = udp.socket', /./],
      ['clientSocket.getsockname', /./],
      ['clientSocket.sendto hello localhost $serverPort', /./],
      ['serverSocket = udp.bind $serverPort', /./],
      ['clientSocket.sendto hello localhost $serverPort', /./],
    ];
    const { d: first } = shell(file);
    await walk(first, [['lesson udp', /Step 1 of 19/], ...opening]);
    await walk(first, [
      ['serverSocket.recvfrom 2048', /Nearly/],
      ['message, clientAddress = $_', /Step 8 of 19/],
    ]);
    await first.close();
    const { d: second } = shell(file);
    expect((await second.run('lesson udp')).out).toContain(
      [
        '    clientSocket.sendto hello localhost $serverPort',
        '    serverSocket.recvfrom 2048',
        '    message, clientAddress = $_',
        '» Step 8 of 19',
      ].join('\n'),
    );
    await walk(second, opening);
    await walk(second, [
      ['serverSocket.recvfrom 2048', /^\(b'hello', \('127\.0\.0\.1', \d+\)\)\n» \(step 7 again; you are at step 8\)\n$/],
      ['message, clientAddress = $_', /^» \(step 7 again; you are at step 8\)\n$/],
      ['modifiedMessage = upper $message', /Step 9 of 19/],
    ]);
  });

  it("a place the first version wrote (a bare step number) resumes, with the lesson's own lines", async () => {
    const file = stateFile();
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, JSON.stringify({ udp: 2 }));
    const { d } = shell(file);
    const back = (await d.run('lesson udp')).out;
    expect(back).toContain(['» Earlier steps:', '    serverPort = 12000', '    clientSocket = udp.socket', '» Step 3 of 19'].join('\n'));
  });
});
