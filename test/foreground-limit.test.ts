import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CoreDriver } from './helpers/core-driver.js';
import { HANG_MS } from './helpers/wait.js';

/**
 * A session that bounds every wait (a transcript's replay, a test's maxWaitMs) bounds the commands
 * that run until stopped too, in the foreground (issue 14): a foreground relay or serve ran until a
 * Ctrl-C a replay may never send. Each now stops at the bound as a socket call's wait does: with its
 * summary, then an error that says why. A job is not bounded: it runs until killed.
 */

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** A shell whose waits last at most 200 ms; a command still running at HANG_MS gets a Ctrl-C (interrupted). */
function shell(): CoreDriver {
  const s = new CoreDriver({ maxWaitMs: 200 });
  closers.push(() => s.close());
  return s;
}

describe('the session maximum wait in the foreground', () => {
  it('stops a foreground relay, with its counts, and says why', async () => {
    const s = shell();
    const r = await s.run('relay udp 0 127.0.0.1 9 --seed 1', HANG_MS);
    expect(r.interrupted).toBe(false);
    expect(r.lines.map((l) => l.text)).toContainEqual(expect.stringContaining('relay stopped: to the target 0 datagrams'));
    expect(r.err).toContain('relay stopped after 0.2 s, the longest any call waits in this session');
  });

  it('stops a foreground serve, saying how many it served, and says why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sockshell-limit-'));
    closers.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'h.sock'), 'conn.close\n');
    const s = shell();
    const r = await s.run(`serve 0 ${join(dir, 'h.sock')}`, HANG_MS);
    expect(r.interrupted).toBe(false);
    expect(r.lines.map((l) => l.text)).toContainEqual(expect.stringMatching(/stopped serving .*: served 0 connections/));
    expect(r.err).toContain('serve stopped after 0.2 s');
  });

  it('stops a foreground sleep longer than the bound, with the same words', async () => {
    const s = shell();
    const r = await s.run('sleep 100', HANG_MS);
    expect(r.interrupted).toBe(false);
    expect(r.err).toContain('sleep stopped after 0.2 s, the longest any call waits in this session');
    // A sleep within the bound is a sleep.
    expect(await s.run('sleep 0.01', HANG_MS)).toMatchObject({ interrupted: false, err: '' });
  });

  it('stops a foreground wait %N at the bound; the job runs on', async () => {
    const s = shell();
    await s.run('relay udp 0 127.0.0.1 9 --seed 1 &');
    const r = await s.run('wait %1', HANG_MS);
    expect(r.interrupted).toBe(false);
    expect(r.err).toContain('wait stopped after 0.2 s, the longest any call waits in this session');
    expect((await s.run('jobs')).out).toMatch(/%1 .*running/);
    expect((await s.run('kill %1')).err).toBe('');
  });

  it('leaves a relay job running past the bound until it is killed', async () => {
    const s = shell();
    await s.run('relay udp 0 127.0.0.1 9 --seed 1 &');
    // Past the bound, in two sleeps within it (one longer sleep would stop at the bound).
    for (let i = 0; i < 2; i++) expect((await s.run('sleep 0.15')).err).toBe('');
    expect((await s.run('jobs')).out).toMatch(/%1 .*running/);
    const killed = await s.run('kill %1');
    expect(killed.err).toBe('');
  });
});
