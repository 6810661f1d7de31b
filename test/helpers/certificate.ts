import { spawnSync } from 'node:child_process';

/** openssl is installed: the TLS tests make their certificates with it. */
export const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

/** Writes a self-signed certificate for localhost and 127.0.0.1, valid for two days, and its key (PEM). */
export function makeCertificate(cert: string, key: string): void {
  const made = spawnSync('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '2',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
  ]);
  if (made.status !== 0) throw new Error(`openssl req failed: ${made.stderr.toString()}`);
}
