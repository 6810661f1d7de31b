import { unifiedDiff } from './diff.js';
import { studentFeedback } from './feedback.js';
import { renderItems, type Transcript } from './format.js';
import { replacePorts } from './ports.js';
import type { ReplayResult } from './replay.js';
import type { RunSettings } from './run-one.js';
import type { ServerPort } from './program-ports.js';
import { PORT_PLACEHOLDER, portArgv } from './start-failure.js';
import { wrongTransportWords } from './transport-words.js';
import { familyWords } from './family-words.js';

/** What a failed replay tells: the student's feedback, and the instructor's diff and notes. */
export interface FailureReport {
  readonly reason: string;
  /** What happened, in a clause (TranscriptResult.cause), when there is more to say than expected and got. */
  readonly cause?: string;
  readonly student: readonly string[];
  readonly instructor: readonly string[];
}

export interface FailedRun {
  readonly file: string;
  /** The transcript's text as written, and as parsed. */
  readonly text: string;
  readonly transcript: Transcript;
  readonly result: ReplayResult;
  /** The port the transcript was written against and this run's fresh one, when --with has {port}. */
  readonly fresh: { readonly recorded: number; readonly now: number } | null;
  readonly settings: RunSettings;
  /** How the first program ended, and its last lines on stderr. */
  readonly exit: string | null;
  readonly tail: readonly string[];
  /** The server ports the first program held when the run failed (holdings), or null when unknown. */
  readonly held: readonly ServerPort[] | null;
  /** The program's port as the transcript wrote it (--port or its header), with or without {port}. */
  readonly recorded: number | undefined;
  /** Notes for the grader, and those of them about daemons (the student sees these too). */
  readonly notes: readonly string[];
  readonly daemon: readonly string[];
}

/**
 * The report of a replay that did not pass: the first mismatch in the student's terms (ports as the
 * transcript wrote them), and for the instructor a diff of the transcript up to where the run stopped.
 */
export function failureReport(run: FailedRun): FailureReport {
  const { file, text, transcript, result, fresh, settings, exit, tail, notes, daemon } = run;
  const failure = result.failure;
  const port = fresh?.now ?? run.recorded;
  const wrongTransport =
    port === undefined || settings.with.length === 0
      ? null
      : (wrongTransportWords({
          spokeAs: result.spokeAs(port),
          served: result.servedAs(port),
          held: run.held,
          port,
          shownPort: fresh?.recorded ?? port,
          programExit: exit,
          stderrTail: tail,
        }) ??
        familyWords({
          spokeAs: result.spokeAs(port),
          spokeAt: result.spokeAt(port),
          held: run.held,
          port,
          shownPort: fresh?.recorded ?? port,
        }));
  const givenArgv = portArgv(settings.with.find((c) => c.includes(PORT_PLACEHOLDER)) ?? '');
  const student = failure
    ? studentFeedback({
        transcript,
        failure: fresh
          ? {
              ...failure,
              expected: failure.expected.map(swapBack(fresh)),
              got: failure.got.map(swapBack(fresh)),
              meanwhile: failure.meanwhile.map(swapBack(fresh)),
            }
          : failure,
        programExit: exit,
        hasProgram: settings.with.length > 0,
        stderrTail: tail,
        timeoutMs: settings.timeoutMs,
        unreached: fresh && !failure.block.program && result.heard(fresh.now) === false ? { port: fresh.recorded, argv: givenArgv } : null,
        wrongTransport,
      }).concat(daemon)
    : ['it failed (interrupted)'];
  // The blocks after a failure did not run: the diff ends where the run did, so no line after it
  // reads as kept context, as if this run had shown it.
  const next = failure?.stopped ? transcript.blocks[failure.block.index + 1] : undefined;
  const expectedLines = text.replace(/\n$/, '').split('\n');
  const stop = next === undefined ? -1 : result.actual.findIndex((i) => i.kind === 'input' && i.line === next.line);
  const ran = stop < 0 ? result.actual : result.actual.slice(0, stop);
  const diff = unifiedDiff(
    stop < 0 ? expectedLines : expectedLines.slice(0, next!.line - 1),
    renderItems(ran).replace(/\n$/, '').split('\n'),
    {
      expected: `${file} (expected)`,
      actual: stop < 0 ? `${file} (this run)` : `${file} (this run, which stopped before line ${next!.line})`,
    },
  );
  // A program's end is the cause when it cut the wait short or was a crash; a client that printed the
  // wrong line and then exited 0 as it should is told by what it printed.
  const ended = (failure?.cutShort ?? null) !== null || exit !== 'exit status 0';
  const cause = wrongTransport !== null ? gist(wrongTransport) : exit !== null && ended ? endedWith(exit, tail) : null;
  return {
    reason: student.find((l) => l.startsWith('at line')) ?? student[0] ?? '',
    ...(cause !== null ? { cause } : {}),
    student,
    instructor: [...notes, ...diff.replace(/\n$/, '').split('\n'), ...student],
  };
}

/** A line of this run with its fresh port shown as the transcript's, in output and in an echoed typed line. */
function swapBack(fresh: { recorded: number; now: number }): (line: string) => string {
  const swap = (port: number) => (port === fresh.now ? String(fresh.recorded) : null);
  return (line) => replacePorts(replacePorts(line, 'output', swap), 'input', swap);
}

/** A diagnosis up to its first full stop or semicolon: what happened, without the advice after it. */
function gist(line: string): string {
  const end = /(\. |; )/.exec(line);
  return end === null ? line : line.slice(0, end.index);
}

/** How the program ended, with the last line of its standard error (a traceback's exception) when it wrote one. */
function endedWith(exit: string, tail: readonly string[]): string {
  const last = [...tail].reverse().find((l) => l.trim() !== '');
  return `the program ended (${exit})${last !== undefined ? ` with ${last.trim()}` : ''}`;
}
