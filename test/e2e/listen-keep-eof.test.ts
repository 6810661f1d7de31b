import { connect, type Socket } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { ShellProcess } from '../helpers/shell-process.js';
import { waitFor } from '../helpers/wait.js';

/**
 * User trial 5: `sockshell listen -k` at the end of its standard input said nothing and sent nothing,
 * so a client waiting for the end of the stream (recv returning b'') waited for ever; ncat -l -k sends
 * each connected client a FIN there. Now the end of input is a FIN to every client connected then,
 * and a # line says so.
 */
let shell: ShellProcess | null = null;
const clients: Socket[] = [];
afterEach(() => {
  shell?.stop();
  shell = null;
  for (const c of clients.splice(0)) c.destroy();
});

/** A client that reads and notes the server's FIN; it sends nothing and keeps its side open. */
function client(port: number): Promise<{ socket: Socket; got: () => string; ended: () => boolean }> {
  return new Promise((resolve, reject) => {
    let got = '';
    let ended = false;
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true }, () => resolve({ socket, got: () => got, ended: () => ended }));
    clients.push(socket);
    socket.on('data', (d: Buffer) => (got += d.toString()));
    socket.on('end', () => (ended = true));
    socket.on('error', reject);
  });
}

it('listen -k: the end of input sends a FIN to every client connected then, and says so', async () => {
  shell = new ShellProcess(['listen', '-k', '127.0.0.1', '0']);
  await shell.waitFor('listening on');
  const port = Number(/listening on \('127\.0\.0\.1', (\d+)\)/.exec(shell.err)![1]);
  const a = await client(port);
  const b = await client(port);
  await waitFor(
    () => (shell!.err.match(/connection from/g) ?? []).length === 2,
    () => `two clients; stderr: ${shell!.err}`,
  );
  shell.child.stdin!.end('bye\n');
  // The FINs and the # line come down different pipes: a client may see its FIN before the test has read
  // the shell's stderr, so wait for both (CI at stop 31 read the FINs first).
  await waitFor(
    () => a.ended() && b.ended() && /end of input/.test(shell!.err),
    () => `each client's FIN and the # line; a: ${a.got()} ${a.ended()}, b: ${b.got()} ${b.ended()}; stderr: ${shell!.err}`,
  );
  expect([a.got(), b.got()]).toEqual(['bye\n', 'bye\n']);
  expect(shell.err).toMatch(
    /^# end of input: sent FIN \(shutdown SHUT_WR\) to \('127\.0\.0\.1', \d+\) and \('127\.0\.0\.1', \d+\); still receiving\n/m,
  );

  // As with ncat, a client after the end of input is sent nothing, not even a FIN (a sink run with stdin
  // at /dev/null keeps its clients' streams open); its line says so.
  const late = await client(port);
  await waitFor(
    () => /\(the input has ended: nothing will be sent to it\)/.test(shell!.err),
    () => `the late client's line; stderr: ${shell!.err}`,
  );
  expect(shell.err).toMatch(/^# connection from \('127\.0\.0\.1', \d+\) \(the input has ended: nothing will be sent to it\)\n/m);
  // Once the shell has read what the late client sent, a FIN sent at its accept would have come.
  late.socket.write('from late\n');
  await waitFor(
    () => shell!.out.includes('from late\n'),
    () => `the late client's line on stdout: ${shell!.out}`,
  );
  expect(late.ended()).toBe(false);

  // Each closes its side: listen -k closes each connection as before.
  a.socket.end('from a\n');
  late.socket.end();
  await waitFor(
    () => (shell!.err.match(/closed its side/g) ?? []).length === 2,
    () => `two clients' ends; stderr: ${shell!.err}`,
  );
  shell.child.kill('SIGINT');
  expect(await shell.exit).toBe(130);
  expect(shell.out).toBe('from late\nfrom a\n');
  expect(shell.err).toMatch(
    /# interrupted; served 3 connections \(1 still connected, closed now\); sent 8 bytes, received 17 bytes in all\n$/,
  );
});

/**
 * An empty input (a sink run with stdin at /dev/null) ends at once, in a race with the first clients:
 * one that connected before the end was read got a FIN, one a millisecond later did not (ncat -k has the
 * same race). The shell treats them alike: an input that ended without a byte sends no FIN to anyone,
 * and the # line names the clients it left open. Here the end is made to come after a client connected.
 */
it('listen -k: an empty input sends no FIN to the client connected when it ends, and names it', async () => {
  shell = new ShellProcess(['listen', '-k', '127.0.0.1', '0']);
  await shell.waitFor('listening on');
  const port = Number(/listening on \('127\.0\.0\.1', (\d+)\)/.exec(shell.err)![1]);
  const a = await client(port);
  await shell.waitFor('connection from');
  shell.child.stdin!.end();
  await shell.waitFor('end of input');
  const me = `('127.0.0.1', ${a.socket.localPort})`;
  expect(shell.err).toContain(
    `# end of input before any byte of it: no FIN sent; ${me} keeps its stream open, as a client that connects later would; still receiving\n`,
  );
  a.socket.write('still open\n');
  await waitFor(
    () => shell!.out.includes('still open\n'),
    () => `the client's line on stdout: ${shell!.out}`,
  );
  expect(a.ended()).toBe(false);
  shell.child.kill('SIGINT');
  expect(await shell.exit).toBe(130);
});

it('listen -k: the end of input names each client it sent a FIN to', async () => {
  shell = new ShellProcess(['listen', '-k', '127.0.0.1', '0']);
  await shell.waitFor('listening on');
  const port = Number(/listening on \('127\.0\.0\.1', (\d+)\)/.exec(shell.err)![1]);
  const a = await client(port);
  await shell.waitFor('connection from');
  shell.child.stdin!.end('x\n');
  await waitFor(
    () => a.ended() && /end of input/.test(shell!.err),
    () => `the FIN and the # line; stderr: ${shell!.err}`,
  );
  expect(shell.err).toContain(`# end of input: sent FIN (shutdown SHUT_WR) to ('127.0.0.1', ${a.socket.localPort}); still receiving\n`);
  shell.child.kill('SIGINT');
  expect(await shell.exit).toBe(130);
});
