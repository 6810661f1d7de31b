import { afterAll, describe, expect, it } from 'vitest';
import { CoreDriver } from './helpers/core-driver.js';
import { pipedSession } from './helpers/piped.js';
import { HANG_MS, waitFor } from './helpers/wait.js';

/**
 * The textbook's "forgot bind" (user trial): recvfrom on a UDP socket never bound waits for ever, in
 * Python as here, since nothing can reach a socket without a port. The shell says so when the call
 * starts waiting, and explain says so after Ctrl-C, instead of guessing at lost datagrams.
 */
const shell = new CoreDriver();
afterAll(() => shell.close());

/** Runs line, and presses Ctrl-C once a socket is waiting: a condition, not a clock. */
async function interruptedWhenWaiting(line: string) {
  const running = shell.run(line, HANG_MS * 4);
  await waitFor(() => shell.core.session.engine.list().some((s) => s.waiting !== null), `${line} to wait`);
  shell.core.interrupt();
  return running;
}

describe('recvfrom on a UDP socket that was never bound', () => {
  it('warns as it starts waiting, and explain names the missing bind', async () => {
    await shell.ok('serverSocket = udp.socket');
    const ran = await interruptedWhenWaiting('message, clientAddress = serverSocket.recvfrom 2048');
    const errors = ran.lines.filter((l) => l.channel === 'err').map((l) => l.text);
    expect(errors.some((t) => t.includes('serverSocket was never bound, so it has no port and no datagram can reach it'))).toBe(true);
    const explained = (await shell.run('explain')).out.replace(/\s+/g, ' ');
    expect(explained).toContain('Its socket was never bound, so it had no port and no datagram could reach it');
    expect(explained).not.toContain('a port nobody bound');
  });

  it('a bound socket waits with the usual line, and explain keeps its usual paragraph', async () => {
    await shell.ok('bound = udp.bind 127.0.0.1 0');
    const ran = await interruptedWhenWaiting('m, a = bound.recvfrom 2048');
    expect(ran.lines.map((l) => l.text).join('\n')).not.toContain('never bound');
    expect((await shell.run('explain')).out.replace(/\s+/g, ' ')).toContain('a port nobody bound');
  });

  it('a script is told too (it can only hang), and a bound socket in a script is told nothing', async () => {
    const unbound = await pipedSession('u = udp.socket\nu.settimeout 0.2\nm = u.recvfrom 10\n');
    expect(unbound.err).toContain('u was never bound, so it has no port and no datagram can reach it');
    const bound = await pipedSession('u = udp.bind 127.0.0.1 0\nu.settimeout 0.2\nm = u.recvfrom 10\n');
    expect(bound.err).toContain('ETIMEDOUT');
    expect(bound.err).not.toContain('never bound');
  });
});
