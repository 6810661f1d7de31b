import { createSocket, type Socket as Dgram } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { closedUdpPort } from './engine-helpers.js';
import { CoreDriver } from './helpers/core-driver.js';
import { waitFor } from './helpers/wait.js';

/**
 * interact on UDP sockets (developer trial 7): the totals count only what went out, and Ctrl-D ends
 * it, as UDP has no FIN to send and nothing more could be typed. Real datagrams on loopback.
 */
let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function udpPeer(): Promise<{ sock: Dgram; port: number; got: string[] }> {
  const sock = createSocket('udp4');
  const got: string[] = [];
  sock.on('message', (m) => got.push(m.toString()));
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  cleanup.push(() => new Promise<void>((r) => sock.close(() => r())));
  return { sock, port: sock.address().port, got };
}

/** Lines typed at interact: each a function run when interact asks, so a step can wait for the peer first. */
function typing(steps: (() => Promise<string | null>)[]): () => Promise<string | null> {
  return () => {
    const step = steps.shift();
    // Past the last step the person types nothing more: the read waits until Ctrl-C.
    return step ? step() : new Promise(() => undefined);
  };
}

describe('interact on UDP', () => {
  it('an unbound-to-anyone socket: the lines dropped before anyone sent are not counted as sent', async () => {
    const peer = await udpPeer();
    // The steps run once interact asks for a line, after d is made.
    const v = () => d.core.session.engine.list().find((s) => s.name === 'v')!;
    const steps = [
      async () => 'early', // nobody has sent yet: dropped, and said so
      async () => {
        peer.sock.send('hi\n', v().local!.port, '127.0.0.1');
        await waitFor(() => v().bytesReceived === 3, 'the peer datagram at v');
        return 'answer';
      },
    ];
    const d = new CoreDriver({ readLine: typing(steps) });
    cleanup.push(() => d.close());
    await d.ok('v = udp.bind 127.0.0.1 0');
    const running = d.run('interact v', 60_000);
    await waitFor(() => peer.got.length === 1, 'the answer at the peer');
    d.core.interrupt();
    const ran = await running;
    expect(peer.got).toEqual(['answer\n']);
    expect(ran.out).toContain('# no datagram has arrived yet, so there is nobody to send to: input dropped until one does');
    // 7 bytes went (answer\n); the 6 of early\n were dropped. The socket table agrees.
    expect(ran.err).toBe('^C interact cancelled; sent 7 bytes, received 3 bytes; the socket stays open and keeps its queued data\n');
    expect(v().bytesSent).toBe(7);
  });

  it('Ctrl-D ends it, saying so, and leaves the socket open for recvfrom', async () => {
    const peer = await udpPeer();
    const steps = [async () => 'one', async () => null];
    const d = new CoreDriver({ readLine: typing(steps) });
    cleanup.push(() => d.close());
    await d.ok('u = udp.socket', `u.connect 127.0.0.1 ${peer.port}`);
    const ran = await d.run('interact u', 5_000);
    expect(ran.interrupted).toBe(false);
    await waitFor(() => peer.got.length === 1, 'the datagram at the peer');
    expect(peer.got).toEqual(['one\n']);
    expect(ran.out).toContain(
      '# interact ended: end of input (UDP has no FIN to send); sent 4 bytes, received 0 bytes; u stays open, and datagrams that come now wait for recvfrom',
    );
    // The socket is still there and still receives.
    peer.sock.send('later', d.core.session.engine.list().find((s) => s.name === 'u')!.local!.port, '127.0.0.1');
    expect((await d.run('u.recvfrom 100')).out).toContain("b'later'");
  });

  it('ICMP port unreachable is said and interact carries on: a server started there gets the next line (as connect -u)', async () => {
    // Before: the first refusal ended interact with ECONNREFUSED, and the next line typed ran as a command.
    const port = await closedUdpPort();
    const shown: string[] = [];
    const refusals = () => shown.filter((l) => l.includes('came back as ICMP port unreachable')).length;
    let server: Dgram | null = null;
    const got: string[] = [];
    const steps = [
      async () => 'one',
      async () => {
        await waitFor(() => refusals() === 1, 'the first refusal said');
        return 'two';
      },
      async () => {
        await waitFor(() => refusals() === 2, 'the second refusal said');
        server = createSocket('udp4');
        const s = server;
        s.on('message', (m, from) => {
          got.push(m.toString());
          s.send(m.toString().toUpperCase(), from.port, from.address);
        });
        await new Promise<void>((r) => s.bind(port, '127.0.0.1', r));
        cleanup.push(() => new Promise<void>((r) => s.close(() => r())));
        return 'three';
      },
      async () => {
        await waitFor(() => shown.some((l) => l === 'THREE'), 'the answer shown');
        return null;
      },
    ];
    const d = new CoreDriver({ readLine: typing(steps), onLine: (l) => shown.push(l.text) });
    cleanup.push(() => d.close());
    await d.ok('c = udp.socket', `c.connect 127.0.0.1 ${port}`);
    const ran = await d.run('interact c', 60_000);
    expect(ran.err).toBe('');
    expect(got).toEqual(['three\n']);
    expect(ran.out).toContain(
      `# ECONNREFUSED: nothing is listening on 127.0.0.1 port ${port}: a datagram c sent there came back as ICMP port unreachable — start the server first (ConnectionRefusedError); carrying on, as UDP has no connection for it to end: what comes next is sent there too`,
    );
    expect(ran.out).toContain(
      '# interact ended: end of input (UDP has no FIN to send); sent 14 bytes, received 6 bytes; 2 datagrams came back as ICMP port unreachable;',
    );
    // save keeps every line sent, and says where Python's next call would have raised.
    const note =
      "then a datagram came back as ICMP port unreachable (ECONNREFUSED): Python's next call on the socket raises ConnectionRefusedError";
    const saved = (await d.run('save -')).out.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(saved).toEqual([
      'c = udp.socket',
      `c.connect 127.0.0.1 ${port}`,
      `c.send b'one\\n'  # ${note}`,
      `c.send b'two\\n'  # ${note}`,
      "c.send b'three\\n'",
      "data = c.recv 65536  # was b'THREE\\n'",
    ]);
  });
});
