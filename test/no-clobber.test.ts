import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pipedSession } from './helpers/piped.js';

/**
 * Issue 17 item 13: `export FILE` and `diagram --svg FILE` replaced an existing file without a word
 * (`echo precious > UDPServer.py; printf 'u = udp.socket\nexport UDPServer.py\n' | sockshell`). They
 * now keep it and fail, as `sockshell record` does; --force replaces it.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-clobber-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function piped(lines: string): Promise<{ status: number; err: string }> {
  const { status, err } = await pipedSession(lines);
  return { status, err };
}

describe('files the session writes', () => {
  it('export keeps an existing file and says how to replace it; --force replaces it', async () => {
    const file = join(dir, 'UDPServer.py');
    writeFileSync(file, 'precious\n');
    const kept = await piped(`u = udp.socket\nexport ${file}\n`);
    expect(kept.status).toBe(1);
    expect(kept.err).toBe(
      `<stdin>:2:8: ${file} exists and export keeps it (it may be your own work): choose another name, or replace it with export --force ${file}\n`,
    );
    expect(readFileSync(file, 'utf8')).toBe('precious\n');
    expect(await piped(`u = udp.socket\nexport --force ${file}\n`)).toEqual({ status: 0, err: '' });
    expect(readFileSync(file, 'utf8')).toMatch(/^from socket import \*\nu = socket\(AF_INET, SOCK_DGRAM\)\n/);
  });

  it('export writes a new file as before', async () => {
    const file = join(dir, 'new.py');
    expect(await piped(`u = udp.socket\nexport ${file}\n`)).toEqual({ status: 0, err: '' });
    expect(existsSync(file)).toBe(true);
  });

  it('diagram --svg keeps an existing file; --force replaces it; --force alone is a mistake', async () => {
    const file = join(dir, 'pic.svg');
    writeFileSync(file, 'precious\n');
    const kept = await piped(`u = udp.socket\ndiagram --svg ${file}\n`);
    expect(kept.status).toBe(1);
    expect(kept.err).toContain(`${file} exists and diagram keeps it (it may be your own work)`);
    expect(readFileSync(file, 'utf8')).toBe('precious\n');
    expect(await piped(`u = udp.socket\ndiagram --svg ${file} --force\n`)).toEqual({ status: 0, err: '' });
    expect(readFileSync(file, 'utf8')).toMatch(/^<svg /);
    expect((await piped('diagram --force\n')).err).toContain('--force goes with --svg FILE');
  });
});
