import { HANG_MS } from './helpers/wait.js';
import dgram from 'node:dgram';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CoreDriver, withoutReceiveNotes } from './helpers/core-driver.js';

/**
 * `bind '' PORT` binds every interface, as the textbook's bind(('', port)) does, and the shell says
 * so, so the user sees the socket is reachable from other hosts. Reachability is checked without
 * leaving the host: on Linux all of 127.0.0.0/8 is loopback, and a socket bound to 127.0.0.1 does
 * not get what is sent to 127.0.0.2, while one bound to '' does.
 */
const linux = process.platform === 'linux';

let shell: CoreDriver | null = null;
afterEach(async () => {
  await shell?.close();
  shell = null;
});

function portOf(sh: CoreDriver, name: string): number {
  return sh.core.session.engine.list().find((s) => s.name === name)!.local!.port;
}

/** Sends a datagram from a fresh socket to host:port. */
async function sendUdp(host: string, port: number, text: string, type: 'udp4' | 'udp6' = 'udp4'): Promise<void> {
  const s = dgram.createSocket(type);
  await new Promise<void>((resolve, reject) => s.send(text, port, host, (e) => (e ? reject(e) : resolve())));
  s.close();
}

describe('binding is visible', () => {
  it("UDP bind '' PORT: the shell prints 0.0.0.0 and 'every IPv4 interface, reachable from other hosts'", async () => {
    shell = new CoreDriver({ maxWaitMs: HANG_MS });
    const out = await shell.ok('s = udp.socket', "s.bind '' 0");
    const port = portOf(shell, 's');
    expect(out).toContain(`# s bound to ('0.0.0.0', ${port}): every IPv4 interface, reachable from other hosts\n`);
    expect(await shell.ok('s.getsockname')).toBe(`('0.0.0.0', ${port})\n`);
    await sendUdp('127.0.0.1', port, 'via 127.0.0.1');
    expect(withoutReceiveNotes(await shell.ok('m, a = s.recvfrom 100', 'print $m'))).toBe('via 127.0.0.1\n');
    if (linux) {
      await sendUdp('127.0.0.2', port, 'via 127.0.0.2');
      expect(withoutReceiveNotes(await shell.ok('m, a = s.recvfrom 100', 'print $m'))).toBe('via 127.0.0.2\n');
    }
  });

  it.runIf(linux)('a socket bound to 127.0.0.1 says loopback only, and does not get what is sent to 127.0.0.2', async () => {
    shell = new CoreDriver({ maxWaitMs: 300 });
    const out = await shell.ok('s = udp.bind 127.0.0.1 0');
    const port = portOf(shell, 's');
    expect(out).toContain(`# s bound to ('127.0.0.1', ${port}): loopback only, reachable from this host alone\n`);
    await sendUdp('127.0.0.2', port, 'elsewhere');
    expect((await shell.run('s.recvfrom 100')).err).toMatch(/ETIMEDOUT/);
  });

  it("TCP tcp.listen '' 0 and udp.bind -6 '' 0: every interface, said in the output, reachable as said", async () => {
    shell = new CoreDriver({ maxWaitMs: HANG_MS });
    const tcp = await shell.ok("l = tcp.listen '' 0");
    const tcpPort = portOf(shell, 'l');
    expect(tcp).toContain(
      `# l bound to ('0.0.0.0', ${tcpPort}): every IPv4 interface, reachable from other hosts; it is a welcoming socket\n`,
    );
    for (const host of linux ? ['127.0.0.1', '127.0.0.2'] : ['127.0.0.1']) {
      const c = net.connect(tcpPort, host);
      await new Promise((r) => c.once('connect', r));
      // The connection's own address is the one the client dialled.
      expect(await shell.ok('c, a = l.accept', 'here = c.getsockname', 'print $here[0]')).toMatch(
        new RegExp(`\n${host.replace(/\./g, '\\.')}\n$`),
      );
      c.destroy();
    }
    const six = await shell.ok("s6 = udp.bind -6 '' 0");
    const port6 = portOf(shell, 's6');
    expect(six).toContain(`# s6 bound to ('::', ${port6}, 0, 0): every interface, IPv6 and IPv4, reachable from other hosts\n`);
    await sendUdp('::1', port6, 'via ::1', 'udp6');
    expect(withoutReceiveNotes(await shell.ok('m, a = s6.recvfrom 100', 'print $m $a'))).toMatch(/^via ::1 \('::1', \d+, 0, 0\)\n$/);
  });

  it('the shortcuts take the family from an IPv6 address, as create_server and create_connection do', async () => {
    shell = new CoreDriver({ maxWaitMs: HANG_MS });
    const made = await shell.ok(
      'v = udp.bind ::1 0',
      'l = tcp.listen ::1 0',
      'la = l.getsockname',
      'c = tcp.connect ::1 $la[1]',
      'c2 = tcp.connect $la',
    );
    expect(made).toContain("# v = socket(AF_INET6, SOCK_DGRAM); v.bind(('::1', 0))");
    expect(made).toContain('# l = socket(AF_INET6, SOCK_STREAM)');
    expect(made).toContain('# c = socket(AF_INET6, SOCK_STREAM)');
    expect(made).toContain('# c2 = socket(AF_INET6, SOCK_STREAM)');
    await sendUdp('::1', portOf(shell, 'v'), 'six', 'udp6');
    expect(withoutReceiveNotes(await shell.ok('m, a = v.recvfrom 100', 'print $m $a[0]'))).toBe('six ::1\n');
    // An IPv4 address, or none, keeps the textbook's AF_INET.
    expect(await shell.ok('u = udp.bind 127.0.0.1 0')).toContain('# u = socket(AF_INET, SOCK_DGRAM)');
  });

  it('a well-known port: refused without privileges, and with them bound with the advice to avoid it', async () => {
    shell = new CoreDriver({ maxWaitMs: HANG_MS });
    const ran = await shell.run('w = udp.bind 127.0.0.1 1023');
    if (ran.err !== '') {
      expect(ran.err).toMatch(/EACCES: port 1023 is a well-known port \(below 1024\) and needs privileges — pick one above 1023/);
      return;
    }
    expect(ran.out).toContain("# w bound to ('127.0.0.1', 1023): loopback only, reachable from this host alone\n");
    expect(ran.out).toContain(
      '# port 1023 is a well-known port, kept for standard services: servers of your own should use one above 1023',
    );
    expect(await shell.ok('e = udp.bind 127.0.0.1 0')).not.toContain('well-known');
  });
});
