import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CoreDriver } from './helpers/core-driver.js';
import { trafficEntry } from '../src/record/traffic.js';

/**
 * Issue 14, the traffic log: `log on [FILE]` records every byte each socket sends and receives, with
 * time, direction, socket, addresses and length, as socat -v -x does; exact in the file (a hex dump,
 * or the bytes themselves with --text), terminal-safe on the screen. Real sockets on loopback.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-traffic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let d: CoreDriver;
afterEach(() => d.close());

const TIME = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z`;

/** A TCP pair c ↔ conn, and c's bytes with an escape sequence in them, which a terminal would act on. */
async function exchange(): Promise<void> {
  await d.ok(
    's = tcp.listen 127.0.0.1 0',
    'a = s.getsockname',
    'c = tcp.connect $a',
    'conn, addr = s.accept',
    String.raw`c.sendall "hi\x1b[2J\n"`,
    'm = conn.recv 100',
    'c.shutdown wr',
    'e = conn.recv 100',
  );
}

describe('log on FILE', () => {
  it('writes every byte both ways as a hex dump, with the FIN, and nothing after log off', async () => {
    d = new CoreDriver();
    const file = join(dir, 'hex.log');
    await d.ok(`log on ${file}`);
    await exchange();
    await d.ok('log off', 'c.close');
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines[0]).toMatch(new RegExp(String.raw`^> ${TIME} c 127\.0\.0\.1:(\d+) > 127\.0\.0\.1:(\d+) TCP 7 bytes$`));
    expect(lines[1]).toBe('  00000000  68 69 1b 5b 32 4a 0a                              |hi.[2J.|');
    expect(lines[2]).toBe('  00000007  (7 bytes)');
    expect(lines[3]).toMatch(new RegExp(String.raw`^< ${TIME} conn 127\.0\.0\.1:\d+ < 127\.0\.0\.1:\d+ TCP 7 bytes$`));
    expect(lines[4]).toBe(lines[1]);
    expect(lines[6]).toMatch(new RegExp(`^> ${TIME} c FIN \\(shutdown wr\\)$`));
    expect(lines[7]).toMatch(new RegExp(`^< ${TIME} conn FIN: the peer closed its side$`));
    // The sender's port and the receiver's peer port are the same socket's.
    const sender = /c 127\.0\.0\.1:(\d+) >/.exec(lines[0]!)![1];
    expect(lines[3]).toContain(`< 127.0.0.1:${sender} TCP`);
    expect(lines.slice(8)).toEqual(['']); // log off: c.close's traffic is not in it
  });

  it('--text: the file holds the bytes exactly as they went', async () => {
    d = new CoreDriver();
    const file = join(dir, 'text.log');
    await d.ok(`log on ${file} --text`);
    await exchange();
    await d.ok('log off');
    const raw = readFileSync(file);
    expect(raw.includes(Buffer.from('hi\x1b[2J\n\n'))).toBe(true);
  });

  it('UDP: each datagram, its sender and its receiver', async () => {
    d = new CoreDriver();
    const file = join(dir, 'udp.log');
    await d.ok(
      `log on ${file}`,
      'u = udp.bind 127.0.0.1 0',
      'b = u.getsockname',
      'v = udp.socket',
      'v.sendto dgram $b',
      'x = u.recvfrom 100',
      'log off',
    );
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(
      new RegExp(String.raw`^> ${TIME} v 0\.0\.0\.0:\d+ > 127\.0\.0\.1:\d+ UDP 5 bytes\n  00000000  64 67 72 61 6d .*\|dgram\|\n`),
    );
    expect(text).toMatch(new RegExp(String.raw`\n< ${TIME} u 127\.0\.0\.1:\d+ < 127\.0\.0\.1:\d+ UDP 5 bytes\n`));
  });

  it('a file that cannot be opened: log on fails in words, and the log stays off', async () => {
    d = new CoreDriver();
    const ran = await d.run(`log on ${join(dir, 'no-such-dir', 'x.log')}`);
    expect(ran.err).toMatch(/can't open .*x\.log for appending \(ENOENT\)/);
    expect((await d.run('log')).out).toBe('the traffic log is off (log on [FILE] starts it)\n');
  });
});

describe('log on (the screen)', () => {
  it('shows the traffic terminal-safe: no escape byte reaches the screen', async () => {
    d = new CoreDriver();
    await d.ok('log on');
    await d.ok('s = tcp.listen 127.0.0.1 0', 'a = s.getsockname', 'c = tcp.connect $a', 'conn, addr = s.accept');
    const sent = await d.run(String.raw`c.sendall "hi\x1b[2J\n"`);
    const shown = sent.lines.map((l) => l.text);
    expect(shown.some((l) => /^> .* c 127\.0\.0\.1:\d+ > 127\.0\.0\.1:\d+ TCP 7 bytes$/.test(l))).toBe(true);
    expect(shown).toContain('  00000000  68 69 1b 5b 32 4a 0a                              |hi.[2J.|');
    expect(shown.join('\n')).not.toContain('\x1b');
  });
});

describe('the traffic log says what each kind of drop was', () => {
  // A listener's full accept queue used to be logged as "a datagram of 0 bytes dropped" (review).
  const drop = (unit: 'datagrams' | 'connections', reset: boolean): string | null => {
    const entry = trafficEntry(
      { kind: 'dropped', serial: 1, socket: 's', unit, bytes: unit === 'datagrams' ? 5 : 0, total: 1, reset },
      () => null,
    );
    return entry?.kind === 'mark' ? entry.text : null;
  };

  it('a datagram, a connection reset, and a connection closed (TLS, Unix) are each named as such', () => {
    expect(drop('datagrams', false)).toBe('a datagram of 5 bytes dropped: the receive queue is full');
    expect(drop('connections', true)).toBe('a new connection reset: too many wait for accept');
    expect(drop('connections', false)).toBe('a new connection closed: too many wait for accept');
  });
});
