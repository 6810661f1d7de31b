import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { freeFixedPort, sockshell, startServer, type Server } from '../helpers/proc.js';

/**
 * A session that played both ends, saved as two scripts (`save FILE NAME`), replays as two
 * programs in two processes that talk to each other, and `sockshell check` passes both.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-save-runs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  servers = [];
});

describe('save splits a both-ends session into a server and a client script', () => {
  for (const transport of ['udp', 'tcp'] as const) {
    it(`${transport.toUpperCase()}: the saved halves talk to each other as two processes`, async () => {
      const port = await freeFixedPort();
      const session =
        transport === 'udp'
          ? [
              `serverSocket = udp.bind 127.0.0.1 ${port}`,
              'print "The server is ready to receive"',
              'clientSocket = udp.socket',
              'message = "hello from a saved client"',
              `clientSocket.sendto $message 127.0.0.1 ${port}`,
              'sockets',
              'message, clientAddress = serverSocket.recvfrom 2048',
              'modifiedMessage = upper $message',
              'serverSocket.sendto $modifiedMessage $clientAddress',
              'modifiedMessage, serverAddress = clientSocket.recvfrom 2048',
              'print $modifiedMessage',
            ]
          : [
              `serverSocket = tcp.listen 127.0.0.1 ${port}`,
              'print "The server is ready to receive"',
              `clientSocket = tcp.connect 127.0.0.1 ${port}`,
              'connectionSocket, addr = serverSocket.accept',
              'clientSocket.send "hello over tcp"',
              'sentence = connectionSocket.recv 1024',
              'capitalizedSentence = upper $sentence',
              'connectionSocket.send $capitalizedSentence',
              'connectionSocket.close',
              'modifiedSentence = clientSocket.recv 1024',
              'print "From Server:" $modifiedSentence',
              'clientSocket.close',
            ];
      const server = join(dir, `${transport}-server.sock`);
      const client = join(dir, `${transport}-client.sock`);
      const saved = await sockshell([], {
        input: [...session, `save ${server} serverSocket`, `save ${client} clientSocket`, ''].join('\n'),
      });
      expect(saved.stderr).toBe('');
      expect(saved.status).toBe(0);
      for (const f of [server, client]) {
        const checked = await sockshell(['check', f]);
        expect(checked.status, `${f}\n${readFileSync(f, 'utf8')}\n${checked.stdout}${checked.stderr}`).toBe(0);
      }
      expect(readFileSync(client, 'utf8')).not.toContain('depends on this run'); // the port was typed, not the OS's
      servers.push(await startServer(process.execPath, ['dist/cli.js', 'run', server], 'The server is ready to receive'));
      const ran = await sockshell(['run', client]);
      expect(ran.stderr).toBe('');
      expect(ran.stdout).toBe(transport === 'udp' ? 'HELLO FROM A SAVED CLIENT\n' : 'From Server: HELLO OVER TCP\n');
      expect(ran.status).toBe(0);
    });
  }
});
