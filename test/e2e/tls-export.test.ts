import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasPython, runProcess, sockshell } from '../helpers/proc.js';
import { hasOpenssl, makeCertificate } from '../helpers/certificate.js';

/**
 * Issue 14, TLS export: a program with a TLS server and its client in one runs under python3 as it
 * ran in the shell. Node's server does each handshake before accept; Python's does it in accept, so
 * a client's connect written first used to wait for ever.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-tls-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!hasOpenssl || !hasPython)('export of both TLS ends', () => {
  it('runs under python3 as it ran in the shell', async () => {
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    makeCertificate(cert, key);
    const script = join(dir, 'both-ends.sock');
    writeFileSync(
      script,
      [
        `s = tls.listen 127.0.0.1 0 --cert ${cert} --key ${key}`,
        'a = s.getsockname',
        `c = tls.connect $a --ca ${cert}`,
        'c.sendall hi',
        'conn, addr = s.accept',
        'm = conn.recv 10',
        'print $m',
        'conn.sendall back',
        'r = c.recv 10',
        'print $r',
        '',
      ].join('\n'),
    );
    const shell = await sockshell(['run', script]);
    expect(shell.stdout).toBe('hi\nback\n');
    const exported = await sockshell(['export', script]);
    expect(exported.stdout).toContain('tls_connect(c, a)');
    expect(exported.stdout).toContain('conn, addr = tls_accept(s)');
    const program = join(dir, 'both-ends.py');
    writeFileSync(program, exported.stdout);
    const python = await runProcess('python3', [program], { timeoutMs: 20_000 });
    expect(python.stderr).toBe('');
    expect(python.stdout).toBe(shell.stdout);
  });

  it('a piped session whose client refused the listener certificate ends with its error, not an internal one', async () => {
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    const ran = await sockshell([], {
      input: `s = tls.listen 127.0.0.1 0 --cert ${cert} --key ${key}\na = s.getsockname\nx = tls.connect $a\n`,
    });
    expect(ran.stderr).toContain('CERTIFICATE_VERIFY_FAILED');
    expect(ran.stderr).not.toContain('internal error');
    expect(ran.status).toBe(1);
  });
});
