import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CoreDriver } from './helpers/core-driver.js';
import { waitFor } from './helpers/wait.js';

/**
 * What the shell says around a bind another program's socket refuses (trial 4): the script's closing
 * line does not claim it ended before its error is shown, and explain speaks of ports, not of Unix
 * socket files, for a UDP socket's EADDRINUSE, also when the error came out of a background job.
 */
let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

/** A UDP socket of this test process (another program, to the shell) on a port of its own. */
async function taken(): Promise<number> {
  const holder: Socket = createSocket('udp4');
  await new Promise<void>((r) => holder.bind(0, '127.0.0.1', r));
  cleanup.push(() => new Promise<void>((r) => holder.close(() => r())));
  return holder.address().port;
}

function script(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sockshell-inuse-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'server.sock');
  writeFileSync(file, text);
  return file;
}

describe('a port in use', () => {
  it("a job's script that fails at bind: the closing line points at the error after it instead of saying it ended", async () => {
    const port = await taken();
    const file = script(`s = udp.socket\ns.bind 127.0.0.1 ${port}\nprint "not reached"\n`);
    const seen: string[] = [];
    const d = new CoreDriver({ onLine: (l) => seen.push(l.text) });
    cleanup.push(() => d.close());
    await d.run(`run ${file} &`);
    await waitFor(() => seen.some((t) => t.startsWith('[1] failed:')), 'the job to fail');
    const closing = seen.findIndex((t) => t.includes('closed 1 socket it left open'));
    const error = seen.findIndex((t) => t.includes('EADDRINUSE'));
    expect(seen[closing]).toBe(`[1] # ${file} stopped at the error below; closed 1 socket it left open`);
    expect(closing).toBeLessThan(error);
    expect(seen.join('\n')).not.toMatch(/ended; closed/);
    // explain knows the job's error by its code (it said "that error has no code to explain").
    const said = await d.ok('explain');
    expect(said).toMatch(/^EADDRINUSE: Another socket on this host already has that port/);
    expect(said).not.toMatch(/Unix domain|os\.unlink/);
  });

  it('explain after a UDP bind at the prompt leaves out the Unix socket paragraph; explain EADDRINUSE keeps it', async () => {
    const port = await taken();
    const d = new CoreDriver();
    cleanup.push(() => d.close());
    expect((await d.run(`u = udp.bind 127.0.0.1 ${port}`)).err).toMatch(/EADDRINUSE/);
    const said = (await d.ok('explain')).replace(/\n/g, ' ');
    expect(said).toMatch(
      /^EADDRINUSE: Another socket on this host already has that port\..* still hold the port until they end, and the error says so\.\) $/,
    );
    expect((await d.ok('explain EADDRINUSE')).replace(/\n/g, ' ')).toMatch(/A Unix domain socket's address is a path instead/);
  });

  it('explain after a Unix socket bind to a path that exists keeps it', async () => {
    const file = script('not a socket\n');
    const d = new CoreDriver();
    cleanup.push(() => d.close());
    expect((await d.run(`x = unix.listen ${file}`)).err).toMatch(/EADDRINUSE/);
    expect((await d.ok('explain')).replace(/\n/g, ' ')).toMatch(/A Unix domain socket's address is a path instead/);
  });
});
