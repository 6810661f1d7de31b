import type { FileAccess, LessonTracker } from '../spec/services.js';
import type { JobNews } from '../core/jobs.js';
import { compile } from '../commands/check.js';
import type { EngineEvent } from '../engine/types.js';
import { VarScope } from '../interp/scope.js';
import type { Interpreter } from '../interp/interpreter.js';
import type { Span } from '../lang/ast.js';
import type { ParseResult } from '../lang/parser.js';
import { diagnosticLine, messageLine } from '../render/message.js';
import { terminalSafe } from '../render/terminal.js';
import { runChunk, type ChunkResult } from '../session/chunk.js';
import { Session } from '../session/session.js';
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
        this.lessonSaw(event);
      },
      onJob: (news) => this.lessonHeard(news),
      ...(options.maxWaitMs ? { maxWaitMs: options.maxWaitMs } : {}),
      ...(options.fileGuard ? { fileGuard: options.fileGuard } : {}),
      ...(options.lessonState !== undefined ? { lessonState: options.lessonState } : {}),
    });
    this.interp = this.session.interpreter(this.scope, { echo: true, exported: true });
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
      this.lessonBefore(source);
      const result = await runChunk(this.interp, this.session.ran, source, 1, controller.signal, this.compiled(source));
      this.report(result, source, typedAfter);
      // Still running while the held lines go out: they end this chunk's output, before its prompt, rather
      // than each being drawn above a prompt of its own (without cursor control, a prompt after each).
      // And before a lesson's words, which tell what they show ("the [serverSocket] notice names its source").
      // A notice about a socket the command closed since is news no more ("recv will return them").
      const open = new Set(this.session.engine.list().map((s) => s.serial));
      for (const l of this.held.splice(0)) if (l.about === undefined || open.has(l.about)) this.options.sink(l);
      this.tellLesson(source, result);
      this.running = null;
      // Empty lines typed ahead that no interact took run as nothing.
      while (this.waiting[0]?.blank === true) this.waiting.shift();
      return 'ran';
    });
    this.queue = run.then(() => undefined);
    return run;
  }

  /** An empty line typed while a command runs or waits to: nothing to run, but an interact before it takes it (takeTypeahead). */
  typedBlank(echo: boolean): void {
    // Behind the running chunk, or behind chunks queued in the same burst of input (a chunk starts running a tick after it is queued).
    if (this.running !== null || this.waiting.length > 0)
      this.waiting.push({ source: '\n', generation: this.generation, echo, taken: false, blank: true });
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

  /**
   * A lesson under way sees every engine event. One that does a step while no command runs (the
   * other terminal's client connected) is said at once, as a notice is, after the event's own line;
   * during a command, tellLesson says it when the command ends.
   */
  private lessonSaw(event: EngineEvent): void {
    const lesson = this.session.lesson;
    if (lesson === null) return;
    lesson.saw(event);
    this.lessonUnprompted(lesson);
  }

  /** A lesson under way hears what its jobs did (a relay listening, or failing to): said as lessonSaw says what it saw. */
  private lessonHeard(news: JobNews): void {
    const lesson = this.session.lesson;
    if (lesson === null) return;
    lesson.job(news);
    this.lessonUnprompted(lesson);
  }

  private lessonUnprompted(lesson: LessonTracker): void {
    if (this.running !== null) return;
    queueMicrotask(() => {
      if (this.running !== null || this.session.lesson !== lesson) return;
      for (const text of lesson.unprompted()) this.emit({ text, channel: 'out', async: true, style: 'plain' });
    });
  }

  /** A lesson under way hears each chunk typed at the prompt, and says what comes next. */
  private tellLesson(source: string, result: ChunkResult): void {
    const lesson = this.session.lesson;
    if (lesson === null || result.kind === 'incomplete' || result.kind === 'exit') return;
    const failure =
      result.kind === 'ok'
        ? null
        : result.kind === 'failed'
          ? { message: result.error.message, cancelled: false }
          : result.kind === 'syntax'
            ? { message: result.diagnostics[0]?.message ?? 'syntax', cancelled: false }
            : { message: `${result.what} cancelled`, cancelled: true };
    for (const text of lesson.heard(source, failure)) this.options.sink({ text, channel: 'out', async: false, style: 'plain' });
  }

  /** A lesson under way may warn before a chunk runs: a receive that would wait for data already taken. */
  private lessonBefore(source: string): void {
    const lesson = this.session.lesson;
    if (lesson === null) return;
    for (const text of lesson.before(source)) this.emit({ text, channel: 'out', async: false, style: 'plain' });
  }

  private err(text: string, style: ShellLine['style']): void {
    this.options.sink({ text, channel: 'err', async: false, style });
  }

  private report(result: ChunkResult, source: string, typedAfter: string): void {
    switch (result.kind) {
      case 'ok':
      case 'incomplete':
        return;
      case 'syntax':
        for (const d of result.diagnostics) this.caret(source, d.span, d.message, typedAfter);
        return;
      case 'failed': {
        const e = result.error;
        if (e.file !== undefined) this.err(`error: ${diagnosticLine(e.file, e.span, e.message)}`, 'error');
        else this.caret(source, e.span, e.message, typedAfter);
        return;
      }
      case 'cancelled': {
        const call = this.session.table.get(result.what);
        const kept = call?.method ? '; the socket stays open and keeps its queued data' : '';
        this.err(`^C ${result.what} cancelled${result.detail === null ? '' : `; ${result.detail}`}${kept}`, 'dim');
        return;
      }
      case 'exit':
        this.exitStatus = result.status;
        this.options.onExit();
        return;
      default: {
        const exhaustive: never = result;
        return exhaustive;
      }
    }
  }

  /** One error line with a caret under the column; the offending line is repeated above it unless it was just typed. */
  private caret(source: string, span: Span | null, message: string, typedAfter: string): void {
    if (!span) return this.err(`error: ${messageLine(message)}`, 'error');
    const lines = source.replace(/\n$/, '').split('\n');
    // Under the typed line only if nothing came between (a `#` line would seem to be what is pointed at).
    const underInput = this.options.caretUnderInput && lines.length === 1 && this.shownWhileRunning === 0;
    if (!underInput) this.err(`  ${terminalSafe(Buffer.from(lines[span.line - 1] ?? ''))}`, 'plain');
    const indent = underInput ? typedAfter.length : 2;
    this.err(`${' '.repeat(indent + span.col - 1)}${'^'.repeat(Math.max(1, Math.min(span.width, 40)))} ${messageLine(message)}`, 'error');
  }
}
