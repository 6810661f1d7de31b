import type { JobNews, Jobs } from '../core/jobs.js';
import type { Engine, EngineEvent, SocketHandle } from '../engine/types.js';
import type { Stmt } from '../lang/ast.js';
import type { Value } from '../lang/values.js';
import type { ExchangeLog } from '../record/exchange-log.js';
import type { ExportLog } from '../record/export-log.js';
import type { Trouble } from '../record/trouble.js';
import type { TrafficForm } from '../record/traffic.js';
import type { CommandDef } from './command.js';
import type { RelayEvent } from '../relay/index.js';

/** Where the traffic log goes now: a file (or null: the screen) and its form. */
export interface TrafficTarget {
  readonly file: string | null;
  readonly form: TrafficForm;
}

export interface TrafficControl {
  /** Where the log goes, or null when it is off. */
  readonly target: TrafficTarget | null;
  /** Starts (or moves) the log; a FILE is appended to. Rejects with the OS's code when FILE cannot be opened. */
  start(target: TrafficTarget): Promise<void>;
  /** Stops the log once what it wrote is on disk; how many entries it wrote since start. Null when it was off. */
  stop(): Promise<{ readonly target: TrafficTarget; readonly entries: number } | null>;
}

/** A guided lesson under way (the `lesson` command): it hears each command typed at the prompt. */
export interface LessonTracker {
  /** What the lesson says before a chunk typed at the prompt runs (that it would wait for data a line before already took), or nothing. */
  before(source: string): readonly string[];
  /**
   * What the lesson says after a chunk typed at the prompt ran: the next step, a hint, or nothing.
   * failure: why the chunk did not run to its end (the error's message; cancelled: by Ctrl-C), else null.
   */
  heard(source: string, failure: { readonly message: string; readonly cancelled: boolean } | null): readonly string[];
  /** Each engine event while the lesson runs: a step may be done by what the engine saw (another terminal's client connecting). */
  saw(event: EngineEvent): void;
  /** Each job start and end, and a relay job's start that worked: a step that starts a relay is done when the relay listens. */
  job(news: JobNews): void;
  /** What the lesson says when what it saw or heard did a step (or failed it) while no command ran: the next step, or nothing. */
  unprompted(): readonly string[];
}

/** What a command does with a file it names: a file guard may let a folder be read and not written. */
export type FileAccess = 'read' | 'write';

/** What says whose a socket is: its serial and the owner it was made under. */
export interface OwnedSocket {
  readonly serial: number;
  readonly owner: string;
}

/** Services of the whole session, shared by the main interpreter and every job. */
export interface SessionServices {
  readonly engine: Engine;
  readonly table: ReadonlyMap<string, CommandDef>;
  readonly jobs: Jobs;
  readonly interactive: boolean;
  /**
   * Info lines are shown now (at the prompt; with -v or `trace on` in a script). A handler on a hot
   * path asks before it builds one: `sockshell run` shows none, and a served connection's line cost
   * its text for nothing (issue 16: build no message text unless it is shown).
   */
  showsInfo(): boolean;
  /** `trace on`: each statement shows the Python it performs, and scripts show what happened beneath. */
  trace: boolean;
  /** `display hex`: results show bytes as x"…" instead of b'…'. */
  display: 'text' | 'hex';
  /**
   * A command that streams (interact) is running: its output is a stream, not one result, so lines
   * that arrive on their own (the traffic log, a job's output) are shown as they come, as socat -v
   * shows its log, instead of waiting until the command ends.
   */
  streaming: boolean;
  /** The lesson under way, or null. */
  lesson: LessonTracker | null;
  /** The file that keeps each lesson's place between sessions (commands/lesson-places.ts); absent: this session only. */
  readonly lessonState?: string;
  /** The last thing that went wrong (an error, a warning, a notice, a cancelled call), for `explain` with no argument. */
  trouble: Trouble | null;
  /** A socket's label for messages; a bound function, safe to pass on. */
  readonly describe: (handle: SocketHandle) => string;
  /** The terminal's width, for text that wraps (help); undefined when output is not a terminal. */
  columns(): number | undefined;
  /**
   * Reads one line for `input`; null at end of input. endAtCtrlD (input, interact): at a terminal, Ctrl-D on
   * an empty line ends this input (null) instead of leaving the shell.
   */
  readLine(prompt: string, signal: AbortSignal, endAtCtrlD?: boolean): Promise<string | null>;
  /**
   * Shows `data` at the start of the line being typed while readLine waits: the start of a line that
   * arrived without its end (a prompt such as b'login: '), where a terminal running nc shows it, so
   * the answer is typed after it. An empty buffer takes it away. True if shown; false where input
   * shows nothing before the typing (no terminal, TERM=dumb, too long for one row): the caller prints it.
   */
  lineStart(data: Buffer): boolean;
  /**
   * The background job a socket belongs to, or null: the job whose script opened it (its owner), or
   * the one it is lent to (lend).
   */
  jobOf(socket: OwnedSocket): number | null;
  /**
   * Lends a socket to a job that serves it (serve's handlers): what happens on it is that job's
   * business, as for a socket the job opened. Returns the release, for when the job ends.
   */
  lend(socket: SocketHandle, job: number): () => void;
  /** Runs a script file in a fresh scope sharing this session's sockets (the `run` command). */
  runFile(
    file: string,
    overrides: ReadonlyMap<string, Value>,
    options: { signal: AbortSignal; job?: number; depth: number },
  ): Promise<void>;
  /** A script file read and checked as runFile reads it (known: names set beforehand); throws why it cannot run. */
  loadFile(file: string, known: Iterable<string>): Promise<readonly Stmt[]>;
  /** Closes every socket and ends the session (exit, Ctrl-D). */
  requestExit(): void;
  /**
   * What a relay of this session did (the relay command's sink): the diagram keeps it, and its note
   * goes to the job's notes (`jobs %N`) when job is a number, else to the screen as a `#` line.
   */
  relayed(event: RelayEvent, job: number | undefined): void;
  /** What the socket calls did, for `diagram`. */
  readonly exchanges: ExchangeLog;
  /** The traffic log (`log on|off`, `run --log`): every byte each socket sends and receives. */
  readonly traffic: TrafficControl;
  /** The chunks a REPL or piped session ran without error, and its sockets' names, for `export`; empty for scripts. */
  readonly ran: ExportLog;
  /**
   * Why a file a command names may not be used, or null when it may: `sockshell test` keeps a
   * transcript's commands to its own folder. Absent: any file may be used.
   */
  readonly fileGuard?: (path: string, access: FileAccess) => string | null;
}
