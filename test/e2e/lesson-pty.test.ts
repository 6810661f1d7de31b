import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeFixedPort } from '../helpers/proc.js';
import { atTerminal, hasScript, type Terminal } from '../helpers/terminal.js';
import { waitFor } from '../helpers/wait.js';

/**
 * The guided lesson at a real pseudo-terminal of 80x24, as a student meets it: the student types every
 * command, the lesson answers each. Both lessons run in one terminal, one after the other, and one
 * wrong step gets its hint without moving the lesson on.
 */

const SIZE = { columns: 80, rows: 24 };

/** A fresh state directory: the lessons' places between sessions must not come from the user's own, nor another test's. */
const stateHome = () => mkdtempSync(join(tmpdir(), 'sockshell-state-'));

/** Types a line and waits until the screen, from that line on, matches `after`. */
async function typeAndSee(t: Terminal, line: string, after: RegExp, what: string): Promise<void> {
  const from = t.screen().length;
  t.child.stdin.write(`${line}\r`);
  // Reflowed lines are joined back (a continuation starts with two spaces), so a phrase can be matched wherever it wrapped.
  const since = () =>
    t
      .screen()
      .slice(from)
      .replace(/\r*\n {2}(?=\S)/g, ' ');
  await waitFor(
    () => since().includes(line) && after.test(since().slice(since().indexOf(line))),
    () => `${what}; the screen since it was typed: ${JSON.stringify(since())}`,
  );
}

/** Every line the shell wrote fits the terminal's width: nothing the terminal had to wrap. What the student typed after a prompt is theirs. */
function fitsWidth(screen: string): void {
  for (const line of screen.split(/\r?\n/)) {
    if (line.startsWith('sockshell')) continue;
    expect(line.replace(/\r/g, '').length, line).toBeLessThanOrEqual(SIZE.columns);
  }
}

describe.runIf(hasScript)('lesson at a real 80x24 terminal', () => {
  it('walks UDP then TCP, one typed command per step, with a hint for a wrong step', async () => {
    const port = await freeFixedPort();
    const relayPort = await freeFixedPort();
    const state = stateHome();
    const t = atTerminal('', { SOCKSHELL_HISTORY: '', XDG_STATE_HOME: state }, { size: SIZE });
    try {
      await t.waitFor(/sockshell> $/, 'first prompt');
      await typeAndSee(t, 'lesson udp', /Step 1 of 19[^]*type: serverPort = 12000\r?\nsockshell> $/, 'the first step');
      const udp: [string, RegExp][] = [
        [`serverPort = ${port}`, /Step 2 of 19/],
        ['clientSocket = udp.socket', /Step 3 of 19/],
        ['clientSocket.getsockname', /Step 4 of 19/],
        ['clientSocket.sendto hello localhost $serverPort', /no error came[^]*Think: [^]*Step 5 of 19/],
        ['serverSocket = udp.bind $serverPort', /Step 6 of 19/],
        ['clientSocket.sendto hello localhost $serverPort', /Step 7 of 19/],
        ['message, clientAddress = serverSocket.recvfrom 2048', /# message = b'hello' from [^]*Step 8 of 19/],
        ['modifiedMessage = upper $message', /Step 9 of 19/],
        ['serverSocket.sendto $modifiedMessage $clientAddress', /Think: Why can one UDP socket[^]*Step 10 of 19/],
        ['modifiedMessage, serverAddress = clientSocket.recvfrom 2048', /Step 11 of 19/],
        ['print $modifiedMessage', /HELLO\r?\n[^]*Step 12 of 19/],
        // A datagram lost on the way: a relay with seeded loss loses the first, and recvfrom times out.
        [`relayPort = ${relayPort}`, /Step 13 of 19/],
        ['relay udp $relayPort localhost $serverPort --loss 50 --seed 2 &', /Step 14 of 19[^]*relaying UDP from[^]*> $/],
        ['clientSocket.settimeout 1', /Step 15 of 19/],
        ['clientSocket.sendto hello localhost $relayPort', /Step 16 of 19/],
        [
          'modifiedMessage, serverAddress = clientSocket.recvfrom 2048',
          /ETIMEDOUT[^]*the relay lost the datagram[^]*no delivery guarantee[^]*Step 17 of 19/,
        ],
        // Told once the relay has passed it on and it has reached serverSocket, after the notice that shows it.
        [
          'clientSocket.sendto hello localhost $relayPort',
          /\[serverSocket\] a datagram of 5 bytes[^]*» This one got through: the \[serverSocket\] notice names its source[^]*Step 18 of 19/,
        ],
        [
          'kill %1',
          /relay stopped: to the target 2 datagrams \(1 lost\)[^]*Step 19 of 19|Step 19 of 19[^]*relay stopped: to the target 2 datagrams \(1 lost\)/,
        ],
        ['clientSocket.close', /Lesson done\.[^]*lesson tcp[^]*> $/],
      ];
      for (const [line, next] of udp) await typeAndSee(t, line, next, `after ${line}`);

      await typeAndSee(t, 'lesson tcp', /Step 1 of 17[^]*> $/, 'the TCP lesson');
      await typeAndSee(t, `serverPort = ${port}`, /Step 2 of 17[^]*> $/, 'TCP step 2');
      await typeAndSee(t, 'clientSocket = tcp.socket', /Step 3 of 17[^]*sockshell clientSocket> $/, 'TCP step 3');
      // A wrong step: UDP's habit of sendto. It runs (and fails, as in Python), and the lesson says what is off: no connection yet.
      await typeAndSee(
        t,
        'clientSocket.sendto hello localhost $serverPort',
        /EPIPE[^]*» Not this step: clientSocket is not connected yet[^]*this step makes it\.[^]*Try to connect: clientSocket\.connect localhost \$serverPort[^]*sockshell clientSocket> $/,
        'the hint for a wrong step',
      );
      const tcp: [string, RegExp][] = [
        ['clientSocket.connect localhost $serverPort', /ECONNREFUSED[^]*Unlike UDP, TCP finds out at once[^]*Step 4 of 17/],
        ['serverSocket = tcp.listen $serverPort', /welcoming socket[^]*Step 5 of 17/],
        ['clientSocket.connect localhost $serverPort', /handshake done[^]*Step 6 of 17/],
        ['connectionSocket, addr = serverSocket.accept', /Think: Why does a TCP server need[^]*Step 7 of 17/],
        ['clientSocket.send hello', /Step 8 of 17/],
        // The trial's trap: recv without the assignment takes the data; the lesson names what is missing.
        [
          'connectionSocket.recv 1024',
          /b'hello'\r?\n» Nearly: [^]*would wait for data that already came\. Keep what came: sentence = \$_[^]*> $/,
        ],
        ['sentence = $_', /The bytes came out of the pipe[^]*Step 9 of 17/],
        ['capitalizedSentence = upper $sentence', /Step 10 of 17/],
        ['connectionSocket.send $capitalizedSentence', /Step 11 of 17/],
        ['modifiedSentence = clientSocket.recv 1024', /Step 12 of 17/],
        ['print "From Server: " $modifiedSentence', /From Server: {2}HELLO\r?\n[^]*Step 13 of 17/],
        // A second client while the first is served: checked by the engine's accepts, not by the words typed.
        ['client2 = tcp.connect localhost $serverPort', /Step 14 of 17[^]*> $/],
        ['c2, a2 = serverSocket.accept', /accepted a second connection while the first is still open[^]*Step 15 of 17/],
        ['connectionSocket.close', /sends a FIN[^]*Think: What does the client's recv return[^]*Step 16 of 17/],
        ['clientSocket.recv 1024', /b''\r?\n[^]*end of file \(EOF\)[^]*Step 17 of 17/],
        ['clientSocket.close', /serverSocket still welcomes[^]*Lesson done\.[^]*> $/],
      ];
      for (const [line, next] of tcp) await typeAndSee(t, line, next, `after ${line}`);
      fitsWidth(t.screen());
      t.child.stdin.write('\x04');
      expect(await t.exited).toBe(0);
    } finally {
      t.kill();
      rmSync(state, { recursive: true, force: true });
    }
  });

  it('shows the README tour and a 3-socket TCP sockets table without wrapping', async () => {
    const port = await freeFixedPort();
    const t = atTerminal('', { SOCKSHELL_HISTORY: '' }, { size: SIZE });
    try {
      await t.waitFor(/sockshell> $/, 'first prompt');
      const tour: [string, RegExp][] = [
        [`serverSocket = udp.bind ${port}`, /sockshell serverSocket> $/],
        ['clientSocket = udp.socket', /sockshell clientSocket> $/],
        [`clientSocket.sendto hello localhost ${port}`, /\[serverSocket\] a datagram of 5 bytes[^]*sockshell clientSocket> $/],
        ['message, clientAddress = serverSocket.recvfrom 2048', /reply to this address[^]*sockshell clientSocket> $/],
        ['$message', /b'hello'\r?\nsockshell clientSocket> $/],
        ['$clientAddress', /\('127\.0\.0\.1', \d+\)\r?\nsockshell clientSocket> $/],
        ['modifiedMessage = upper $message', /sockshell clientSocket> $/],
        ['serverSocket.sendto $modifiedMessage $clientAddress', /\[clientSocket\] a datagram[^]*sockshell clientSocket> $/],
        ['clientSocket.recvfrom 2048', /\(b'HELLO', \('127\.0\.0\.1', \d+\)\)\r?\nsockshell clientSocket> $/],
        ['sockets', /received 5 B in 1 datagram\r?\nsockshell clientSocket> $/],
        [`welcome = tcp.listen ${port}`, /welcoming socket[^]*sockshell welcome> $/],
        [`client = tcp.connect localhost ${port}`, /handshake done[^]*sockshell client> $/],
        ['connectionSocket, addr = welcome.accept', /keeps welcoming\r?\nsockshell connectionSocket> $/],
        ['client.send hello', /sockshell connectionSocket> $/],
        ['connectionSocket.recv 1024', /b'hello'\r?\nsockshell connectionSocket> $/],
        ['serverSocket.close', /sockshell connectionSocket> $/],
        ['clientSocket.close', /sockshell connectionSocket> $/],
        ['sockets', /\* connectionSocket +TCP +ESTABLISHED[^]*sockshell connectionSocket> $/],
        ['help', /New here\? Type lesson\.\r?\nsockshell connectionSocket> $/],
        // node's own dot-commands, typed out of habit, get the sockshell way.
        ['.editor', /no editor mode[^]*sockshell connectionSocket> $/],
      ];
      for (const [line, next] of tour) await typeAndSee(t, line, next, `after ${line}`);
      const table = t.screen().slice(t.screen().lastIndexOf('> sockets'));
      expect(table).toMatch(/welcome +TCP +LISTEN/);
      expect(table).toMatch(/client +TCP +ESTABLISHED/);
      fitsWidth(t.screen());
      // help fits one 24-row screen.
      const help = t.screen().slice(t.screen().lastIndexOf('> help') + 7, t.screen().lastIndexOf('> .editor'));
      expect(help.split(/\r?\n/).length).toBeLessThanOrEqual(SIZE.rows);
      t.child.stdin.write('\x04');
      expect(await t.exited).toBe(0);
    } finally {
      t.kill();
    }
  });
});
