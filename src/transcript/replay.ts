import type { FileAccess } from '../spec/services.js';
import { ShellCore } from '../repl/core.js';
import type { Transport } from '../engine/types.js';
import { SessionPorts } from './session-ports.js';
import { PortNames } from './ports.js';
import { align, alignKeeping } from './align.js';
import { blockMatches, substituteInput, type Bindings } from './pattern.js';
import type { Block, Item, Transcript } from './format.js';
import { runProgramBlock, type ProgramControl } from './program-replay.js';
import { ASYNC, collect, endWatch, isNotice, takeUnexpected } from './async-lines.js';

export interface ReplayOptions {
  /** Bound on every blocking call, and on waiting for output a job or a peer should send. */
  readonly timeoutMs: number;
  /** Ctrl-C on `sockshell test`, or a wall limit: stop the running command and the replay. */
  readonly signal?: AbortSignal;
  /** Compare the shell's `#` commentary lines too (header `commentary: checked`); by default they are not. */
  readonly commentary?: 'checked' | 'ignored';
  /** Run every block after a mismatch (--update); by default replay stops at the first block that fails. */
  readonly keepGoing?: boolean;
  /** The program under test, for `program> ` lines. */
  readonly program?: ProgramControl;
  /** Why a file a command names may not be used (`sockshell test` keeps transcripts in their folder); null: it may. */
  readonly fileGuard?: (path: string, access: FileAccess) => string | null;
}

export interface ReplayResult {
  readonly passed: boolean;
  /** The transcript as this run saw it: matched lines keep their expected text (placeholders and all). */
  readonly actual: readonly Item[];
  /** What --update writes: like `actual`, with the OS's ports named [PORTn]. */
  readonly updated: readonly Item[];
  /** The first block that failed, or null; the blocks after it did not run unless keepGoing. */
  readonly failure: Failure | null;
  /** Whether anything reached a port the session's sockets bound (null: none bound it). */
  readonly heard: (port: number) => boolean | null;
  /** How the session reached out to a port: the transports it sent or connected there with (SessionPorts.spokeAs). */
  readonly spokeAs: (port: number) => ReadonlySet<Transport>;
  /** The addresses the session sent to or connected to on a port (SessionPorts.spokeAt). */
  readonly spokeAt: (port: number) => ReadonlySet<string>;
  /** How the session's own sockets held a port: bound UDP, listening TCP (SessionPorts.servedAs). */
  readonly servedAs: (port: number) => ReadonlySet<Transport>;
}

/** The first mismatch, as feedback shows it: the lines compared, expected and as this run showed them. */
export interface Failure {
  readonly block: Block;
  readonly expected: readonly string[];
  /** This run's lines, lines that matched shown as expected, the OS's ports named [PORTn]. */
  readonly got: readonly string[];
  /** Blocks after it were not run. */
  readonly stopped: boolean;
  /** How a program under test ended where the transcript does not expect it, when that cut the block's wait short; else null. */
  readonly cutShort: string | null;
  /**
   * Notices about the shell's own sockets that arrived while a `program> ` line read the program's
   * output: kept out of `got`, where a student would read them as what the program printed.
   */
  readonly meanwhile: readonly string[];
}

/** The shell's commentary: what a command did underneath, at the prompt or from a job. */
export const isCommentary = (text: string): boolean => /^(\[\d+\] )?#( |$)/.test(text);

/** Numbers of four digits or more: ports the OS picked, which differ every run and say nothing new. */
const PORTISH = /\d{4,}/g;

/** Whether this run's # lines say what the transcript's say, once the OS's ports are set aside; true where the transcript has none. */
function sameCommentary(expected: readonly string[], actual: readonly string[]): boolean {
  const lines = (all: readonly string[]) => all.filter(isCommentary).map((l) => l.replace(PORTISH, 'N'));
  const a = lines(expected);
  const b = lines(actual);
  // A block whose commentary the transcript's author left out keeps it left out.
  if (a.length === 0) return true;
  return a.length === b.length && a.every((l, i) => l === b[i]);
}

/**
 * Replays a transcript in a fresh session, in lockstep: a command runs, its output is captured,
 * and lines expected from jobs or peers are waited for (bounded) before the next command, so they
 * are matched whatever the timing. Nothing here can hang: every wait has a deadline.
 */
export async function replay(transcript: Transcript, options: ReplayOptions): Promise<ReplayResult> {
  const bindings: Bindings = new Map();
  const ports = new PortNames();
  const arrivals = new SessionPorts();
  let foreground: string[] = [];
  const pool: string[] = [];
  let exited = false;
  const core = new ShellCore({
    sink: (line) => (line.async ? pool : foreground).push(line.text),
    readLine: async () => null,
    caretUnderInput: true,
    maxWaitMs: options.timeoutMs,
    onExit: () => (exited = true),
    onEvent: (event) => {
      ports.observe(event);
      arrivals.observe(event);
    },
    ...(options.fileGuard ? { fileGuard: options.fileGuard } : {}),
  });
  const checked = options.commentary === 'checked';
  const compared = (text: string) => checked || !isCommentary(text);
  const soft = (text: string) => isNotice(text) || !compared(text);
  const outcomes = new Map<number, { normalized: string[]; updated: string[] }>();
  let passed = true;
  let failure: Failure | null = null;
  try {
    for (const block of transcript.blocks) {
      if (options.signal?.aborted) {
        passed = false;
        break;
      }
      if (failure !== null && !options.keepGoing) {
        // Not run: shown as expected, so nothing after the first mismatch reads as a difference.
        const lines = block.expected.map((e) => e.text);
        outcomes.set(block.index, { normalized: lines, updated: lines });
        continue;
      }
      foreground = [];
      const expectedAsyncAll = block.expected.filter((e) => ASYNC.test(e.text)).map((e) => e.text);
      const expectedForegroundAll = block.expected.filter((e) => !ASYNC.test(e.text)).map((e) => e.text);
      const expectedAsync = expectedAsyncAll.filter(compared);
      const expectedForeground = expectedForegroundAll.filter(compared);
      let cutShort: string | null = null;
      if (exited) foreground.push('(the session had already exited)');
      else if (block.program) await runProgramBlock(block, expectedForeground, options, bindings, foreground);
      else cutShort = await runBlock(core, block, bindings, foreground, options);
      const found = await collect(expectedAsync, pool, bindings, options);
      cutShort ??= found.ended;
      const later = transcript.blocks
        .slice(block.index + 1)
        .flatMap((b) => b.expected.filter((e) => ASYNC.test(e.text) && compared(e.text)).map((e) => e.text));
      const unexpected = takeUnexpected(pool, later, bindings);
      const fgOk = blockMatches(expectedForeground, foreground.filter(compared), bindings);
      const asyncOk = found.lines.every((f) => f !== null) && unexpected.every(soft);
      // Commentary is not compared, but what this run shows as its own must be what it said: where its
      // # lines say something other than the transcript's (beyond the ports the OS picked), the diff and
      // --update show this run's, not the transcript's stale ones.
      const said = checked || sameCommentary(expectedForegroundAll, foreground);
      const normalizedFg =
        fgOk && said
          ? expectedForegroundAll
          : said
            ? alignKeeping(expectedForegroundAll, foreground, compared, bindings)
            : align(expectedForegroundAll, foreground, bindings);
      let k = 0;
      const normalizedAsync = expectedAsyncAll.filter((e) => !compared(e) || found.lines[k++] !== null);
      // An unexpected notice alone does not fail a block, so a passing block's diff leaves it out; a failing
      // block shows all that arrived, or a notice that differs would read as a notice that never came.
      const shown = fgOk && asyncOk ? unexpected.filter((u) => !soft(u)) : unexpected.filter(compared);
      if (!fgOk || !asyncOk) {
        passed = false;
        const aside = (u: string) => block.program && isNotice(u);
        failure ??= {
          block,
          expected: [...expectedForeground, ...expectedAsync],
          got: [
            ...alignKeeping(expectedForeground, foreground.filter(compared), () => true, bindings),
            ...expectedAsync.filter((_, i) => found.lines[i] !== null),
            ...unexpected.filter((u) => compared(u) && !aside(u)),
          ].map((l) => ports.redactOutput(l)),
          stopped: !options.keepGoing && block.index < transcript.blocks.length - 1,
          cutShort,
          meanwhile: unexpected.filter((u) => compared(u) && aside(u)).map((l) => ports.redactOutput(l)),
        };
      }
      for (const [name, value] of bindings) ports.bind(name, Number(value));
      const updatedFg = fgOk && said ? expectedForegroundAll : align(expectedForegroundAll, foreground, bindings);
      outcomes.set(block.index, {
        normalized: [...normalizedFg, ...normalizedAsync, ...shown],
        updated: [
          ...updatedFg.map((l, i) => (l === foreground[i] ? ports.redactOutput(l) : l)),
          ...normalizedAsync,
          ...unexpected.filter(compared).map((u) => ports.redactOutput(u)),
        ],
      });
    }
  } finally {
    await core.close();
  }
  return {
    passed,
    actual: rebuild(transcript, outcomes, 'normalized', ports),
    updated: rebuild(transcript, outcomes, 'updated', ports),
    failure,
    heard: (port) => arrivals.heard(port),
    spokeAs: (port) => arrivals.spokeAs(port),
    spokeAt: (port) => arrivals.spokeAt(port),
    servedAs: (port) => arrivals.servedAs(port),
  };
}

/**
 * Runs one command; `^C` in its expected output means: interrupt it once it is waiting. A call that
 * waits when a program under test has ended unexpectedly (ProgramControl.unexpectedEnd) is stopped
 * there, as nothing will come: returns how the program ended, and the call's `^C … cancelled` line
 * gives way to a line saying so. Else null.
 */
async function runBlock(
  core: ShellCore,
  block: Block,
  bindings: Bindings,
  foreground: string[],
  options: ReplayOptions,
): Promise<string | null> {
  const timeoutMs = options.timeoutMs;
  const { text, unbound } = substituteInput(block.source, bindings);
  if (unbound.length > 0) {
    foreground.push(`(transcript: [${unbound[0]}] is used before any output showed its port)`);
    return null;
  }
  const run = core.execute(text + '\n');
  const wantsInterrupt = block.expected.some((e) => e.text.startsWith('^C '));
  const started = Date.now();
  let finished = false;
  const ends = endWatch(options.program);
  let cut: { why: string; at: number } | null = null;
  void run.then(() => (finished = true));
  while (!finished) {
    const waited = Date.now() - started;
    const blocked = core.session.engine.list().some((s) => s.waiting !== null);
    const ended: string | null = blocked && !wantsInterrupt && cut === null ? ends() : null;
    if (ended !== null) {
      cut = { why: ended, at: foreground.length };
      core.interrupt();
    }
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
  if (cut === null) return null;
  const after = foreground.splice(cut.at).filter((l) => !l.startsWith('^C '));
  foreground.push(...after, `(${cut.why}, so nothing more could come to this call)`);
  return cut.why;
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
