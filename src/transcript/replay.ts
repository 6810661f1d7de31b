import { ShellCore } from '../repl/core.js';
import { PortNames } from './ports.js';
import { blockMatches, lineMatches, substituteInput, type Bindings } from './pattern.js';
import type { Block, Item, Transcript } from './format.js';

export interface ReplayOptions {
  /** Bound on every blocking call, and on waiting for output a job or a peer should send. */
  readonly timeoutMs: number;
  /** Ctrl-C on `sockshell test`: stop the running command and the replay. */
  readonly signal?: AbortSignal;
}

export interface ReplayResult {
  readonly passed: boolean;
  /** The transcript as this run saw it: matched lines keep their expected text (placeholders and all). */
  readonly actual: readonly Item[];
  /** What --update writes: like `actual`, with the OS's ports named [PORTn]. */
  readonly updated: readonly Item[];
}

/** Output lines that arrive on their own: [1] job lines, [name] socket notices. */
const ASYNC = /^\[([A-Za-z0-9_]+)\] /;
/** A notice about a socket (not a job): informational, so an unexpected one is not a failure. */
const soft = (text: string) => !/^\[\d+\] /.test(text);

/**
 * Replays a transcript in a fresh session, in lockstep: a command runs, its output is captured,
 * and lines expected from jobs or peers are waited for (bounded) before the next command, so they
 * are matched whatever the timing. Nothing here can hang: every wait has a deadline.
 */
export async function replay(transcript: Transcript, options: ReplayOptions): Promise<ReplayResult> {
  const bindings: Bindings = new Map();
  const ports = new PortNames();
  let foreground: string[] = [];
  const pool: string[] = [];
  let exited = false;
  const core = new ShellCore({
    sink: (line) => (line.async ? pool : foreground).push(line.text),
    readLine: async () => null,
    caretUnderInput: true,
    maxWaitMs: options.timeoutMs,
    onExit: () => (exited = true),
    onEvent: (event) => ports.observe(event),
  });
  const outcomes = new Map<number, { normalized: string[]; updated: string[] }>();
  let passed = true;
  try {
    for (const block of transcript.blocks) {
      if (options.signal?.aborted) {
        passed = false;
        break;
      }
      foreground = [];
      const expectedAsync = block.expected.filter((e) => ASYNC.test(e.text)).map((e) => e.text);
      const expectedForeground = block.expected.filter((e) => !ASYNC.test(e.text)).map((e) => e.text);
      if (exited) foreground.push('(the session had already exited)');
      else await runBlock(core, block, bindings, foreground, options);
      const found = await collect(expectedAsync, pool, bindings, options.timeoutMs);
      const later = transcript.blocks
        .slice(block.index + 1)
        .flatMap((b) => b.expected.filter((e) => ASYNC.test(e.text)).map((e) => e.text));
      const unexpected = takeUnexpected(pool, later, bindings);
      const fgOk = blockMatches(expectedForeground, foreground, bindings);
      const asyncOk = found.every((f) => f !== null) && unexpected.every(soft);
      if (!fgOk || !asyncOk) passed = false;
      const normalizedFg = fgOk ? expectedForeground : align(expectedForeground, foreground, bindings);
      const normalizedAsync = expectedAsync.filter((_, i) => found[i] !== null);
      // An unexpected notice alone does not fail a block, so a passing block's diff leaves it out; a failing
      // block shows all that arrived, or a notice that differs would read as a notice that never came.
      const shown = fgOk && asyncOk ? unexpected.filter((u) => !soft(u)) : unexpected;
      for (const [name, value] of bindings) ports.bind(name, Number(value));
      outcomes.set(block.index, {
        normalized: [...normalizedFg, ...normalizedAsync, ...shown],
        updated: [
          ...normalizedFg.map((l, i) => (l === foreground[i] ? ports.redactOutput(l) : l)),
          ...normalizedAsync,
          ...unexpected.map((u) => ports.redactOutput(u)),
        ],
      });
    }
  } finally {
    await core.close();
  }
  return { passed, actual: rebuild(transcript, outcomes, 'normalized', ports), updated: rebuild(transcript, outcomes, 'updated', ports) };
}

/** Runs one command; `^C` in its expected output means: interrupt it once it is waiting. */
async function runBlock(core: ShellCore, block: Block, bindings: Bindings, foreground: string[], options: ReplayOptions): Promise<void> {
  const timeoutMs = options.timeoutMs;
  const { text, unbound } = substituteInput(block.source, bindings);
  if (unbound.length > 0) {
    foreground.push(`(transcript: [${unbound[0]}] is used before any output showed its port)`);
    return;
  }
  const run = core.execute(text + '\n');
  const wantsInterrupt = block.expected.some((e) => e.text.startsWith('^C '));
  const started = Date.now();
  let finished = false;
  void run.then(() => (finished = true));
  while (!finished) {
    const waited = Date.now() - started;
    const blocked = core.session.engine.list().some((s) => s.waiting !== null);
    if ((wantsInterrupt && (blocked || waited > 300)) || options.signal?.aborted) core.interrupt();
    if (waited > timeoutMs + 2000) {
      // Something not bounded by the socket timeout (sleep, wait %1): stop it rather than hang.
      core.interrupt();
      foreground.push(`(replay: the command did not finish in ${Math.round(timeoutMs / 1000)} s and was interrupted)`);
      break;
    }
    await new Promise((r) => setTimeout(r, blocked || wantsInterrupt ? 5 : 1));
  }
  await run;
}

/** Waits (bounded) until each expected async line has a match in the pool; takes the matches out. */
async function collect(expected: readonly string[], pool: string[], bindings: Bindings, timeoutMs: number): Promise<(string | null)[]> {
  const found: (string | null)[] = expected.map(() => null);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    expected.forEach((e, i) => {
      if (found[i] !== null) return;
      const at = pool.findIndex((p) => lineMatches(e, p, bindings));
      if (at >= 0) found[i] = pool.splice(at, 1)[0]!;
    });
    if (found.every((f) => f !== null) || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Pool lines no later block expects: they are this block's surprises. */
function takeUnexpected(pool: string[], later: readonly string[], bindings: Bindings): string[] {
  const surprises = pool.filter((p) => !later.some((e) => lineMatches(e, p, new Map(bindings))));
  for (const s of surprises) pool.splice(pool.indexOf(s), 1);
  return surprises;
}

/** The actual lines, with those that match an expected line (in LCS order) shown as expected. */
function align(expected: readonly string[], actual: readonly string[], bindings: Bindings): string[] {
  const n = expected.length;
  const m = actual.length;
  const eq = (i: number, j: number) => expected[i] !== '...' && lineMatches(expected[i]!, actual[j]!, new Map(bindings));
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--) lcs[i]![j] = eq(i, j) ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (j < m) {
    if (i < n && eq(i, j)) {
      out.push(expected[i++]!);
      j++;
    } else if (i < n && lcs[i + 1]![j]! >= lcs[i]![j + 1]!) i++;
    else out.push(actual[j++]!);
  }
  return out;
}

/** The transcript's items with each block's output replaced; prose and commands stay put. */
function rebuild(
  transcript: Transcript,
  outcomes: Map<number, { normalized: string[]; updated: string[] }>,
  which: 'normalized' | 'updated',
  ports: PortNames,
): Item[] {
  const out: Item[] = [];
  const blockAt = new Map(transcript.blocks.map((b) => [b.line, b]));
  let current: Block | null = null;
  let emitted = true;
  const flush = () => {
    if (current && !emitted) {
      for (const text of outcomes.get(current.index)?.[which] ?? []) out.push({ kind: 'output', text, line: 0 });
      emitted = true;
    }
  };
  for (const item of transcript.items) {
    if (item.kind === 'input') {
      flush();
      current = blockAt.get(item.line) ?? null;
      emitted = false;
      out.push(which === 'updated' ? { ...item, text: ports.redactInput(item.text) } : item);
    } else if (item.kind === 'more') {
      out.push(item);
    } else {
      flush();
      if (item.kind === 'prose') out.push(item);
    }
  }
  flush();
  return out;
}
