import { createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { atTerminal, hasScript } from '../helpers/terminal.js';
import { render } from '../helpers/vt.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Trial 7, L: at a terminal, a prompt that came without a newline (b'login: ') showed on a line of
 * its own and the answer was typed on the next; nc shows `login: alice`. interact now shows the
 * start of a line at the start of the line being typed, and the line whole once its end comes
 * (keeping G: a line that arrives in pieces is one line). A terminal with cursor control (xterm),
 * read as a person reads it (helpers/vt.ts).
 */

/**
 * A login server: `login: `, `password: `, then `welcome NAME` and `> ` after each line, which it
 * echoes; `ab` for SPLIT, and the rest of that line (`c\n> `) when the test calls rest().
 */
async function loginServer(): Promise<{ port: number; rest: () => void; close: () => void }> {
  const conns: Socket[] = [];
  const server = createServer({ allowHalfOpen: true }, (c) => {
    conns.push(c);
    let step = 0;
    let name = '';
    c.write('login: ');
    c.on('data', (d: Buffer) => {
      const line = d.toString().trim();
      if (step === 0) {
        name = line;
        c.write('password: ');
      } else if (step === 1) c.write(`welcome ${name}\n> `);
      else if (line === 'SPLIT') c.write('ab');
      else c.write(`echo: ${line}\n> `);
      step++;
    });
    c.on('end', () => c.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    rest: () => conns[0]!.write('c\n> '),
    close: () => {
      for (const c of conns) c.destroy();
      server.close();
    },
  };
}

describe.runIf(hasScript)('interact at a terminal with cursor control', () => {
  it('shows a prompt without a newline where the answer is typed, as nc does', async () => {
    const peer = await loginServer();
    const t = atTerminal('', { TERM: 'xterm' }, { size: { columns: 100, rows: 40 } });
    const rows = () => render(t.screen(), 100);
    /** Waits until the last row shown (where the cursor is) is `last`. */
    const showsLast = (last: string, what: string) =>
      waitFor(
        () =>
          rows()
            .filter((r) => r !== '')
            .at(-1) === last.trimEnd(),
        () => `${what}; screen=${JSON.stringify(rows())}`,
      );
    try {
      await showsLast('sockshell>', 'first prompt');
      t.child.stdin.write(`c = tcp.connect 127.0.0.1 ${peer.port}\r`);
      await showsLast('sockshell c>', 'connected');
      t.child.stdin.write('interact c\r');
      await showsLast('login:', 'the login prompt');
      t.child.stdin.write('alice\r');
      await showsLast('password:', 'the password prompt');
      t.child.stdin.write('secret\r');
      await showsLast('>', 'the first > prompt');
      t.child.stdin.write('SPLIT\r');
      // The start of the line shows where the typing goes (before the fix: once 0.15 s had passed, on a line of its own).
      await waitFor(() => rows().some((r) => r === 'ab'), 'the first piece');
      peer.rest();
      await waitFor(() => rows().some((r) => r === 'abc' || r === 'c'), 'the end of the line sent in two pieces');
      await showsLast('>', 'the next > prompt');
      t.child.stdin.write('\x04');
      await waitFor(() => rows().some((r) => r.startsWith('# interact ended')), 'interact ended');
      const shown = rows();
      const from = shown.findIndex((r) => r.endsWith('(the socket stays open)')); // the end of interact's first line, wrapped
      expect(shown.slice(from + 1, from + 7)).toEqual(['login: alice', 'password: secret', 'welcome alice', '> SPLIT', 'abc', '>']);
      expect(shown.find((r) => r.startsWith('# interact ended'))).toBe(
        '# interact ended: both sides closed; sent 19 bytes, received 39 bytes',
      );
      t.child.stdin.write('\x04');
      expect(await t.exited).toBe(0);
    } finally {
      t.kill();
      peer.close();
    }
  });
});
