import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { folderGuard } from './file-guard.js';
import type { Item } from './format.js';
import { failureReport } from './failure-report.js';
import { expectedEnds, programControl } from './program-control.js';
import { writeUpdate } from './update.js';
import type { Header } from './header.js';
import { freshPort, releasePort } from './port-probe.js';
import { transcriptProblems } from './problems.js';
import { programPrompt } from './program-lines.js';
import { readableTail } from './program-end-words.js';
import { holdings, type ServerPort } from './program-ports.js';
import { ipv4Reach } from './family-words.js';
import { settle } from './program-settle.js';
import { renumberItems, renumberTranscript } from './renumber.js';
import { replay, type ReplayResult } from './replay.js';
import { PORT_PLACEHOLDER, PortTaken, StartFailure } from './start-failure.js';
import { spawnPeer, startPeer, type Peer } from './with.js';

export { PORT_PLACEHOLDER } from './start-failure.js';

export interface RunSettings {
  /** The programs under test, as commands (`{port}` still in them). */
  readonly with: readonly string[];
  /** The port transcripts were written against, where their header does not say (`--port`). */
  readonly port?: number;
  readonly timeoutMs: number;
  readonly readyTimeoutMs: number;
  /** A bound on the whole transcript, program start-up included (`--wall`). */
  readonly wallMs?: number;
  readonly update: boolean;
  /** Let transcripts use files outside their folder (`--allow-files`). */
  readonly allowFiles: boolean;
  readonly signal: AbortSignal;
  /** Where {port}'s fresh ports come from: freshPort, or a test's that takes one for real before the program starts. */
  readonly freshPort?: () => Promise<number>;
}

export type Outcome = 'passed' | 'failed' | 'broken' | 'updated' | 'interrupted';

/** One transcript's verdict, with what to tell a student and an instructor. */
export interface TranscriptResult {
  readonly file: string;
  /** The header's title, or the file's name. */
  readonly name: string;
  readonly header: Header | null;
  readonly outcome: Outcome;
  readonly seconds: number;
  /** Why it failed, in one line (the first line of `student`); '' when it passed. */
  readonly reason: string;
  /** The first mismatch, the program's end and its stderr: for the student. */
  readonly student: readonly string[];
  /**
   * What happened, in a clause, where the first mismatch alone does not say it: a program that ended
   * (and the exception it ended with), or the diagnosis (wrong transport, an IPv6-only socket). The
   * summary table and the CSV's reason say it in place of `got` (gradebook.ts shortReason).
   */
  readonly cause?: string;
  /** The same with a diff of the transcript up to the mismatch, and notes for the grader. */
  readonly instructor: readonly string[];
  /**
   * The program exited before the transcript began because a port it bound was in use: with -j, a
   * program in a run beside it may have held it, so the run is one to repeat on its own (pool.ts).
   */
  readonly addressInUse?: true;
  /** The fresh port was taken by another program before the program bound it (PortTaken): run again. */
  readonly portTaken?: true;
  /** How many fresh ports other programs took before the run that gave this verdict (runTranscript). */
  readonly redrawn?: number;
}

/** Fresh ports drawn for one transcript at most: each taken by another program means one more run. */
const FRESH_DRAWS = 3;

/**
 * Runs one transcript against fresh programs under test and says how it went (runOnce). A run whose
 * fresh port another program took before its program bound it says nothing of the program: it is run
 * again with another fresh port, so a busy machine does not fail a correct program, and the verdict
 * says so (a note for the instructor, `redrawn`).
 */
export async function runTranscript(file: string, settings: RunSettings): Promise<TranscriptResult> {
  for (let draw = 1; ; draw++) {
    const result = await runOnce(file, settings);
    if (result.portTaken === undefined || draw === FRESH_DRAWS || settings.signal.aborted) {
      if (draw === 1) return result;
      return { ...result, redrawn: draw - 1, instructor: [...result.instructor, redrawNote(draw - 1)] };
    }
  }
}

/** What the instructor is told of a transcript run again for ports other programs took (runTranscript). */
export function redrawNote(taken: number): string {
  const ports = taken === 1 ? 'its fresh port was' : `${taken} fresh ports were`;
  return `run again on another port: ${ports} taken by another program before the program bound ${taken === 1 ? 'it' : 'them'}`;
}

/**
 * Runs one transcript against fresh programs under test, once, and says how it went. Never throws for
 * what a program or a transcript does: a program that will not start, a wall limit reached, a
 * daemon left behind are all verdicts.
 */
async function runOnce(file: string, settings: RunSettings): Promise<TranscriptResult> {
  const started = Date.now();
  const name = basename(file);
  const done = (fields: Omit<TranscriptResult, 'file' | 'seconds'>): TranscriptResult => ({
    file,
    seconds: (Date.now() - started) / 1000,
    ...fields,
  });
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const why = `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`;
    return done({ name, header: null, outcome: 'broken', reason: why, student: [why], instructor: [why] });
  }
  const { transcript, header, problems } = transcriptProblems(text);
  const title = header.title ?? name;
  const usesProgram = transcript.blocks.some((b) => b.program);
  if (usesProgram && settings.with.length === 0) {
    problems.push({
      line: transcript.blocks.find((b) => b.program)!.line,
      message: 'program> lines need a program under test: --with "COMMAND"',
    });
  }
  const beyond = transcript.blocks.find((b) => b.program && settings.with.length > 0 && b.programNumber > settings.with.length);
  if (beyond !== undefined)
    problems.push({
      line: beyond.line,
      message: `${programPrompt(beyond.programNumber)}lines need at least ${beyond.programNumber} --with programs; ${settings.with.length} given`,
    });
  if (problems.length > 0) {
    const lines = problems.map((p) => `${file}:${p.line}: ${p.message}`);
    return done({ name: title, header, outcome: 'broken', reason: 'it cannot be replayed', student: lines, instructor: lines });
  }
  const recorded = header.port ?? settings.port;
  const needsPort = settings.with.some((c) => c.includes(PORT_PLACEHOLDER));
  if (needsPort && recorded === undefined) {
    const why = `${PORT_PLACEHOLDER} in --with needs the port the transcript was written against: --port N, or 'port: N' in its header`;
    return done({ name: title, header, outcome: 'broken', reason: why, student: [why], instructor: [why] });
  }
  const wall = settings.wallMs !== undefined ? AbortSignal.timeout(settings.wallMs) : null;
  const signal = wall ? AbortSignal.any([settings.signal, wall]) : settings.signal;
  const claimed = needsPort
    ? await (settings.freshPort ?? freshPort)().then(
        (now) => ({ recorded: recorded!, now }),
        (e: unknown) => (e instanceof Error ? e.message : String(e)),
      )
    : null;
  if (typeof claimed === 'string')
    return done({ name: title, header, outcome: 'failed', reason: claimed, student: [claimed], instructor: [claimed] });
  const fresh = claimed;
  const peers: Peer[] = [];
  const deferred = transcript.blocks.some((b) => b.program && b.source === 'start');
  const notes: string[] = [];
  let result: ReplayResult | null = null;
  let startFailure: string | null = null;
  let startFailureStudent: readonly string[] | null = null;
  let addressInUse = false;
  let portTaken = false;
  // How the first program ended and its last words, read before it is stopped.
  let exit: string | null;
  let tail: string[];
  // What it held then (holdings), for a run that failed: a server socket of the other kind is said.
  let held: readonly ServerPort[] | null = null;
  // This run's port changes every run; the text must not (a command is shown as written).
  const asWritten = (text: string): string => (fresh ? text.replaceAll(String(fresh.now), PORT_PLACEHOLDER) : text);
  try {
    const port = fresh?.now ?? recorded;
    const commandFor = (command: string) => (fresh ? command.replaceAll(PORT_PLACEHOLDER, String(fresh.now)) : command);
    if (!deferred) {
      for (const command of settings.with) {
        // With {port}, the port is only for the commands that are given it: another program (a
        // helper, a second peer) is ready by its first line.
        const given = fresh !== null && command.includes(PORT_PLACEHOLDER);
        peers.push(
          await startPeer(commandFor(command), {
            readyTimeoutMs: settings.readyTimeoutMs,
            ...(port !== undefined && (fresh === null || given) ? { port } : {}),
            ...(given ? { placeholder: { command, recorded: fresh.recorded } } : {}),
          }),
        );
      }
    }
    const program = programControl(
      peers,
      settings.with.length,
      deferred ? () => settings.with.map((c) => spawnPeer(commandFor(c)).peer) : null,
      expectedEnds(transcript),
    );
    const replayed = await replay(fresh ? renumberTranscript(transcript, fresh.recorded, fresh.now) : transcript, {
      timeoutMs: settings.timeoutMs,
      signal,
      commentary: header.commentary,
      keepGoing: settings.update,
      ...(settings.with.length > 0 ? { program } : {}),
      ...(settings.allowFiles ? {} : { fileGuard: folderGuard(dirname(file)) }),
    });
    const back = (items: readonly Item[]) => (fresh ? renumberItems(items, fresh.now, fresh.recorded) : items);
    result = { ...replayed, actual: back(replayed.actual), updated: back(replayed.updated) };
  } catch (e) {
    startFailure = asWritten(e instanceof Error ? e.message : String(e));
    // A student reads ports as the transcript wrote them, never {port}.
    if (e instanceof StartFailure) {
      startFailureStudent = e.student.map((l) => (fresh ? l.replaceAll(String(fresh.now), String(fresh.recorded)) : l));
      addressInUse = e.addressInUse;
      portTaken = e instanceof PortTaken;
    }
  } finally {
    // A failure often is the program crashing: give a dying program a moment to be seen dead, so the
    // report says how it ended, the same way every run, rather than "still running" by a race.
    if (peers[0] && result && !result.passed) await settle(peers[0]);
    exit = peers[0]?.exit() ?? null;
    const pgid = peers[0]?.pgid;
    if (pgid !== undefined && exit === null && result && !result.passed) {
      const ports = holdings(pgid)?.ports ?? null;
      held = ports && (await ipv4Reach(ports));
    }
    tail = readableTail(peers[0]?.stderrTail(5) ?? []);
    for (const p of peers) {
      const ended = p.ended();
      if (ended && result && !result.passed) notes.push(asWritten(ended));
    }
    for (const stopped of await Promise.all(peers.map((p) => p.stop()))) {
      if (stopped.strays.length > 0)
        notes.push(
          `the program left ${stopped.strays.length === 1 ? 'a process' : `${stopped.strays.length} processes`} running outside its process group (a daemon?), stopped with SIGKILL: ${stopped.strays.join('; ')}`,
        );
      if (stopped.stuck) notes.push(stopped.stuck);
    }
    if (fresh) releasePort(fresh.now);
  }
  if (settings.signal.aborted)
    return done({ name: title, header, outcome: 'interrupted', reason: 'interrupted', student: [], instructor: [] });
  if (wall?.aborted) {
    const why = `it did not finish within the wall limit of ${settings.wallMs! / 1000} s`;
    return done({ name: title, header, outcome: 'failed', reason: why, student: [why], instructor: [why, ...notes] });
  }
  const daemon = notes.filter((n) => n.startsWith('the program left'));
  if (startFailure !== null || result === null) {
    // with.ts indents its continuation lines by 8 for the one-line form; a report indents them itself.
    const lines = (startFailure ?? 'it did not run').split('\n').map((l) => l.replace(/^ {8}/, ''));
    return done({
      name: title,
      header,
      outcome: 'failed',
      reason: lines[0]!,
      student: [...(startFailureStudent ?? lines), ...daemon],
      instructor: [...lines, ...notes],
      ...(addressInUse ? { addressInUse: true as const } : {}),
      ...(portTaken ? { portTaken: true as const } : {}),
    });
  }
  if (result.passed && daemon.length > 0) {
    return done({ name: title, header, outcome: 'failed', reason: daemon[0]!, student: daemon, instructor: daemon });
  }
  if (settings.update) {
    const written = await writeUpdate(file, text, result.updated);
    if (written.refused !== null)
      return done({
        name: title,
        header,
        outcome: 'failed',
        reason: written.refused,
        student: [written.refused],
        instructor: [written.refused],
      });
    return done({ name: title, header, outcome: written.changed ? 'updated' : 'passed', reason: '', student: [], instructor: [] });
  }
  if (result.passed) return done({ name: title, header, outcome: 'passed', reason: '', student: [], instructor: [] });
  const failed = failureReport({ file, text, transcript, result, fresh, settings, exit, tail, held, recorded, notes, daemon });
  return done({ name: title, header, outcome: 'failed', ...failed });
}
