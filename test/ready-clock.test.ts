import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freshPort, portBound, releasePort } from '../src/transcript/port-probe.js';
import type { ReadyClock } from '../src/transcript/ready-clock.js';
import { redrawNote, runTranscript } from '../src/transcript/run-one.js';
import { StartFailure } from '../src/transcript/start-failure.js';
import { startPeer } from '../src/transcript/with.js';
import { hasPython, portFarFromFresh } from './helpers/proc.js';

/**
 * The two races of a program's start that timing alone made rare, made certain: the ready deadline
 * falling inside one of startPeer's looks (e598c92), stepped across by a clock the test holds, and a
 * fresh port another program takes before the program starts, taken by this test for real between the
 * draw and the start. Real programs and sockets; only the clock and the source of ports are the test's.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-ready-clock-'));
const held: Socket[] = [];
afterAll(() => {
  for (const s of held) s.close();
  rmSync(dir, { recursive: true, force: true });
});

const TEXTBOOK = 'test/grading/udp-server/submissions/textbook/UDPServer.py';
const TRANSCRIPT = 'test/grading/udp-server/transcripts/upper.sockt';

/**
 * A clock that stands still until `step` is given readings: each look takes the next one, and the last
 * stays. A program waits for no CPU by it.
 */
function heldClock(): ReadyClock & { step(...readings: number[]): void } {
  let now = 0;
  const next: number[] = [];
  return {
    now: () => (now = next.shift() ?? now),
    cpuWait: () => () => 0,
    step: (...readings) => next.push(...readings),
  };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600 && !condition(); i++) await new Promise((r) => setTimeout(r, 50));
  expect(condition(), what).toBe(true);
}

function takeUdp(port: number): Promise<void> {
  const s = createSocket('udp4');
  held.push(s);
  return new Promise((resolve, reject) => (s.once('error', reject), s.bind({ port, address: '0.0.0.0', exclusive: true }, resolve)));
}

describe.runIf(hasPython && process.platform === 'linux')('a program start across the ready deadline', () => {
  it('a look that begins before the deadline and ends after it still says which port the program bound', async () => {
    const other = await portFarFromFresh();
    const program = join(dir, 'other-port.py');
    const text = readFileSync(TEXTBOOK, 'utf8');
    writeFileSync(program, text.replace('serverSocket.bind((', `serverSocket.bind(('', ${other}))\ninput()\nserverSocket.bind((`));
    const port = await freshPort();
    const clock = heldClock();
    const starting = startPeer(`python3 ${program} ${port}`, {
      port,
      readyTimeoutMs: 1000,
      placeholder: { command: `python3 ${program} {port}`, recorded: 12000 },
      clock,
    }).then(
      async (peer) => (await peer.stop(), null),
      (e: unknown) => e,
    );
    try {
      await until(() => portBound(other) === true, `the program bound ${other}`);
      // The next look reads 999 ms (not late: it takes no holdings), every reading after it 1001.
      clock.step(999, 1001);
      const failure = await starting;
      expect(failure).toBeInstanceOf(StartFailure);
      expect((failure as StartFailure).student.join('\n')).toContain(
        `it bound UDP port ${other} instead: does it read its port from its arguments?`,
      );
    } finally {
      releasePort(port);
    }
  });

  it('a fresh port another program takes before the program starts is drawn again', async () => {
    const drawn: number[] = [];
    const result = await runTranscript(TRANSCRIPT, {
      with: [`python3 ${TEXTBOOK} {port}`],
      timeoutMs: 30_000,
      readyTimeoutMs: 30_000,
      update: false,
      allowFiles: false,
      signal: new AbortController().signal,
      freshPort: async () => {
        const port = await freshPort();
        drawn.push(port);
        // The first: free when drawn, taken (by this process) before the program starts.
        if (drawn.length === 1) await takeUdp(port);
        return port;
      },
    });
    expect(drawn).toHaveLength(2);
    expect(result.outcome, result.instructor.join('\n')).toBe('passed');
    expect(result.redrawn).toBe(1);
    expect(result.instructor).toEqual([redrawNote(1)]);
  });
});
