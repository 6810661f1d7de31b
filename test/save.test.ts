import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { compile } from '../src/commands/check.js';
import { ReplDriver } from './helpers/repl-driver.js';
import { waitForAsync } from './helpers/wait.js';

/**
 * `save`: the session so far as a .sock script. What the student typed, as typed, minus what only
 * looked and what failed; a port the OS chose becomes the variable that held it.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-save-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let repl: ReplDriver | null = null;
afterEach(async () => {
  await repl?.close();
  repl = null;
});

/** The script lines, without the header comments. */
const body = (script: string): string[] => script.split('\n').filter((l) => l !== '' && !/^# (Saved by|Only what|Run it with)/.test(l));

async function bothEnds(): Promise<ReplDriver> {
  const r = new ReplDriver();
  for (const line of [
    'serverSocket = udp.bind 127.0.0.1 0',
    'serverAddress = serverSocket.getsockname',
    'sockets',
    'clientSocket = udp.socket',
    'clientSocket.sendto hello $serverAddress',
    'recvfrom 2048 2048 2048', // an error: not saved
    'message, clientAddress = serverSocket.recvfrom 2048',
    '$message',
    'help recvfrom',
    'modifiedMessage = upper $message',
    'serverSocket.sendto $modifiedMessage $clientAddress',
    'reply, from = clientSocket.recvfrom 2048',
    'print $reply',
  ]) {
    await r.type(line);
  }
  return r;
}

describe('save', () => {
  it('shows the commands that ran without error, as typed, without those that only looked', async () => {
    repl = await bothEnds();
    const shown = await repl.type('save');
    expect(shown.err).toBe('');
    expect(shown.out).toMatch(/^# Saved by sockshell's save on \d{4}-\d\d-\d\d \d\d:\d\d from an interactive session/);
    expect(body(shown.out)).toEqual([
      'serverSocket = udp.bind 127.0.0.1 0',
      'serverAddress = serverSocket.getsockname',
      'clientSocket = udp.socket',
      'clientSocket.sendto hello $serverAddress',
      'message, clientAddress = serverSocket.recvfrom 2048',
      'modifiedMessage = upper $message',
      'serverSocket.sendto $modifiedMessage $clientAddress',
      'reply, from = clientSocket.recvfrom 2048',
      'print $reply',
    ]);
    expect(compile(shown.out).diagnostics).toEqual([]);
  });

  it('writes the port the OS chose as the variable that held it, and marks one nothing held', async () => {
    repl = await bothEnds();
    const port = /\('127\.0\.0\.1', (\d+)\)/.exec((await repl.type('$clientAddress')).out)![1];
    await repl.type(`serverSocket.sendto again 127.0.0.1 ${port}`);
    await repl.type(`n = clientSocket.recvfrom 100`);
    const shown = body((await repl.type('save')).out);
    expect(shown).toContain('serverSocket.sendto again $clientAddress');
    // An ephemeral port typed with nothing holding it: kept as typed, marked.
    await repl.type('spare = udp.socket');
    await repl.type('spare.sendto lost 127.0.0.1 45678');
    const marked = (await repl.type('save')).out;
    expect(marked).toContain('# depends on this run: port 45678 is one the OS chose for that session\nspare.sendto lost 127.0.0.1 45678');
  });

  it('export writes the port the OS chose as the variable that held it, as save does; a different host keeps its name', async () => {
    repl = await bothEnds();
    const port = /\('127\.0\.0\.1', (\d+)\)/.exec((await repl.type('$clientAddress')).out)![1];
    await repl.type(`serverSocket.sendto again 127.0.0.1 ${port}`);
    await repl.type(`serverSocket.sendto more localhost ${port}`);
    const serverPort = /\('127\.0\.0\.1', (\d+)\)/.exec((await repl.type('$serverAddress')).out)![1];
    await repl.type(`clientSocket.sendto third localhost ${serverPort}`);
    const saved = body((await repl.type('save')).out);
    expect(saved).toContain('serverSocket.sendto again $clientAddress');
    expect(saved).toContain('serverSocket.sendto more $clientAddress');
    expect(saved).toContain('clientSocket.sendto third $from'); // the latest variable to hold the port
    const python = (await repl.type('export')).out;
    expect(python).toContain("serverSocket.sendto(b'again', clientAddress)");
    expect(python).toContain("serverSocket.sendto(b'more', clientAddress)");
    expect(python).toMatch(/clientSocket\.sendto\(b'third', from_?\)/);
    expect(python).not.toContain(port);
    expect(python).not.toContain(serverPort);
    // A host other than the address's own stays as typed; only the port is the variable's.
    await repl.type('wild = udp.bind 0');
    await repl.type('wildAddress = wild.getsockname');
    const wildPort = /\('0\.0\.0\.0', (\d+)\)/.exec((await repl.type('$wildAddress')).out)![1];
    await repl.type(`clientSocket.sendto fourth localhost ${wildPort}`);
    expect(body((await repl.type('save')).out)).toContain('clientSocket.sendto fourth localhost $wildAddress[1]');
    expect((await repl.type('export')).out).toContain("clientSocket.sendto(b'fourth', ('localhost', wildAddress[1]))");
  });

  it('keeps a block as a block, and a server loop ended with Ctrl-C', async () => {
    repl = new ReplDriver();
    await repl.type('s = udp.bind 127.0.0.1 0');
    await repl.type('repeat 2');
    await repl.type('  print tick');
    await repl.type('end');
    await repl.type('while true');
    await repl.type('  m, a = s.recvfrom 2048');
    repl.send('end');
    await repl.until(() => repl!.busy(), 'the loop to wait');
    const before = repl.err.length;
    repl.interrupt();
    await repl.until(() => repl!.err.slice(before).includes('cancelled'), 'the loop to be cancelled');
    const shown = body((await repl.type('save')).out);
    expect(shown).toEqual(['s = udp.bind 127.0.0.1 0', 'repeat 2', '  print tick', 'end', 'while true', '  m, a = s.recvfrom 2048', 'end']);
    // In Python nothing after that loop runs: export says so where the lines after it begin (trial 4).
    await repl.type('print after');
    await repl.type('while true');
    await repl.type('  break');
    await repl.type('end');
    await repl.type('print last');
    const python = (await repl.type('export')).out.split('\n');
    const loop = python.indexOf('    m, a = s.recvfrom(2048)');
    expect(python.slice(loop + 1, loop + 4)).toEqual([
      '# The loop above ends only with Ctrl-C. In the shell that stopped the loop and the session went on;',
      '# in Python it (KeyboardInterrupt) ends the program, so the lines below never run there.',
      "print('after')", // the save typed meanwhile only showed: the prompt's export leaves it out, as save does
    ]);
    // Said once; a loop that breaks ends by itself.
    expect(python.filter((l) => l.startsWith('# The loop above'))).toHaveLength(1);
  });

  it('indents a block typed flush at the prompt, two spaces a level, nested and with else (trial 4)', async () => {
    repl = new ReplDriver();
    for (const line of ['n = 0', 'repeat 2', 'if $n == 0', 'print zero', 'n = 1', 'else', 'repeat 1', 'print other', 'end', 'end', 'end'])
      await repl.type(line);
    expect(body((await repl.type('save')).out)).toEqual([
      'n = 0',
      'repeat 2',
      '  if $n == 0',
      '    print zero',
      '    n = 1',
      '  else',
      '    repeat 1',
      '      print other',
      '    end',
      '  end',
      'end',
    ]);
  });

  it('NAMEs keep one half: the server, or the client with the values it took from the server written in', async () => {
    repl = await bothEnds();
    const server = join(dir, 'server.sock');
    const client = join(dir, 'client.sock');
    expect((await repl.type(`save ${server} serverSocket`)).out).toBe(
      `# wrote 5 commands to ${server}; run it with: sockshell run ${server}\n`,
    );
    const wrote = await repl.type(`save ${client} clientSocket`);
    expect(wrote.err).toMatch(/1 line types a port the OS chose in this session, which no variable held: it is marked with a comment/);
    expect(body(readFileSync(server, 'utf8'))).toEqual([
      'serverSocket = udp.bind 127.0.0.1 0',
      'serverAddress = serverSocket.getsockname',
      'message, clientAddress = serverSocket.recvfrom 2048',
      'modifiedMessage = upper $message',
      'serverSocket.sendto $modifiedMessage $clientAddress',
    ]);
    const clientLines = body(readFileSync(client, 'utf8'));
    expect(clientLines[0]).toBe('clientSocket = udp.socket');
    expect(clientLines[1]).toMatch(/^# depends on this run: port \d+ is one the OS chose for that session$/);
    expect(clientLines[2]).toMatch(/^clientSocket\.sendto hello 127\.0\.0\.1 \d+$/);
    expect(clientLines.slice(3)).toEqual(['reply, from = clientSocket.recvfrom 2048', 'print $reply']);
    for (const f of [server, client]) expect(compile(readFileSync(f, 'utf8')).diagnostics).toEqual([]);
  });

  it('NAME leaves out a kill or wait of a job whose start it left out: the script replays (newuser trial 3, 4)', async () => {
    repl = new ReplDriver();
    const lines = ['s = udp.bind 127.0.0.1 0', 's.recvfrom 2048 &', 'c = udp.bind 127.0.0.1 0', 'a = c.getsockname', 'kill %1', 'print $a'];
    for (const line of lines) {
      expect((await repl.type(line)).err).toBe('');
    }
    const client = join(dir, 'job-left-out.sock');
    await repl.type(`save ${client} c`);
    const saved = readFileSync(client, 'utf8');
    expect(body(saved)).toEqual(['c = udp.bind 127.0.0.1 0', 'a = c.getsockname', 'print $a']);
    expect(compile(saved).diagnostics).toEqual([]);
    // The whole session keeps the job with its kill.
    expect(body((await repl.type('save')).out)).toEqual(lines);
  });

  it("NAME knows a job number used again once no job ran: the kill of the kept socket's job %1 stays (newuser trial 4)", async () => {
    const shell = new ReplDriver();
    repl = shell;
    for (const line of ['s = udp.bind 127.0.0.1 0', 's.recvfrom 2048 &', 'kill %1']) expect((await shell.type(line)).err).toBe('');
    await waitForAsync(async () => !(await shell.type('jobs')).out.includes('running'), 'job 1 to end');
    expect((await repl.type('c = udp.bind 127.0.0.1 0')).err).toBe('');
    const again = await repl.type('c.recvfrom 2048 &');
    expect(again.out).toMatch(/\[1\]/); // the number is 1 again: no job was running
    expect((await repl.type('kill %1')).err).toBe('');
    expect(body((await repl.type('save - c')).out)).toEqual(['c = udp.bind 127.0.0.1 0', 'c.recvfrom 2048 &', 'kill %1']);
  });

  it('NAME keeps a kill of a job that the kept socket started', async () => {
    repl = new ReplDriver();
    for (const line of ['c = udp.bind 127.0.0.1 0', 'c.recvfrom 2048 &', 'kill %1']) {
      expect((await repl.type(line)).err).toBe('');
    }
    expect(body((await repl.type('save - c')).out)).toEqual(['c = udp.bind 127.0.0.1 0', 'c.recvfrom 2048 &', 'kill %1']);
  });

  it('refuses to replace a file unless --force, and says which socket names it knows', async () => {
    repl = await bothEnds();
    const file = join(dir, 'precious.sock');
    writeFileSync(file, 'print mine\n');
    expect((await repl.type(`save ${file}`)).err).toContain(`${file} exists; save --force ${file} replaces it, or choose another name`);
    expect(readFileSync(file, 'utf8')).toBe('print mine\n');
    expect((await repl.type(`save --force ${file}`)).err).toBe('');
    expect(readFileSync(file, 'utf8')).toContain('serverSocket = udp.bind 127.0.0.1 0');
    const missing = join(dir, 'never.sock');
    expect((await repl.type(`save ${missing} nobody`)).err).toContain(
      "no socket named 'nobody' in this session (it made: serverSocket, clientSocket)",
    );
    expect(existsSync(missing)).toBe(false);
  });
});
