import { createServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PARTIAL_LINE_WAIT } from '../src/commands/interact-lines.js';
import type { ShellLine } from '../src/repl/view.js';
import { CoreDriver } from './helpers/core-driver.js';
import { waitFor } from './helpers/wait.js';

/**
 * What interact shows of what arrives (developer trial 7): a line that came in two pieces was shown
 * as two lines, and every CR LF line end (HTTP, SMTP) as a visible `\r`. Real loopback peers.
 */
let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

/** A TCP server that runs `onConnection` for its one client and ends its side after the client's FIN. */
async function peer(onConnection: (c: Socket) => void): Promise<number> {
  const conns: Socket[] = [];
  const server = createServer({ allowHalfOpen: true }, (c) => {
    conns.push(c);
    c.on('end', () => c.end());
    onConnection(c);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(() => {
    for (const c of conns) c.destroy();
    return new Promise<void>((r) => server.close(() => r()));
  });
  return (server.address() as AddressInfo).port;
}

/** What arrived, without the shell's `# ` lines. */
const arrived = (lines: readonly ShellLine[]): string[] => lines.map((l) => l.text).filter((t) => !t.startsWith('# '));

describe('interact shows what arrives line by line', () => {
  it('a CR LF line end is the end of the line, not a \\r on every line; a lone CR stays escaped', async () => {
    const port = await peer((c) => c.on('data', (d) => c.write(`250 ${d.toString().trim().toUpperCase()}\r\na\rb\r\n`)));
    const lines: (string | null)[] = ['helo me', null];
    const d = new CoreDriver({ readLine: async () => (lines.length > 0 ? lines.shift()! : null) });
    cleanup.push(() => d.close());
    await d.ok(`c = tcp.connect 127.0.0.1 ${port}`);
    const ran = await d.run('interact c');
    expect(arrived(ran.lines)).toEqual(['250 HELO ME', 'a\\rb']);
    // The bytes themselves are as they came, CRs included: 13 + 5.
    expect(ran.out).toContain('# interact ended: both sides closed; sent 8 bytes, received 18 bytes');
  });

  it('a line that arrives in two pieces is shown as one line', async () => {
    let client: Socket | null = null;
    const port = await peer((c) => (client = c));
    const saved = PARTIAL_LINE_WAIT.ms;
    PARTIAL_LINE_WAIT.ms = 600_000; // the end of the line waits for its newline, however busy the machine
    cleanup.push(() => void (PARTIAL_LINE_WAIT.ms = saved));
    let d: CoreDriver | null = null;
    const received = () => d!.core.session.engine.list().find((s) => s.name === 'c')!.bytesReceived;
    d = new CoreDriver({
      readLine: async () => {
        await waitFor(() => client !== null, 'the connection at the peer');
        client!.write('abc');
        await waitFor(() => received() === 3, 'the first piece read by the shell');
        client!.write('def\n');
        await waitFor(() => received() === 7, 'the second piece read by the shell');
        return null;
      },
    });
    const driver = d;
    cleanup.push(() => driver.close());
    await driver.ok(`c = tcp.connect 127.0.0.1 ${port}`);
    const ran = await driver.run('interact c');
    expect(arrived(ran.lines)).toEqual(['abcdef']);
  });

  it('a prompt without a newline (login: ) is shown while interact waits for a line', async () => {
    const port = await peer((c) => c.write('login: '));
    const seen: string[] = [];
    const d = new CoreDriver({
      onLine: (l) => seen.push(l.text),
      readLine: async () => {
        await waitFor(() => seen.includes('login: '), 'the prompt shown before anything is typed');
        return null;
      },
    });
    cleanup.push(() => d.close());
    await d.ok(`c = tcp.connect 127.0.0.1 ${port}`);
    const ran = await d.run('interact c');
    expect(arrived(ran.lines)).toEqual(['login: ']);
  });
});
