/**
 * A link-local IPv6 address with an interface number no interface has (user trials' open finding 5):
 * Python's (host, port, 0, 99999) goes to the kernel, which finds no route out of it (ENETUNREACH) or no
 * device to bind on (ENODEV); getaddrinfo takes any number, so no gaierror. The shell said ENOTFOUND
 * (socket.gaierror). A name that is no interface stays a gaierror, as Python's getaddrinfo fails on it.
 * And fe80::3%1 (lo) was refused as "no interface" without the addon on a host whose lo has no
 * link-local address: the kernel's answer is python3's here, whatever it is. Run on every back end.
 */
import { spawnSync } from 'node:child_process';
import { afterEach, expect, it } from 'vitest';
import { CoreDriver } from './helpers/core-driver.js';
import { hasPython } from './helpers/proc.js';

let driver: CoreDriver | null = null;
afterEach(async () => {
  await driver?.close();
  driver = null;
});

/** The errno name python3's call meets (or 'ok'); call is Python on a socket s of type kind. */
function python(kind: 'SOCK_STREAM' | 'SOCK_DGRAM', call: string): string {
  const program = [
    'import errno, socket',
    `s = socket.socket(socket.AF_INET6, socket.${kind})`,
    's.settimeout(5)',
    'try:',
    `    ${call}`,
    "    print('ok')",
    'except socket.gaierror:',
    "    print('gaierror')",
    'except OSError as e:',
    '    print(errno.errorcode[e.errno])',
  ].join('\n');
  return spawnSync('python3', ['-c', program], { encoding: 'utf8', timeout: 30_000 }).stdout.trim();
}

it.runIf(hasPython && process.platform === 'linux')(
  'a zone that is no interface fails as the kernel fails it for Python, not as a name lookup',
  async () => {
    const cases = [
      { shell: 'c = tcp.connect fe80::3%99999 9', python: python('SOCK_STREAM', "s.connect(('fe80::3', 9, 0, 99999))") },
      { shell: 'u.sendto hi fe80::3%99999 9', python: python('SOCK_DGRAM', "s.sendto(b'hi', ('fe80::3', 9, 0, 99999))") },
      { shell: 'b = udp.bind fe80::3%99999 0', python: python('SOCK_DGRAM', "s.bind(('fe80::3', 0, 0, 99999))") },
      { shell: 'c = tcp.connect fe80::3%1 9', python: python('SOCK_STREAM', "s.connect(('fe80::3', 9, 0, 1))") },
      {
        shell: 'c = tcp.connect fe80::3%nosuch 9',
        python: python('SOCK_STREAM', "s.connect(socket.getaddrinfo('fe80::3%nosuch', 9)[0][4])"),
      },
    ];
    expect(cases.map((c) => c.python).slice(0, 3)).toEqual(['ENETUNREACH', 'ENETUNREACH', 'ENODEV']);
    expect(cases[4]!.python).toBe('gaierror');
    driver = new CoreDriver();
    await driver.ok('u = udp.socket -6');
    for (const c of cases) {
      const ran = await driver.run(c.shell);
      const said = /\b(E[A-Z]+):/.exec(ran.err)?.[1] ?? (ran.err === '' ? 'ok' : ran.err);
      expect({ call: c.shell, said }).toEqual({ call: c.shell, said: c.python === 'gaierror' ? 'ENOTFOUND' : c.python });
      if (c.python === 'gaierror') expect(ran.err).toContain('(socket.gaierror)');
      else expect(ran.err).not.toContain('gaierror');
    }
  },
);
