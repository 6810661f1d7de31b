import { createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { atTerminal, hasScript, type Terminal } from '../helpers/terminal.js';
import { waitFor as waitUntil } from '../helpers/wait.js';

/**
 * interact at a terminal: Ctrl-D on the empty line after a reply ends the input (a FIN) and leaves
 * no blank lines before what comes next (user trial 5: node:repl's Ctrl-D and the cancelled
 * question each moved to a new line, two blank lines before "# interact ended").
 */

/**
 * The shell at a terminal, connected to 127.0.0.1:port as c; `body` drives it and ends where interact
 * has ended (the prompt back); then Ctrl-D leaves, with status 0. Resolves with the screen body left.
 */
async function connectedShell(port: number, body: (t: Terminal) => Promise<void>): Promise<string> {
  const t = atTerminal('');
  try {
    await t.waitFor(/sockshell> $/, 'first prompt');
    t.child.stdin.write(`c = tcp.connect 127.0.0.1 ${port}\r`);
    await t.waitFor(/sockshell c> $/, 'connected');
    await body(t);
    await t.waitFor(/# interact ended[^\n]*\r*\nsockshell c> $/, 'interact ended');
    const screen = t.screen().replace(/\r/g, '');
    t.child.stdin.write('\x04');
    expect(await t.exited).toBe(0);
    return screen;
  } finally {
    t.kill();
  }
}

/**
 * A peer that answers each chunk with reply(chunk) and closes once the client's FIN has come; the shell
 * at a terminal connects to it as c, runs `interact c FLAGS`, types `typed`, waits for `answered` and
 * presses Ctrl-D. Resolves with the screen once interact has ended.
 */
async function interactAtTerminal(reply: (chunk: string) => string, flags: string, typed: string, answered: RegExp): Promise<string> {
  const conns: Socket[] = [];
  const server = createServer({ allowHalfOpen: true }, (c) => {
    conns.push(c);
    c.on('data', (d) => c.write(reply(d.toString())));
    c.on('end', () => c.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  try {
    return await connectedShell(port, async (t) => {
      t.child.stdin.write(`interact c${flags}\r`);
      await t.waitFor(/Ctrl-C stops \(the socket stays open\)\r*\n$/, 'interact started');
      t.child.stdin.write(`${typed}\r`);
      await t.waitFor(answered, 'the reply');
      t.child.stdin.write('\x04');
    });
  } finally {
    for (const c of conns) c.destroy();
    server.close();
  }
}

describe.runIf(hasScript)('interact at a terminal', () => {
  it('Ctrl-D after the reply: the reply, then the end, with no blank line between', async () => {
    const screen = await interactAtTerminal((d) => d.toUpperCase(), '', 'hello', /\nHELLO\r*\n$/);
    expect(screen).toMatch(/\nHELLO\n# interact ended: both sides closed; sent 6 bytes, received 6 bytes\nsockshell c> $/);
  });

  it('a CR LF reply shows as a line, without a \\r at its end (developer trial 7)', async () => {
    const screen = await interactAtTerminal((d) => `250 ${d.trim().toUpperCase()}\r\n`, ' --crlf', 'helo me', /\n250 HELO ME[^\n]*\n$/);
    expect(screen).toMatch(/\nhelo me\n250 HELO ME\n# interact ended/);
  });
});

/** A peer that keeps what it is sent (got()) and closes after the client's FIN; conns: its connections. */
async function keepingPeer(): Promise<{ port: number; got: () => string; conns: Socket[]; close: () => void }> {
  let got = '';
  const conns: Socket[] = [];
  const server = createServer({ allowHalfOpen: true }, (c) => {
    conns.push(c);
    c.on('data', (d) => (got += d.toString()));
    c.on('end', () => c.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = (): void => {
    for (const c of conns) c.destroy();
    server.close();
  };
  return { port: (server.address() as { port: number }).port, got: () => got, conns, close };
}

describe.runIf(hasScript)('lines pasted into interact', () => {
  it('sends every line of a paste, the empty one too (devtrial: the lines after the first ran as commands)', async () => {
    const peer = await keepingPeer();
    try {
      const screen = await connectedShell(peer.port, async (t) => {
        t.child.stdin.write('interact c --crlf\r');
        await t.waitFor(/Ctrl-C stops \(the socket stays open\)\r*\n$/, 'interact started');
        t.child.stdin.write('GET / HTTP/1.1\rHost: x\r\r');
        await waitUntil(
          () => peer.got().endsWith('\r\n\r\n'),
          () => `the three lines at the peer; it has ${JSON.stringify(peer.got())}`,
        );
        t.child.stdin.write('\x04');
      });
      expect(peer.got()).toBe('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
      expect(screen).not.toContain('not run');
    } finally {
      peer.close();
    }
  });
});

describe.runIf(hasScript)('lines typed ahead of interact (trial 8, R)', () => {
  it('are its input: typed while the command before it waited, they are sent, the empty one too, and shown after it starts', async () => {
    const peer = await keepingPeer();
    try {
      const screen = await connectedShell(peer.port, async (t) => {
        // recv waits until the peer sends: everything typed meanwhile is typeahead.
        t.child.stdin.write('m = c.recv 5\r');
        await t.waitFor(/c is waiting for data[^\n]*\r*\n$/, 'recv waiting');
        t.child.stdin.write('interact c\rone\r\rtwo\r');
        await t.waitFor(/two\r*\n$/, 'the typeahead echoed as typed');
        peer.conns[0]!.write('ready');
        await waitUntil(
          () => peer.got() === 'one\n\ntwo\n',
          () => `the three lines at the peer; it has ${JSON.stringify(peer.got())}`,
        );
        t.child.stdin.write('\x04');
      });
      expect(screen).toMatch(/Ctrl-C stops \(the socket stays open\)\none\n\ntwo\n# interact ended: both sides closed; sent 9 bytes/);
      expect(screen).not.toContain('not run');
    } finally {
      peer.close();
    }
  });
});
