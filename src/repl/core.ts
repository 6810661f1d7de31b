import type { FileAccess } from '../spec/services.js';
import { compile } from '../commands/check.js';
import type { EngineEvent } from '../engine/types.js';
import { VarScope } from '../interp/scope.js';
import type { Interpreter } from '../interp/interpreter.js';
import type { ParseResult } from '../lang/parser.js';
import { runChunk, type ChunkResult } from '../session/chunk.js';
import { Session } from '../session/session.js';
import { chunkReport } from './chunk-report.js';
import { LessonVoice } from './lesson-voice.js';
import { REPL_FILE, outputLines, type ShellLine } from './view.js';

export interface ShellCoreOptions {
  readonly sink: (line: ShellLine) => void;
  readonly readLine: (prompt: string, signal: AbortSignal, endAtCtrlD?: boolean) => Promise<string | null>;
  /** SessionServices.lineStart: at a terminal that can redraw the line being typed. */
  readonly lineStart?: (data: Buffer) => boolean;
  /** The command was typed on the line just above (a terminal, a transcript): one caret line suffices. */
  readonly caretUnderInput: boolean;
  readonly maxWaitMs?: number;
  readonly onExit: () => void;
  readonly onEvent?: (event: EngineEvent) => void;
  /** Called as each chunk starts, with the prompt it was typed after (the recorder). */
  readonly onRun?: (prompt: string, source: string) => void;
  /** Draws a long transfer's progress line in place (null: clears it); at a terminal only. */
  readonly progress?: (text: string | null) => void;
  /** The terminal's width now; absent when output is not a terminal. */
  readonly columns?: () => number | undefined;
  /**
   * A chunk typed ahead was dropped, not run, because Ctrl-C (or Ctrl-D) cancelled the command it
   * waited behind. Not a line of the session: it never ran, so a transcript does not show it.
   */
  readonly onDropped?: (source: string) => void;
  /** Why a file a command names may not be used (SessionServices.fileGuard). */
  readonly fileGuard?: (path: string, access: FileAccess) => string | null;
  /** Where lessons keep their place between sessions; absent: within this session only (transcripts, the recorder). */
  readonly lessonState?: string;
}

const MAX_HELD = 1000;

/** What became of a chunk execute was given: it ran, was dropped by a Ctrl-C before its turn, or interact took it as input. */
export type Executed = 'ran' | 'dropped' | 'taken';

/** A chunk queued behind the running one. */
interface TypedAhead {
  readonly source: string;
  /** The Ctrl-C count when it was typed: one from before the last Ctrl-C is dropped. */
  readonly generation: number;
  /** Shown when its turn comes (a terminal). */
  readonly echo: boolean;
  /** Taken by interact as input (takeTypeahead): it does not run. */
  taken: boolean;
  /** An empty line: nothing to run, kept only as an interact's input (an HTTP request's last line). */
  readonly blank?: true;
}

/**
 * The interactive shell without a terminal: one session, one scope, commands run one at a time,
 * results and errors rendered as ShellLines. node:repl drives it at a terminal; the recorder and
 * transcript replay drive it directly.
 */
export class ShellCore {
  readonly session: Session;
  readonly scope = new VarScope('main', REPL_FILE);
  private readonly interp: Interpreter;
  private running: AbortController | null = null;
  private queue: Promise<void> = Promise.resolve();
  /** Chunks typed ahead, waiting behind the running one, oldest first (takeTypeahead may take them). */
  private readonly waiting: TypedAhead[] = [];
  private readonly held: ShellLine[] = [];
  /** Lines shown since the running chunk started: an error's caret goes under the typed line only if none were. */
  private shownWhileRunning = 0;
  /** Bumped by Ctrl-C: chunks typed ahead before it are dropped, as a terminal drops typeahead. */
  private generation = 0;
  /** Set by `exit N`. */
  exitStatus = 0;
  private lastCompiled: { readonly source: string; readonly result: ParseResult } | null = null;
  private readonly lessons: LessonVoice;

  constructor(private readonly options: ShellCoreOptions) {
    this.session = new Session({
      interactive: true,
      out: (o) => (o.kind === 'progress' ? options.progress?.(o.text) : outputLines(o).forEach((l) => this.emit(l))),
      readLine: options.readLine,
      ...(options.lineStart ? { lineStart: options.lineStart } : {}),
      onExit: options.onExit,
      ...(options.columns ? { columns: options.columns } : {}),
      onEvent: (event) => {
        options.onEvent?.(event);
        this.lessons.saw(event);
      },
      onJob: (news) => this.lessons.heard(news),
      ...(options.maxWaitMs ? { maxWaitMs: options.maxWaitMs } : {}),
      ...(options.fileGuard ? { fileGuard: options.fileGuard } : {}),
      ...(options.lessonState !== undefined ? { lessonState: options.lessonState } : {}),
    });
    this.interp = this.session.interpreter(this.scope, { echo: true, exported: true });
    this.lessons = new LessonVoice({
      session: this.session,
      running: () => this.running !== null,
      aside: (text) => this.emit({ text, channel: 'out', async: true, style: 'plain' }),
      say: (text) => this.emit({ text, channel: 'out', async: false, style: 'plain' }),
    });
  }

  /** `sockshell NAME> ` with the current socket, `sockshell> ` without one. */
  prompt(): string {
    const current = this.scope.current;
    const live = current !== null && this.session.engine.endpoints(current) !== null;
    return live ? `sockshell ${current.name}> ` : 'sockshell> ';
  }

  /** True while a block is open and more lines are needed. Synchronous, so node:repl can buffer at once. */
  needsMore(source: string): boolean {
    return this.compiled(source).incomplete;
  }

  /**
   * Each chunk is parsed once: needsMore compiles what was typed, and execute runs that same result
   * when it is handed the same text (node:repl asks first, then evaluates).
   */
  private compiled(source: string): ParseResult {
    if (this.lastCompiled?.source !== source) this.lastCompiled = { source, result: compile(source) };
    return this.lastCompiled.result;
  }

  get busy(): boolean {
    return this.running !== null;
  }

  /** Chunks waiting behind the running one (typed ahead). */
  get queued(): number {
    return this.waiting.filter((e) => e.blank !== true).length;
  }

  /**
   * The oldest chunk typed ahead, taken from the queue to be the running interact's input (its lines):
   * typed after `interact` while the command before it still ran, it was meant for interact, as a
   * shell's typeahead goes to whatever reads next and nc reads its input from the start (trial 8, R).
   * At a terminal it is shown as it is taken, as a typed-ahead command is when it runs. Null when none
   * waits, or the ones waiting were typed before a Ctrl-C (they are dropped).
   */
  takeTypeahead(): string[] | null {
    const next = this.waiting[0];
    if (next === undefined || next.generation !== this.generation) return null;
    this.waiting.shift();
    next.taken = true;
    const lines = next.source.replace(/\n$/, '').split('\n');
    if (next.echo) for (const text of lines) this.emit({ text, channel: 'out', async: false, style: 'plain' });
    return lines;
  }

  /**
   * Runs one chunk after those before it; resolves when it has finished and its output is out.
   * A chunk typed while another ran is shown with its prompt when its turn comes (`echoTypeahead`),
   * so its output follows it; Ctrl-C drops it.
   */
  execute(source: string, echoTypeahead = false): Promise<Executed> {
    const generation = this.generation;
    const typedAhead = this.queued > 0 || this.running !== null; // behind a queued chunk, or the one running
    const entry: TypedAhead = { source, generation, echo: echoTypeahead, taken: false };
    this.waiting.push(entry);
    const run = this.queue.then(async () => {
      const at = this.waiting.indexOf(entry);
      if (at >= 0) this.waiting.splice(0, at + 1); // with the empty lines typed before it

      if (entry.taken) return 'taken';
      if (generation !== this.generation) {
        this.options.onDropped?.(source);
        return 'dropped';
      }
      const typedAfter = this.prompt();
      // node:repl has just drawn the prompt for it; show what was typed after it.
      if (typedAhead && echoTypeahead) this.options.sink({ text: source.replace(/\n$/, ''), channel: 'out', async: false, style: 'plain' });
      this.options.onRun?.(typedAfter, source);
      const controller = new AbortController();
      this.running = controller;
      this.shownWhileRunning = 0;
      this.lessons.before(source);
      const result = await runChunk(this.interp, this.session.ran, source, 1, controller.signal, this.compiled(source));
      this.report(result, source, typedAfter);
      // Still running while the held lines go out: they end this chunk's output, before its prompt, rather
      // than each being drawn above a prompt of its own (without cursor control, a prompt after each).
      // And before a lesson's words, which tell what they show ("the [serverSocket] notice names its source").
      // A notice about a socket the command closed since is news no more ("recv will return them"), nor
      // one of bytes waiting that a call of the command has taken since (its own output told them).
      const queued = new Map(this.session.engine.list().map((s) => [s.serial, s.queued.bytes]));
      for (const l of this.held.splice(0)) if (l.about === undefined || stillNews(l, queued.get(l.about))) this.options.sink(l);
      this.lessons.after(source, result);
      this.running = null;
      // Empty lines typed ahead that no interact took run as nothing.
      while (this.waiting[0]?.blank === true) this.waiting.shift();
      return 'ran';
    });
    this.queue = run.then(() => undefined);
    return run;
  }

  /**
   * An empty line typed while a command runs or waits to: nothing to run, but an interact before it takes
   * it (takeTypeahead). True when it was queued so (a chunk's end is still to come); false at an idle prompt.
   */
  typedBlank(echo: boolean): boolean {
    // Behind the running chunk, or behind chunks queued in the same burst of input (a chunk starts running a tick after it is queued).
    if (this.running === null && this.waiting.length === 0) return false;
    this.waiting.push({ source: '\n', generation: this.generation, echo, taken: false, blank: true });
    return true;
  }

  /** Ctrl-C: cancels the running command. False when nothing was running. */
  interrupt(): boolean {
    if (!this.running) return false;
    this.generation++;
    this.running.abort();
    return true;
  }

  /** Resolves once the running chunk and those queued behind it have finished (or been dropped). */
  async settled(): Promise<void> {
    await this.queue;
  }

  /** Stops jobs and closes every socket, after the running command. */
  async close(): Promise<void> {
    await this.settled();
    await this.session.close();
  }

  /**
   * Lines that arrive on their own wait while a command runs, so they never split its output; but
   * at most MAX_HELD of them: a job printing every datagram of a flood while `wait %1` runs would
   * otherwise hold millions. Past the cap they are shown as they come, in order, nothing dropped.
   */
  private emit(line: ShellLine): void {
    if (line.async && this.running && this.session.streaming) {
      // A streaming command (interact): what arrives on its own is part of the stream, shown as it comes.
      for (const l of this.held.splice(0)) this.options.sink(l);
    } else if (line.async && this.running) {
      if (this.held.length < MAX_HELD) {
        this.held.push(line);
        return;
      }
      for (const l of this.held.splice(0)) this.options.sink(l);
    }
    if (this.running) this.shownWhileRunning++;
    this.options.sink(line);
  }

  private report(result: ChunkResult, source: string, typedAfter: string): void {
    if (result.kind === 'exit') {
      this.exitStatus = result.status;
      this.options.onExit();
      return;
    }
    const place = {
      source,
      typedAfter,
      caretUnderInput: this.options.caretUnderInput && this.shownWhileRunning === 0,
      isMethod: (name: string) => this.session.table.get(name)?.method === true,
    };
    for (const { text, style } of chunkReport(result, place)) this.options.sink({ text, channel: 'err', async: false, style });
  }
}

/** A held notice is still true: its socket is open (queuedNow: the bytes it holds; undefined once closed), and no call took the bytes it tells of. */
function stillNews(l: ShellLine, queuedNow: number | undefined): boolean {
  return queuedNow !== undefined && (l.queued === undefined || queuedNow >= l.queued);
}
