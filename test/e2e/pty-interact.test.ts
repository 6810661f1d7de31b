import { createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { atTerminal, hasScript } from '../helpers/terminal.js';

/**
 * interact at a terminal: Ctrl-D on the empty line after a reply ends the input (a FIN) and leaves
 * no blank lines before what comes next (user trial 5: node:repl's Ctrl-D and the cancelled
 * question each moved to a new line, two blank lines before "# interact ended").
 */
describe.runIf(hasScript)('interact at a terminal', () => {
  it('Ctrl-D after the reply: the reply, then the end, with no blank line between', async () => {
    // A peer that upper-cases what it reads, and closes once the client's FIN has come.
    const conns: Socket[] = [];
    const server = createServer({ allowHalfOpen: true }, (c) => {
      conns.push(c);
      c.on('data', (d) => c.write(d.toString().toUpperCase()));
      c.on('end', () => c.end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const t = atTerminal('');
    try {
      await t.waitFor(/sockshell> $/, 'first prompt');
      t.child.stdin.write(`c = tcp.connect 127.0.0.1 ${port}\r`);
      await t.waitFor(/sockshell c> $/, 'connected');
      t.child.stdin.write('interact c\r');
      await t.waitFor(/Ctrl-C stops \(the socket stays open\)\r*\n$/, 'interact started');
      t.child.stdin.write('hello\r');
      await t.waitFor(/\nHELLO\r*\n$/, 'the reply');
      t.child.stdin.write('\x04');
      await t.waitFor(/# interact ended[^\n]*\r*\nsockshell c> $/, 'interact ended');
      expect(t.screen().replace(/\r/g, '')).toMatch(
        /\nHELLO\n# interact ended: both sides closed; sent 6 bytes, received 6 bytes\nsockshell c> $/,
      );
      t.child.stdin.write('\x04');
      expect(await t.exited).toBe(0);
    } finally {
      t.kill();
      for (const c of conns) c.destroy();
      server.close();
    }
  });
});
