import { createServer, type Server, type Socket } from 'node:net';
import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { CoreDriver } from './helpers/core-driver.js';
import { waitFor } from './helpers/wait.js';

/**
 * Trial 7, K: `interact --hex` shows both directions as hex rows, as `ncat --hex-dump` and `socat -x`
 * do: `>` what went, `<` what came, each row with the offset in its direction's stream, sixteen
 * bytes in hex and their printable column. Real loopback peers.
 */
let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

/** A TCP server that answers each chunk with `reply(chunk)` and closes after the client's FIN. */
async function peer(reply: (d: Buffer) => Buffer): Promise<number> {
  const server: Server = createServer({ allowHalfOpen: true }, (c: Socket) => {
    c.on('data', (d: Buffer) => c.write(reply(d)));
    c.on('end', () => c.end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(() => new Promise<void>((r) => server.close(() => r())));
  return (server.address() as { port: number }).port;
}

/** Types each line once `received` bytes have come on socket `name`; null is Ctrl-D. */
function typist(steps: [number, string | null][], name: string): CoreDriver {
  const d: CoreDriver = new CoreDriver({
    readLine: async () => {
      const [received, line] = steps.shift() ?? [0, null];
      const count = () => d.core.session.engine.list().find((s) => s.name === name)?.bytesReceived ?? -1;
      await waitFor(() => count() >= received, `${received} bytes on ${name}`);
      return line;
    },
  });
  cleanup.push(() => d.close());
  return d;
}

const rows = (out: string): string[] => out.split('\n').filter((l) => /^[<>] /.test(l));

describe('interact --hex (trial 7, K)', () => {
  it('shows what went and what came as hex rows with offsets in each direction and a printable column', async () => {
    const port = await peer((d) => Buffer.concat([Buffer.from(d.toString().toUpperCase()), Buffer.from([0x00, 0xff, 0x1b])]));
    const d = typist(
      [
        [0, 'hello'],
        [9, 'a longer line of text'],
        [9 + 25, null],
      ],
      'c',
    );
    await d.ok(`c = tcp.connect 127.0.0.1 ${port}`);
    const ran = await d.run('interact c --hex --crlf');
    expect(rows(ran.out)).toEqual([
      '> 00000000  68 65 6c 6c 6f 0d 0a                              |hello..|',
      '< 00000000  48 45 4c 4c 4f 0d 0a 00  ff 1b                    |HELLO.....|',
      '> 00000007  61 20 6c 6f 6e 67 65 72  20 6c 69 6e 65 20 6f 66  |a longer line of|',
      '> 00000017  20 74 65 78 74 0d 0a                              | text..|',
      '< 0000000a  41 20 4c 4f 4e 47 45 52  20 4c 49 4e 45 20 4f 46  |A LONGER LINE OF|',
      '< 0000001a  20 54 45 58 54 0d 0a 00  ff 1b                    | TEXT.....|',
    ]);
    // Nothing arrives as text besides: the hex is the view.
    expect(ran.out.split('\n').filter((l) => l !== '' && !/^[<>#] /.test(l))).toEqual([]);
  });

  it('on UDP each datagram is rows of its own, from offset 0', async () => {
    const server = createSocket('udp4');
    server.on('message', (m, r) => server.send(Buffer.from(`got ${m.toString()}`), r.port, r.address));
    await new Promise<void>((r) => server.bind(0, '127.0.0.1', r));
    cleanup.push(() => new Promise<void>((r) => server.close(() => r())));
    const d = typist(
      [
        [0, 'one'],
        [8, 'two'],
        [16, null],
      ],
      'u',
    );
    await d.ok('u = udp.socket', `u.connect 127.0.0.1 ${server.address().port}`);
    const ran = await d.run('interact u --hex');
    expect(rows(ran.out)).toEqual([
      '> 00000000  6f 6e 65 0a                                       |one.|',
      '< 00000000  67 6f 74 20 6f 6e 65 0a                           |got one.|',
      '> 00000000  74 77 6f 0a                                       |two.|',
      '< 00000000  67 6f 74 20 74 77 6f 0a                           |got two.|',
    ]);
  });

  it('help interact names the flag', async () => {
    const d = typist([], 'c');
    expect((await d.run('help interact')).out).toMatch(/--hex: .*hex/);
  });
});
