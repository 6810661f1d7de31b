/**
 * freshPort, the port `{port}` gives a run, never lies within 100 of the textbook's 12000: a program
 * that binds a port near the one it was given is said to have worked it out from it ("it bound UDP
 * port {port} + 37 instead", for the student "37 above the one it was given"), and a class copies the
 * textbook's 12000 into its servers. About 1 run in 110 of such a server (fresh ports lay in
 * 10000–32767 then) read as if it added 37 to its argument, and the next run said "UDP port 12000".
 * Math.random is steered to offer a port near 12000 first: the sockets probed are real.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ephemeralRange } from '../src/engine/index.js';
import { freshPort, freshRange, releasePort } from '../src/transcript/port-probe.js';
import { portsInstead } from '../src/transcript/program-ports.js';
import { FIXED_PORTS } from './helpers/proc.js';

afterEach(() => vi.restoreAllMocks());

/** The Math.random() value freshPort turns into `port` (freshRange). */
function randomFor(port: number): number {
  const [lo, hi] = freshRange();
  return (port - lo + 0.5) / (hi - lo + 1);
}

describe.runIf(process.platform === 'linux' && ephemeralRange()[0] > 13000)('freshPort', () => {
  it('a port near 12000 would make the textbook port read as worked out from the fresh one', () => {
    expect(portsInstead([{ transport: 'UDP', port: 12000, hosts: ['0.0.0.0'] }], 12037)).toBe('UDP port {port} - 37');
    expect(portsInstead([{ transport: 'UDP', port: 12000, hosts: ['0.0.0.0'] }], 15000)).toBe('UDP port 12000');
  });

  it('passes over ports within 100 of 12000 and gives the next one it draws', async () => {
    const random = Math.random.bind(Math);
    for (const near of [11900, 11963, 12000, 12037, 12100]) {
      // Offered twice (a port passed over is not remembered), then drawn as before.
      vi.spyOn(Math, 'random').mockReturnValueOnce(randomFor(near)).mockReturnValueOnce(randomFor(near)).mockImplementation(random);
      const port = await freshPort();
      releasePort(port);
      vi.restoreAllMocks();
      expect(Math.abs(port - 12000), `offered ${near}, gave ${port}`).toBeGreaterThan(100);
    }
  });
});

/**
 * The suites' fixed ports (freeFixedPort: a slice of 20000–31999 per vitest worker and lane) are
 * checked free and then bound by the test that took them: a fresh port drawn among them could be
 * taken by another suite's server between freshPort's probe and the program's bind, and fail a
 * correct program. Fresh ports were drawn from 10000–32767, so about half of them lay there.
 */
describe.runIf(process.platform === 'linux' && ephemeralRange()[0] > 20000)('fresh ports and the suites fixed ports', () => {
  it('never meet', async () => {
    const drawn: number[] = [];
    for (let i = 0; i < 200; i++) drawn.push(await freshPort());
    for (const port of drawn) releasePort(port);
    const [lo, hi] = FIXED_PORTS;
    expect(drawn.filter((p) => p >= lo && p <= hi)).toEqual([]);
    expect(drawn.every((p) => p >= 10000 && p < ephemeralRange()[0])).toBe(true);
    expect(freshRange()[1]).toBeLessThan(lo);
  });
});
