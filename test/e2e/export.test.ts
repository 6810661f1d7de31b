import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { freePort, hasPython, runProcess, sockshell, startServer, type Server } from '../helpers/proc.js';
import { ReplDriver } from '../helpers/repl-driver.js';

/**
 * sockshell export: the four scripts become Python programs in the textbook's style, which run
 * under python3 and talk to the shell's scripts and to each other.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const READY = 'The server is ready to receive';
let servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  servers = [];
});

async function exported(script: string, port: number): Promise<string> {
  const r = await sockshell(['export', `scripts/${script}.sock`, `serverPort=${port}`]);
  expect(r.status).toBe(0);
  const file = join(dir, `${script}-${port}.py`);
  writeFileSync(file, r.stdout);
  return file;
}
async function serve(command: string, args: string[]): Promise<void> {
  servers.push(await startServer(command, args, READY));
}

describe('export', () => {
  it('writes UDPServer.sock as the textbook writes UDPServer.py', async () => {
    const r = await sockshell(['export', 'scripts/UDPServer.sock']);
    expect(r.stdout).toBe(
      [
        'from socket import *',
        'serverPort = 12000',
        'serverSocket = socket(AF_INET, SOCK_DGRAM)',
        "serverSocket.bind(('', serverPort))",
        "print('The server is ready to receive')",
        'while True:',
        '    message, clientAddress = serverSocket.recvfrom(2048)',
        '    modifiedMessage = message.decode().upper()',
        '    serverSocket.sendto(modifiedMessage.encode(), clientAddress)',
        '',
      ].join('\n'),
    );
  });

  it('writes TCPClient.sock with the handshake, send and recv of TCPClient.py', async () => {
    const r = await sockshell(['export', 'scripts/TCPClient.sock', 'serverName=127.0.0.1']);
    expect(r.stdout).toBe(
      [
        'from socket import *',
        "serverName = '127.0.0.1'",
        'serverPort = 12000',
        'clientSocket = socket(AF_INET, SOCK_STREAM)',
        'clientSocket.connect((serverName, serverPort))',
        "sentence = input('Input lowercase sentence:')",
        'clientSocket.send(sentence.encode())',
        'modifiedSentence = clientSocket.recv(1024)',
        // Not the textbook's plain .decode(): the server's reply may not be UTF-8, and the shell prints it anyway.
        "print('From Server: ', modifiedSentence.decode())",
        'clientSocket.close()',
        '',
      ].join('\n'),
    );
  });

  it('keeps commands with no Python equivalent as comments', async () => {
    const file = join(dir, 'session.sock');
    writeFileSync(file, 's = udp.bind 0\nsockets\nuse s\nrepeat 2\n  sleep 0.1\nend\n');
    const r = await sockshell(['export', file]);
    expect(r.stdout).toBe(
      [
        'from socket import *',
        'import time',
        's = socket(AF_INET, SOCK_DGRAM)',
        "s.bind(('', 0))",
        '# sockets: the shell listed its open sockets here',
        '# use s: the calls below act on it',
        'for _ in range(2):',
        '    time.sleep(0.1)',
        '',
      ].join('\n'),
    );
  });
});

describe.runIf(hasPython)('exported programs run under python3', () => {
  it('bytes beyond ASCII export as valid Python that sends the same bytes', async () => {
    const file = join(dir, 'bytes.sock');
    writeFileSync(file, 'x = "caf\\xe9"\ny = b"\\xff\\x00A"\nz = "a$x"\nprint $y\nn = len $z\nshow = "$n $z"\nprint $show\n');
    const r = await sockshell(['export', file]);
    expect(r.stdout).toBe(
      "from socket import *\nx = b'caf\\xe9'\ny = b'\\xff\\x00A'\nz = b'a' + x\nprint(y.decode(errors='backslashreplace'))\nn = len(z)\nshow = str(n).encode() + b' ' + z\nprint(show.decode(errors='backslashreplace'))\n",
    );
    const py = join(dir, 'bytes.py');
    writeFileSync(py, r.stdout);
    expect((await runProcess('python3', [py])).stdout).toBe('\\xff\x00A\n5 acaf\\xe9\n'); // the bytes that are not UTF-8 as \\xHH, as the shell shows them
  });

  it('the exported UDPServer serves UDPClient.sock', async () => {
    const port = await freePort('udp');
    await serve('python3', [await exported('UDPServer', port)]);
    const r = await sockshell(['run', 'scripts/UDPClient.sock', `serverPort=${port}`], { input: 'exported server\n' });
    expect(r.stdout).toBe('Input lowercase sentence:EXPORTED SERVER\n');
  });

  it('the exported UDPClient talks to UDPServer.sock', async () => {
    const port = await freePort('udp');
    await serve(process.execPath, ['dist/cli.js', 'run', 'scripts/UDPServer.sock', `serverPort=${port}`]);
    const r = await runProcess('python3', [await exported('UDPClient', port)], { input: 'exported client\n' });
    expect(r.stdout).toBe('Input lowercase sentence:EXPORTED CLIENT\n');
  });

  it('the exported TCPClient talks to TCPServer.sock, and the exported TCP pair talk to each other', async () => {
    const port = await freePort('tcp');
    await serve(process.execPath, ['dist/cli.js', 'run', 'scripts/TCPServer.sock', `serverPort=${port}`]);
    const client = await exported('TCPClient', port);
    expect((await runProcess('python3', [client], { input: 'to the shell\n' })).stdout).toBe(
      'Input lowercase sentence:From Server:  TO THE SHELL\n',
    );
    const other = await freePort('tcp');
    await serve('python3', [await exported('TCPServer', other)]);
    expect((await runProcess('python3', [await exported('TCPClient', other)], { input: 'python to python\n' })).stdout).toBe(
      'Input lowercase sentence:From Server:  PYTHON TO PYTHON\n',
    );
  });

  it('export in the REPL writes the session, which python3 runs unchanged', async () => {
    const repl = new ReplDriver();
    try {
      await repl.type('serverSocket = udp.bind 127.0.0.1 0');
      await repl.type('serverAddress = serverSocket.getsockname');
      await repl.type('clientSocket = udp.socket');
      await repl.type('clientSocket.sendto hello $serverAddress');
      await repl.type('message, clientAddress = serverSocket.recvfrom 2048');
      await repl.type('modifiedMessage = upper $message');
      await repl.type('serverSocket.sendto $modifiedMessage $clientAddress');
      await repl.type('clientSocket.recvfrom 2048');
      await repl.type('udp.bind 99999');
      const file = join(dir, 'udp.py');
      const r = await repl.type(`export ${file}`);
      expect(r.out).toContain(`# wrote 10 lines of Python to ${file}; run it with: python3 ${file}`);
      expect(readFileSync(file, 'utf8')).toBe(
        [
          'from socket import *',
          'serverSocket = socket(AF_INET, SOCK_DGRAM)',
          "serverSocket.bind(('127.0.0.1', 0))",
          'serverAddress = serverSocket.getsockname()',
          'clientSocket = socket(AF_INET, SOCK_DGRAM)',
          "clientSocket.sendto(b'hello', serverAddress)",
          'message, clientAddress = serverSocket.recvfrom(2048)',
          'modifiedMessage = message.decode().upper()',
          'serverSocket.sendto(modifiedMessage.encode(), clientAddress)',
          'clientSocket.recvfrom(2048)',
          '',
        ].join('\n'),
      );
      const py = await runProcess('python3', [file]);
      // The program a student writes: the values the prompt showed on their own are not printed (trial 8, D).
      expect([py.stderr, py.stdout, py.status]).toEqual(['', '', 0]);
    } finally {
      await repl.close();
    }
  });
});
