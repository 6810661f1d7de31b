import { afterEach, describe, expect, it } from 'vitest';
import { freePort, hasNc, hasPython, PEERS, runProcess, sockshell, startServer, type Server } from '../helpers/proc.js';

/**
 * The four textbook scripts end to end over loopback: the shell against itself, against the
 * textbook's own Python programs, and against nc.
 */

const READY = 'The server is ready to receive';
let servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  servers = [];
});

async function serve(command: string, args: string[]): Promise<Server> {
  const s = await startServer(command, args, READY);
  servers.push(s);
  return s;
}
const shellServer = (script: string, port: number) =>
  serve(process.execPath, ['dist/cli.js', 'run', `scripts/${script}`, `serverPort=${port}`]);
/** The textbook's prompt, which `sockshell run` writes to stdout as Python's input() does, into a pipe too. */
const PROMPT = 'Input lowercase sentence:';
const shellClient = (script: string, port: number, input: string) =>
  sockshell(['run', `scripts/${script}`, `serverPort=${port}`], { input });

describe('UDP scripts', () => {
  it('UDPClient.sock talks to UDPServer.sock', async () => {
    const port = await freePort('udp');
    await shellServer('UDPServer.sock', port);
    const r = await shellClient('UDPClient.sock', port, 'hello udp\n');
    expect(r).toMatchObject({ status: 0, stdout: `${PROMPT}HELLO UDP\n`, stderr: '' });
  });

  it('serves many clients with one socket, one after another', async () => {
    const port = await freePort('udp');
    await shellServer('UDPServer.sock', port);
    for (const word of ['one', 'two', 'three']) {
      expect((await shellClient('UDPClient.sock', port, `${word}\n`)).stdout).toBe(`${PROMPT}${word.toUpperCase()}\n`);
    }
  });

  it.runIf(hasPython)("UDPClient.sock talks to the textbook's UDPServer.py", async () => {
    const port = await freePort('udp');
    await serve('python3', [`${PEERS}UDPServer.py`, String(port)]);
    const r = await shellClient('UDPClient.sock', port, 'python serves\n');
    expect(r).toMatchObject({ status: 0, stdout: `${PROMPT}PYTHON SERVES\n` });
  });

  it.runIf(hasPython)("the textbook's UDPClient.py talks to UDPServer.sock", async () => {
    const port = await freePort('udp');
    await shellServer('UDPServer.sock', port);
    const r = await runProcess('python3', [`${PEERS}UDPClient.py`, String(port)], { input: 'shell serves\n' });
    expect(r.stdout).toBe('Input lowercase sentence:SHELL SERVES\n');
  });

  it.runIf(hasNc)('nc -u gets an upper-cased reply from UDPServer.sock', async () => {
    const port = await freePort('udp');
    await shellServer('UDPServer.sock', port);
    const r = await runProcess('nc', ['-u', '-w', '1', '127.0.0.1', String(port)], { input: 'from nc\n' });
    expect(r.stdout).toBe('FROM NC\n');
  });
});

describe('TCP scripts', () => {
  it('TCPClient.sock talks to TCPServer.sock', async () => {
    const port = await freePort('tcp');
    await shellServer('TCPServer.sock', port);
    const r = await shellClient('TCPClient.sock', port, 'hello tcp\n');
    expect(r).toMatchObject({ status: 0, stdout: `${PROMPT}From Server:  HELLO TCP\n`, stderr: '' });
  });

  it('the welcoming socket stays open for the next client', async () => {
    const port = await freePort('tcp');
    await shellServer('TCPServer.sock', port);
    for (const word of ['first', 'second']) {
      expect((await shellClient('TCPClient.sock', port, `${word}\n`)).stdout).toBe(`${PROMPT}From Server:  ${word.toUpperCase()}\n`);
    }
  });

  it.runIf(hasPython)("TCPClient.sock talks to the textbook's TCPServer.py", async () => {
    const port = await freePort('tcp');
    await serve('python3', [`${PEERS}TCPServer.py`, String(port)]);
    const r = await shellClient('TCPClient.sock', port, 'python serves\n');
    expect(r).toMatchObject({ status: 0, stdout: `${PROMPT}From Server:  PYTHON SERVES\n` });
  });

  it.runIf(hasPython)("the textbook's TCPClient.py talks to TCPServer.sock", async () => {
    const port = await freePort('tcp');
    await shellServer('TCPServer.sock', port);
    const r = await runProcess('python3', [`${PEERS}TCPClient.py`, String(port)], { input: 'shell serves\n' });
    expect(r.stdout).toBe('Input lowercase sentence:From Server:  SHELL SERVES\n');
  });

  it.runIf(hasNc)('nc gets an upper-cased reply from TCPServer.sock', async () => {
    const port = await freePort('tcp');
    await shellServer('TCPServer.sock', port);
    const r = await runProcess('nc', ['-q', '2', '127.0.0.1', String(port)], { input: 'from nc\n' });
    expect(r.stdout).toBe('FROM NC\n');
  });

  it('TCPClient.sock before any server: ECONNREFUSED, explained, exit 1', async () => {
    const port = await freePort('tcp');
    const r = await shellClient('TCPClient.sock', port, 'x\n');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^scripts\/TCPClient\.sock:6:14: .*ECONNREFUSED.*start the server first/);
  });
});
