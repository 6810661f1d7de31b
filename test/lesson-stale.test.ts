import { afterEach, describe, expect, it } from 'vitest';
import { CoreDriver } from './helpers/core-driver.js';
import { waitFor, waitForAsync } from './helpers/wait.js';
import { freeFixedPort } from './helpers/proc.js';
import { said, saidAfter, tcpExchange, tcpOpening, udpToRelay, walk } from './helpers/lesson-walk.js';
import { parseLesson } from '../src/commands/lesson-file.js';

/**
 * A lesson's text follows the engine's record of the student's sockets, not the path it expected
 * (trial #3): an off-step sendto binds the client's socket, and the steps after it must not say it
 * has no port. A well-known port for the server is refused with the reason (trial #8).
 */

const drivers: CoreDriver[] = [];
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.close();
});
const shell = (): CoreDriver => drivers[drivers.push(new CoreDriver()) - 1]!;

const run = saidAfter;

describe("the steps' words follow what the student's sockets are", () => {
  it('UDP, trial #3: a sendto off the path binds the client; getsockname and the first sendto say so, with the port', async () => {
    const port = await freeFixedPort();
    const d2 = shell();
    await walk(d2, [
      ['lesson udp', /Step 1 of 19/],
      [`serverPort = ${port}`, /Step 2 of 19/],
      ['c = udp.socket', /It has no port yet[^]*Step 3 of 19/],
      // Off the path: a sendto before getsockname binds c to a port the OS picks.
      ['c.sendto hi localhost 9', /Not this step/],
    ]);
    const getsockname = await run(d2, 'c.getsockname');
    const port2 = /^\('0\.0\.0\.0', (\d+)\)$/m.exec(getsockname)?.[1];
    expect(port2).toBeDefined();
    expect(getsockname).not.toMatch(/no port yet|» \('0\.0\.0\.0', 0\)/);
    expect(getsockname).toMatch(new RegExp(`» \\('0\\.0\\.0\\.0', ${port2}\\): c has a port already`));
    const sendto = await run(d2, 'c.sendto hello localhost $serverPort');
    expect(sendto).not.toMatch(/on this first sendto/);
    expect(sendto).toMatch(new RegExp(`left from c's port ${port2}, which it had before this step`));
  });

  it('UDP, the path as written: the first sendto tells the port the OS picked, by number', async () => {
    const port = await freeFixedPort();
    const d = shell();
    await walk(d, [
      ['lesson udp', /Step 1 of 19/],
      [`serverPort = ${port}`, /Step 2 of 19/],
      ['clientSocket = udp.socket', /Step 3 of 19/],
      ['clientSocket.getsockname', /» \('0\.0\.0\.0', 0\): no port yet/],
    ]);
    const sendto = await run(d, 'clientSocket.sendto hello localhost $serverPort');
    const bound = (await d.run('clientSocket.getsockname')).out;
    const picked = /\('0\.0\.0\.0', (\d+)\)/.exec(bound)?.[1];
    expect(sendto).toMatch(new RegExp(`The OS also bound clientSocket to port ${picked}, of its choosing, on this first sendto`));
  });

  it("UDP: an extra datagram in the client's queue is said to be there; print does not claim the reply was upper-cased", async () => {
    const port = await freeFixedPort();
    const d = shell();
    await walk(d, [
      ...udpToRelay(port, 0).slice(0, 9),
      ['serverSocket.sendto modifiedMessage $clientAddress', /Not this step/],
      ['serverSocket.sendto $modifiedMessage $clientAddress', /Step 10 of 19/],
    ]);
    // Both replies in clientSocket's queue before the step takes the first.
    let table = '';
    await waitForAsync(
      async () => /2 datagrams/.test((table = (await d.run('sockets')).out)),
      () => `two datagrams wait on clientSocket; sockets:\n${table}`,
    );
    await walk(d, [
      [
        'modifiedMessage, serverAddress = clientSocket.recvfrom 2048',
        /» The client has a datagram, and its sender's address with it; more wait in clientSocket's queue/,
      ],
      ['print $modifiedMessage', /^modifiedMessage\n» That is what came back from the server/],
    ]);
  });

  it("a port a socket of this shell holds is refused for the relay (it is the server's) and for a second UDP server, not for TCP", async () => {
    const port = await freeFixedPort();
    const d = shell();
    await walk(d, udpToRelay(port, 0).slice(0, 12));
    expect(await run(d, `relayPort = ${port}`)).toMatch(
      new RegExp(
        `» A UDP socket is bound to port ${port} already[^\\n]*a second bind there would fail with EADDRINUSE\\. Choose another: relayPort = 12001`,
      ),
    );
    await walk(d, [
      ['lesson udp --restart', /Step 1 of 19/],
      [`serverPort = ${port}`, /» A UDP socket of this shell is bound to port \d+ already/],
      ['lesson tcp', /Step 1 of 17/],
      [`serverPort = ${port}`, /serverPort is set[^]*Step 2 of 17/],
    ]);
  });

  it('UDP: the timeout step after the relay passed a datagram (one sent through it off the path) does not say the relay lost it', async () => {
    const [port, relayPort] = [await freeFixedPort(), await freeFixedPort()];
    const seen: string[] = [];
    const d = new CoreDriver({ onLine: (l) => seen.push(l.text) });
    drivers.push(d);
    await walk(d, udpToRelay(port, relayPort));
    await d.run('relay udp $relayPort localhost $serverPort --loss 50 --seed 2 &');
    await waitFor(
      () => seen.some((l) => l.includes('Step 14 of 19')),
      () => `the relay listens; seen:\n${seen.join('\n')}`,
    );
    // Off the path, the first datagram through the relay: the seed makes it the one lost; the next passes.
    await walk(d, [
      ['clientSocket.sendto hello localhost $relayPort', /Not this step/],
      ['clientSocket.settimeout 1', /Step 15 of 19/],
      ['clientSocket.sendto hello localhost $relayPort', /Step 16 of 19/],
    ]);
    let table = '';
    await waitForAsync(
      async () => /serverSocket[^\n]*1 datagram/.test((table = (await d.run('sockets')).out)),
      () => `the relay passes the second datagram to serverSocket; sockets:\n${table}`,
    );
    const timedOut = await run(d, 'modifiedMessage, serverAddress = clientSocket.recvfrom 2048');
    expect(timedOut).toMatch(/» recvfrom timed out: no reply came in time\. A datagram waits in serverSocket's queue/);
    expect(timedOut).not.toMatch(/the relay lost the datagram/);
    // The relay still runs: each send through it is told by what the relay did with it (the seed loses
    // the 3rd, 4th and 5th, passes the 6th), when it has done it, not hedged when sendto returns.
    const told = async (n: number, what: RegExp): Promise<string> => {
      const from = seen.length;
      await d.run('clientSocket.sendto hello localhost $relayPort');
      await waitFor(
        () => what.test(said(seen.slice(from).join('\n'))),
        () => `the relay's fate of datagram ${n}; seen:\n${seen.slice(from).join('\n')}`,
      );
      return said(seen.slice(from).join('\n'));
    };
    // Straight to the server's port, past the relay: it reaches serverSocket, but it did not get through the relay.
    const past = await run(d, 'clientSocket.sendto hello localhost $serverPort');
    expect(past).toMatch(/» \(step 4 again; you are at step 17\)/);
    expect(past).not.toMatch(/got through|Step 18/);
    for (const n of [3, 4, 5]) {
      const lost = await told(n, /» The relay lost this one too/);
      expect(lost).toMatch(/» The relay lost this one too \(jobs lists it among the lost\): it never reached serverSocket[^]*Send again/);
      expect(lost).not.toMatch(/got through|Step 18/);
    }
    const through = await told(6, /Step 18 of 19/);
    // The off-path datagram waits in serverSocket's queue already: no new notice comes, and the words do not claim one.
    expect(through).toMatch(/» This one got through: it joined the datagrams already waiting in serverSocket's queue[^]*Step 18 of 19/);
    expect(through).not.toMatch(/lost this one|No notice/);
    await d.run('kill %1');
  });

  it('UDP: the relay stopped early (kill 1, or kill %1 ahead of its step): the send says no relay listens, and the kill step is done', async () => {
    const [port, relayPort] = [await freeFixedPort(), await freeFixedPort()];
    const seen: string[] = [];
    const d = new CoreDriver({ onLine: (l) => seen.push(l.text) });
    drivers.push(d);
    await walk(d, udpToRelay(port, relayPort));
    await d.run('relay udp $relayPort localhost $serverPort --loss 50 --seed 2 &');
    await waitFor(
      () => seen.some((l) => l.includes('Step 14 of 19')),
      () => `the relay listens; seen:\n${seen.join('\n')}`,
    );
    await walk(d, [
      ['clientSocket.settimeout 1', /Step 15 of 19/],
      ['clientSocket.sendto hello localhost $relayPort', /Step 16 of 19/],
      ['modifiedMessage, serverAddress = clientSocket.recvfrom 2048', /Step 17 of 19/],
      ['kill 1', /Not this step/], // step 18's, typed ahead: the relay stops all the same
    ]);
    await waitFor(
      () => seen.some((l) => l.includes('[1] stopped')),
      () => `the relay stops; seen:\n${seen.join('\n')}`,
    );
    await walk(d, [
      ['clientSocket.sendto hello localhost $relayPort', /» sendto returned, but no relay listens on relayPort now[^]*Step 18 of 19/],
      ['kill %1', /» The relay has stopped already[^]*Step 19 of 19/],
    ]);
  });

  it("a server's socket made ahead of its step does the step when the lesson gets there; the connect that then works says why", async () => {
    const port = await freeFixedPort();
    const d = shell();
    await walk(d, [
      ...tcpOpening(port).slice(0, 3),
      ['serverSocket = tcp.listen $serverPort', /Not this step/],
      [
        'clientSocket.connect localhost $serverPort',
        /» It worked where it should have failed with ECONNREFUSED: serverSocket listens on that port already \(made before its step\), so the handshake completed\.\n» Step 4 \(serverSocket = tcp\.listen \$serverPort\) is done already: serverSocket was made before it\.\n» serverSocket is the welcoming socket[^]*Step 6 of 17/,
      ],
      ['connectionSocket, addr = serverSocket.accept', /Step 7 of 17/],
    ]);
    const udpPort = await freeFixedPort();
    const u = shell();
    await walk(u, [
      ...udpToRelay(udpPort, 0).slice(0, 4),
      ['s = udp.bind $serverPort', /Not this step/],
      [
        'clientSocket.sendto hello localhost $serverPort',
        /» sendto returned the bytes it handed to the OS\. s is bound already[^]*Step 5 \(s = udp\.bind \$serverPort\) is done already[^]*Step 6 of 19/,
      ],
    ]);
  });

  it('TCP: the client closed before the second client: the words say so, and its recv step, which can never work, is done with why', async () => {
    const port = await freeFixedPort();
    const d = shell();
    await walk(d, [
      ...tcpOpening(port),
      ...tcpExchange,
      ['print "From Server: " $modifiedSentence', /Step 13 of 17/],
      ['clientSocket.close', /Not this step/],
      [
        'client2 = tcp.connect localhost $serverPort',
        /» client2's handshake is done too[^]*\(clientSocket is closed already[^]*Step 14 of 17/,
      ],
      ['conn2, addr2 = serverSocket.accept', /Step 15 of 17/],
      ['connectionSocket.close', /» Closing sent a FIN\. The client had ended its side first[^]*Step 16 of 17/],
      [
        'clientSocket.recv 1024',
        /» clientSocket is closed already \(closed before this step\), so it can do nothing more[^]*b'': end of file[^]*Step 17 of 17/,
      ],
    ]);
  });

  it.skipIf(process.platform !== 'linux')(
    'two terminals, UDP: the client sending again before the server terminal bound is refused, with why; once bound, it is the step',
    async () => {
      const port = await freeFixedPort();
      const client = shell();
      const server = shell();
      await walk(client, [
        ['lesson udp --client', /Step 1 of 15/],
        [`serverPort = ${port}`, /Step 2 of 15/],
        ['clientSocket = udp.socket', /Step 3 of 15/],
        ['clientSocket.getsockname', /Step 4 of 15/],
        ['clientSocket.sendto hello localhost $serverPort', /Step 5 of 15/],
        [
          'clientSocket.sendto hello localhost $serverPort',
          new RegExp(
            `» No socket on this host is bound to UDP port ${port} yet: the server terminal has not bound serverSocket[^]*send again here`,
          ),
        ],
      ]);
      await walk(server, [
        ['lesson udp --server', /Step 1 of \d+/],
        [`serverPort = ${port}`, /Step 2/],
        ['serverSocket = udp.bind $serverPort', /Step 3/],
      ]);
      await walk(client, [
        [
          'clientSocket.sendto hello localhost $serverPort',
          /» The server's socket is bound, so the datagram is in its queue now[^]*Step 6 of 15/,
        ],
      ]);
    },
  );

  it('trial #8: serverPort below 1024 is refused, with why, and the step stays; above 65535 too', async () => {
    const d = shell();
    await walk(d, [['lesson tcp', /Step 1 of 17/]]);
    const eighty = await run(d, 'serverPort = 80');
    expect(eighty).toMatch(/» 80 is a well-known port[^\n]*EACCES[^\n]*ip_unprivileged_port_start[^\n]*serverPort = 12000/);
    expect(eighty).not.toMatch(/Step 2/);
    expect(await run(d, 'serverPort = 70000')).toMatch(/» 70000 is not a port[^\n]*65535/);
    const port = await freeFixedPort();
    expect(await run(d, `serverPort = ${port}`)).toMatch(/serverPort is set[^]*Step 2 of 17/);
  });
});

describe('two terminals, TCP: the server closes its connection socket before the client reaches its recv', () => {
  it("the client's step says the FIN came (it said the server was about to close); the server's close does not claim the client closed first", async () => {
    const port = await freeFixedPort();
    const seen: string[] = [];
    const server = new CoreDriver({ onLine: (l) => seen.push(l.text) });
    drivers.push(server);
    const client = shell();
    const unprompted = async (step: string): Promise<void> => {
      await waitFor(
        () => said(seen.join('\n')).includes(step),
        () => `the server terminal at ${step}: ${seen.join('\n')}`,
      );
    };
    await walk(client, [
      ['lesson tcp --client', /Step 1 of 10/],
      [`serverPort = ${port}`, /Step 2 of 10/],
      ['clientSocket = tcp.socket', /Step 3 of 10/],
      ['clientSocket.connect localhost $serverPort', /Step 4 of 10/],
    ]);
    await walk(server, [
      ['lesson tcp --server', /Step 1 of 9/],
      [`serverPort = ${port}`, /Step 2 of 9/],
      ['serverSocket = tcp.listen $serverPort', /Step 3 of 9/],
    ]);
    await walk(client, [['clientSocket.connect localhost $serverPort', /Step 5 of 10/]]);
    await unprompted('Step 4 of 9');
    await walk(server, [['connectionSocket, addr = serverSocket.accept', /Step 5 of 9/]]);
    await walk(client, [['clientSocket.send hello', /Step 6 of 10/]]);
    await walk(server, [
      ['sentence = connectionSocket.recv 1024', /Step 6 of 9/],
      ['capitalizedSentence = upper $sentence', /Step 7 of 9/],
      ['connectionSocket.send $capitalizedSentence', /Step 8 of 9/],
    ]);
    await walk(client, [
      ['modifiedSentence = clientSocket.recv 1024', /Step 7 of 10/],
      ['print "From Server: " $modifiedSentence', /Step 8 of 10/],
      ['client2 = tcp.connect localhost $serverPort', /Step 9 of 10: The server terminal is about to close/],
    ]);
    await walk(server, [['conn2, addr2 = serverSocket.accept', /Step 9 of 9/]]);
    const close = await run(server, 'connectionSocket.close');
    expect(close).toMatch(/» Closing sent a FIN: the client's end learns that no more data will come/);
    expect(close).not.toMatch(/FIN came first|FIN came before/);
    await waitFor(
      () => client.core.session.engine.list().some((s) => s.name === 'clientSocket' && s.state === 'CLOSE_WAIT'),
      "the server's FIN at clientSocket",
    );
    // Coming back to the step (lesson stop, then lesson tcp --client) says it again, as it is now.
    await run(client, 'lesson stop');
    const back = await run(client, 'lesson tcp --client');
    expect(back).toMatch(/Step 9 of 10: The server terminal has closed its connection socket already: its FIN has reached clientSocket/);
    expect(back).not.toMatch(/is about to close/);
    await walk(client, [['clientSocket.recv 1024', /» b'': end of file[^]*Step 10 of 10/]]);
  });
});

describe('variants in a lesson file', () => {
  const file = (body: string) => `title: t\nstep: n = 3\nstep: s = udp.socket\n${body}\nstep: s.getsockname\n`;

  it('parse: the first variant that holds is said; a condition or placeholder naming no socket or variable of the lesson is an error', () => {
    const lesson = parseLesson('t', file('then: plain\nthen if s bound: {s.address} bound\n  still\nrefuse if n below 3: no'), 'x.lesson');
    expect(lesson.steps[1]!.variants.then).toEqual([
      { when: { kind: 'bound', role: 's', bound: true, was: false }, text: '{s.address} bound still' },
    ]);
    expect(() => parseLesson('t', file('then if t bound: x'), 'x.lesson')).toThrow(
      /t is neither a socket of the lesson \(s\) nor a variable its steps set/,
    );
    expect(() => parseLesson('t', file('then if s is happy: x'), 'x.lesson')).toThrow(/a condition is NAME bound/);
    expect(() => parseLesson('t', file('then: {s.colour}'), 'x.lesson')).toThrow(/\{s\.colour\} is not a placeholder/);
    expect(() => parseLesson('t', file('refuse: x'), 'x.lesson')).toThrow(/expected 'field: text'/);
  });
});
