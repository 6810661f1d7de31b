import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freeFixedPort, hasPython, PEERS, runProcess, startServer } from '../helpers/proc.js';
import { atTerminal, hasScript } from '../helpers/terminal.js';
import { waitFor as waitUntil } from '../helpers/wait.js';

/**
 * The student's path of issue 18, at a real terminal: rebuild the textbook's server one line at a
 * time, serve the textbook's Python client from the prompt, stop the loop with Ctrl-C, `save` it,
 * and run the saved script against the same client.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-pty-save-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const servers = {
  udp: {
    lines: (port: number) => [
      `serverPort = ${port}`,
      'serverSocket = udp.socket',
      "serverSocket.bind '' $serverPort",
      'print "The server is ready to receive"',
      'while true',
      '  message, clientAddress = serverSocket.recvfrom 2048',
      '  modifiedMessage = upper $message',
      '  serverSocket.sendto $modifiedMessage $clientAddress',
      'end',
    ],
    client: 'UDPClient.py',
    reply: 'Input lowercase sentence:HELLO FROM PYTHON\n',
  },
  tcp: {
    lines: (port: number) => [
      `serverPort = ${port}`,
      'serverSocket = tcp.socket',
      "serverSocket.bind '' $serverPort",
      'serverSocket.listen 1',
      'print "The server is ready to receive"',
      'while true',
      '  connectionSocket, addr = serverSocket.accept',
      '  sentence = connectionSocket.recv 1024',
      '  capitalizedSentence = upper $sentence',
      '  connectionSocket.send $capitalizedSentence',
      '  connectionSocket.close',
      'end',
    ],
    client: 'TCPClient.py',
    reply: 'Input lowercase sentence:From Server:  HELLO FROM PYTHON\n', // the textbook's print(a, b): two spaces
  },
} as const;

describe.runIf(hasScript && hasPython)('save at a real terminal', () => {
  for (const transport of ['udp', 'tcp'] as const) {
    it(`${transport.toUpperCase()}Server rebuilt at the prompt, saved, and run again serves the textbook's client`, async () => {
      const { lines, client, reply } = servers[transport];
      const port = await freeFixedPort();
      const file = join(dir, `${transport}-server.sock`);
      const term = atTerminal('');
      try {
        await term.waitFor(/sockshell> $/, 'first prompt');
        for (const line of lines(port)) {
          const before = term.screen().length;
          term.child.stdin.write(`${line}\r`);
          // The next line is typed at the next prompt (or "... " inside a block); `end` starts the loop.
          if (line !== 'end')
            await waitUntil(() => /(sockshell[^\n>]*> |\.\.\. )$/.test(term.screen().slice(before)), `the prompt after ${line}`);
        }
        await term.waitFor(/The server is ready to receive/, 'the server line');
        // The loop serves the textbook's client while it runs at the prompt.
        const live = await runProcess('python3', [`${PEERS}${client}`, String(port)], { input: 'hello from python\n' });
        expect(live.stdout).toBe(reply);
        term.child.stdin.write('\x03');
        await term.waitFor(/cancelled[^]*sockshell[^\n>]*> $/, 'the loop cancelled');
        term.child.stdin.write(`save ${file}\r`);
        await term.waitFor(/# wrote \d+ commands to .*\r*\nsockshell[^\n>]*> $/, 'save');
        term.child.stdin.write('\x04');
        expect(await term.exited).toBe(0);
      } finally {
        term.kill();
      }
      const saved = readFileSync(file, 'utf8');
      expect(saved.split('\n').filter((l) => !l.startsWith('#') && l !== '')).toEqual(lines(port));
      const server = await startServer(process.execPath, ['dist/cli.js', 'run', file], 'The server is ready to receive');
      try {
        const again = await runProcess('python3', [`${PEERS}${client}`, String(port)], { input: 'hello from python\n' });
        expect(again.stdout).toBe(reply);
      } finally {
        await server.stop();
      }
    });
  }
});
