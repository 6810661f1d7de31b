import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasPython, runProcess, sockshell } from '../helpers/proc.js';

/**
 * A link-local IPv6 address with its zone (fe80::…%eth0) is exported as the 4-tuple Python needs:
 * Python ignores a zone in a 2-tuple's host (its connect is EINVAL: a link-local address with no
 * interface), and takes the interface from the tuple's scope id.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-export-zone-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An interface with a link-local IPv6 address of its own: its name, index and the address. */
const linkLocal = Object.entries(networkInterfaces())
  .flatMap(([name, addresses]) => (addresses ?? []).map((a) => ({ name, ...a })))
  .find((a) => a.family === 'IPv6' && a.address.toLowerCase().startsWith('fe80:') && a.scopeid !== undefined);

describe.runIf(hasPython && linkLocal !== undefined)('export of an address with an IPv6 zone', () => {
  it('writes (host, port, 0, scope id), and the exported program connects to the same peer as the shell', async () => {
    const { name, address, scopeid } = linkLocal!;
    const script = join(dir, 'zone.sock');
    writeFileSync(
      script,
      [
        's = udp.socket -6',
        `s.connect ${address}%${name} 5000`,
        'p = s.getpeername',
        'print $p',
        `s.sendto hi ${address}%${scopeid} 5001`,
        '',
      ].join('\n'),
    );
    const exported = await sockshell(['export', script]);
    expect(exported.status).toBe(0);
    expect(exported.stdout).toContain(`s.connect(('${address}', 5000, 0, if_nametoindex('${name}')))`);
    expect(exported.stdout).toContain(`s.sendto(b'hi', ('${address}', 5001, 0, ${scopeid}))`);
    const program = join(dir, 'zone.py');
    writeFileSync(program, exported.stdout);
    const python = await runProcess('python3', [program]);
    expect(python.stderr).toBe('');
    expect(python.stdout).toBe(`('${address}', 5000, 0, ${scopeid})\n`);
    const shell = await sockshell(['run', script]);
    expect(shell.stdout).toContain(`('${address}', 5000, 0, ${scopeid})`);
  });
});
