/**
 * The lines that arrive on their own during a replay (job lines, socket notices, a program's end):
 * waited for, bounded, and matched against what the transcript expects wherever they come.
 */
import { PEER_ENDED } from '../session/events.js';
import { lineMatches, type Bindings } from './pattern.js';
import type { ProgramControl } from './program-replay.js';

/** Output lines that arrive on their own: [1] job lines, [name] socket notices. */
export const ASYNC = /^\[([A-Za-z0-9_]+)\] /;
/** A notice about a socket (not a job): informational, so an unexpected one is not a failure. */
export const isNotice = (text: string) => !/^\[\d+\] /.test(text);

/**
 * A line of this run that answers an expected async line. A connection's end notice also says how many
 * bytes were still queued when the FIN came (`recv returns b'' after the 38 queued bytes`): that is the
 * run's timing, how much the shell had read by then, not what the program did. So two end notices of
 * one socket, worded alike up to that count, are the same event. (A transcript recorded the FIN after a
 * recvuntil; a replay where it came before, with 82 bytes queued, was told "no FIN came", the server
 * having closed at once: instructor trial 7.)
 */
export function asyncMatches(expected: string, actual: string, bindings: Bindings): boolean {
  if (lineMatches(expected, actual, bindings)) return true;
  const end = endNotice(expected);
  return end !== null && end === endNotice(actual);
}

/** `[name] the peer closed its side (FIN)` for a connection's end notice (without what it says of the queue); null for any other line. */
export function endNotice(line: string): string | null {
  const m = ASYNC.exec(line);
  if (m === null) return null;
  const rest = line.slice(m[0].length);
  for (const words of Object.values(PEER_ENDED)) if (rest.startsWith(`${words}; recv returns b'' `)) return `[${m[1]}] ${words}`;
  return null;
}

/**
 * ProgramControl.unexpectedEnd (or else waitsForInput), told only once it has been seen at two looks in a row: a program that
 * sends its last reply and exits makes the reply and its exit ready at once, and the event loop may
 * tell the exit first; the look after gives the reply its turn to arrive.
 */
export function endWatch(program: ProgramControl | undefined): () => string | null {
  let seen: string | null = null;
  return () => {
    const now = program ? (program.unexpectedEnd() ?? program.waitsForInput()) : null;
    const told = now !== null && now === seen ? now : null;
    seen = now;
    return told;
  };
}

/**
 * Waits (bounded) until each expected async line has a match in the pool; takes the matches out. It
 * stops early when a program under test has ended unexpectedly (endWatch): `ended` says how.
 */
export async function collect(
  expected: readonly string[],
  pool: string[],
  bindings: Bindings,
  options: { readonly timeoutMs: number; readonly program?: ProgramControl | undefined },
): Promise<{ lines: (string | null)[]; ended: string | null }> {
  const lines: (string | null)[] = expected.map(() => null);
  const deadline = Date.now() + options.timeoutMs;
  const ends = endWatch(options.program);
  for (;;) {
    expected.forEach((e, i) => {
      if (lines[i] !== null) return;
      const at = pool.findIndex((p) => asyncMatches(e, p, bindings));
      if (at >= 0) lines[i] = pool.splice(at, 1)[0]!;
    });
    if (lines.every((f) => f !== null) || Date.now() > deadline) return { lines, ended: null };
    const ended = ends();
    if (ended !== null) return { lines, ended };
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Pool lines no later block expects: they are this block's surprises. */
export function takeUnexpected(pool: string[], later: readonly string[], bindings: Bindings): string[] {
  const surprises = pool.filter((p) => !later.some((e) => asyncMatches(e, p, new Map(bindings))));
  for (const s of surprises) pool.splice(pool.indexOf(s), 1);
  return surprises;
}
