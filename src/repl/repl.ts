import { homedir } from 'node:os';
import { join } from 'node:path';
import repl from 'node:repl';
import type { Readable, Writable } from 'node:stream';
import type { EngineEvent } from '../engine/types.js';
import { terminalSafe } from '../render/terminal.js';
import { cancellable } from '../core/cancellable.js';
import { complete } from './completer.js';
import { completionSources } from './completion-sources.js';
import { defineDotCommands } from './dot-commands.js';
import { loadHistory, saveHistory, unrecorded } from './history.js';
import { ShellCore } from './core.js';
import { Screen } from './screen.js';
import type { ShellLine } from './view.js';
import { WriteStream } from 'node:tty';

export interface ReplOptions {
  readonly input: Readable;
  readonly output: Writable;
  readonly errorOutput: Writable;
  /** Drive a terminal (line editing, history, redraws). Follows stdin AND stdout being TTYs. */
  readonly terminal: boolean;
  readonly color: boolean;
  /** History file; null for none. */
  readonly history: string | null;
  /** Where lessons keep their place between sessions (defaultLessonState()); absent: within the session only. */
  readonly lessonState?: string;
  readonly maxWaitMs?: number;
  /** Errors get one caret line under the typed command (default: at a terminal, where the command is echoed). */
  readonly caretUnderInput?: boolean;
  /** Sees every chunk typed, every line shown and every engine event (the recorder). */
  readonly observer?: ReplObserver;
}

export interface ReplObserver {
  typed(prompt: string, source: string): void;
  shown(line: ShellLine): void;
  event(event: EngineEvent): void;
}

export interface ReplHandle {
  /** Resolves with the exit status once the REPL has closed and every socket is closed. */
  readonly done: Promise<number>;
  /** What Ctrl-C does at a terminal; for driving the REPL through plain streams. */
  readonly interrupt: () => void;
  /** A command is running (so Ctrl-C would cancel it rather than act on the prompt). */
  readonly busy: () => boolean;
}

/**
 * The lessons' places between sessions: lessons.json in sockshell's folder of the user's state
 * directory, $XDG_STATE_HOME (the XDG Base Directory spec's place for state that outlives a
 * session but is not worth backing up), else ~/.local/state.
 */
export function defaultLessonState(): string {
  const state = process.env.XDG_STATE_HOME;
  return join(state !== undefined && state.startsWith('/') ? state : join(homedir(), '.local', 'state'), 'sockshell', 'lessons.json');
}

/**
 * The interactive shell: node:repl around a ShellCore. node:repl gives line editing, history,
 * completion and "..." for open blocks; the core runs commands one at a time. Ctrl-C cancels the
 * running command; Ctrl-D closes every socket and resolves with the exit status.
 */
export function startRepl(options: ReplOptions): ReplHandle {
  const observer = options.observer;
  let screen: Screen | null = null;
  /** readline has closed (Ctrl-D, .exit, `exit`): node:repl must not be called back any more. */
  let closed = false;
  /** The session is closing: what it says now (sockets closed, jobs stopped) is not part of it. */
  let closing = false;
  const terminalOut = options.terminal && options.output instanceof WriteStream ? options.output : null;
  const sink = (line: ShellLine): void => {
    if (!closing) observer?.shown(line);
    // Once the REPL has closed (exit, Ctrl-D), what the closing says (a job stopped) gets no prompt after it.
    screen?.write(line, !core.busy && !closed);
  };
  const core: ShellCore = new ShellCore({
    sink,
    readLine: (prompt, signal, endAtCtrlD) => {
      // interact's input: first the lines typed ahead of it while the command before it ran, then those
      // that ended while it was sending (a paste).
      const typed = core.session.streaming ? core.takeTypeahead() : null;
      if (typed !== null) early.unshift(...typed);
      const ahead = early.shift();
      if (ahead !== undefined) return Promise.resolve(ahead);
      // endAtCtrlD (input, interact): Ctrl-D ends this input, as a pipe's end does and as it ends nc's, instead of the session (see server.close below).
      const asked = new AbortController();
      const stop = () => asked.abort();
      signal.addEventListener('abort', stop, { once: true });
      // The answer is not a command: it stays out of the history (it may be a password).
      const recordAgain = unrecorded(server);
      asked.signal.addEventListener('abort', recordAgain, { once: true });
      return cancellable(
        new Promise<string | null>((resolve) => {
          if (endAtCtrlD)
            endOfInput = () => {
              asked.abort(); // takes the question back, so the next line typed is a command again
              resolve(null);
            };
          // A line start that arrived before the question (lineStart) is its prompt: readline draws the prompt whole.
          const asking = prompt === '' ? (screen?.leadText ?? '') : terminalSafe(Buffer.from(prompt));
          server.question(asking, { signal: asked.signal }, (line) => {
            recordAgain();
            resolve(line);
          });
        }),
        signal,
        'input',
      ).finally(() => {
        endOfInput = null;
        signal.removeEventListener('abort', stop);
        // Its line has ended on screen (Enter, or the cancel's new line): what stood before the typing stays there.
        screen?.forgetLead();
      });
    },
    // interact's prompt that came without a newline, before the typing as nc's terminal shows it (trial 7, L).
    lineStart: (data) => screen?.lineStart(data) ?? false,
    caretUnderInput: options.caretUnderInput ?? options.terminal,
    // node:repl closes a tick later (REPLServer.close defers to nextTick): marked closed now, the `exit`
    // chunk's end does not draw the prompt once more before the shell ends (trial 4).
    onExit: () => {
      closed = true;
      server.close();
    },
    onDropped: (source) => dropped(source),
    ...(options.terminal
      ? { progress: (text: string | null) => options.output.write(`\r\x1b[K${text === null ? '' : terminalSafe(Buffer.from(text))}`) }
      : {}),
    ...(observer ? { onEvent: (e: EngineEvent) => observer.event(e), onRun: (p: string, src: string) => observer.typed(p, src) } : {}),
    ...(options.maxWaitMs ? { maxWaitMs: options.maxWaitMs } : {}),
    ...(terminalOut ? { columns: () => terminalOut.columns || undefined } : {}),
    ...(options.lessonState !== undefined ? { lessonState: options.lessonState } : {}),
  });

  // The prompt is back by now (after Ctrl-C), so the line goes above it, as a notice does.
  const dropped = (source: string): void =>
    screen?.write(
      {
        text: `not run (typed ahead of the cancelled command): ${source.trim().split('\n')[0]}`,
        channel: 'err',
        async: !closed,
        style: 'dim',
      },
      !closed,
    );

  /**
   * The open block node:repl is buffering (the source of the last Recoverable), '' when there is none.
   * node:repl hands eval each line as it arrives, also while the chunk before it still runs, and clears
   * its buffer only when that chunk calls back: lines pasted after a block were glued onto the block
   * already running, and thrown away with it when it finished. So a complete chunk clears node's buffer
   * at once, and a chunk that finishes while a newer block is open does not call back (node would clear
   * that block); the prompt is drawn without it: the shell's, for a chunk typed ahead that runs next,
   * else the block's "... ".
   */
  let open = '';
  /** Set while interact reads a line: what Ctrl-D does instead of closing the shell. */
  let endOfInput: (() => void) | null = null;
  /** Lines that ended while interact had no question asked (it was sending): its next answers, in order. */
  const early: string[] = [];

  // At a terminal, one line on how to begin; piped sessions and transcripts stay as they were.
  if (options.terminal) options.output.write('Type help for the commands, explain after an error, Ctrl-D to leave.\n');
  const server = repl.start({
    prompt: core.prompt(),
    input: options.input,
    output: options.output,
    terminal: options.terminal,
    useColors: false,
    ignoreUndefined: true,
    preview: false,
    completer: (line: string) => complete(line, completionSources(core)),
    eval: (source, _context, _file, callback) => {
      // A line that ends while interact sends the one before (no question asked) is interact's too: of a paste
      // of three lines, interact sent the first, and the others waited to run as commands (or were dropped at Ctrl-C).
      // node:repl is not called back for it: the next question draws the line being typed.
      if (core.busy && core.session.streaming) return void early.push(source.replace(/\n$/, ''));
      if (source.trim() === '') {
        // An interact queued before it may want it. While a command runs (or waits to), the prompt is not
        // drawn for it: the running chunk's end draws it, as bash's does (a prompt at once said the shell
        // was ready while the call still waited, and the call's output came after it).
        if (core.typedBlank(options.terminal)) return;
        return callback(null, undefined);
      }
      // Decided at once, so node:repl shows "..." and buffers the lines of an open block.
      if (core.needsMore(source)) {
        open = source;
        return callback(new repl.Recoverable(new Error('open block')), undefined);
      }
      open = '';
      server.clearBufferedCommand();
      void core.execute(source, options.terminal).then((executed) => {
        // Taken by interact as its input: a line of its, which node:repl is not called back for (as `early`'s are).
        if (executed === 'taken') return;
        for (const line of early.splice(0)) if (line.trim() !== '') dropped(line); // typed for interact after its input had ended
        server.setPrompt(core.prompt());
        if (closed) return;
        if (open === '') callback(null, undefined);
        else if (core.queued > 0)
          server.prompt(true); // the next chunk typed ahead is echoed after its own prompt
        else server.displayPrompt(true); // the block being typed: "...
      });
    },
  });
  screen = new Screen(server, options.output, options.errorOutput, options.terminal, options.color);
  // While interact reads, Ctrl-D on an empty line ends its input: node:repl's clearLine before it closes
  // and the question's cancel after each wrote a new line, two blank lines (user trial 5). The cursor
  // is at the start of an empty line already (no prompt, nothing typed): neither need move it. With a
  // line start shown (lineStart: 'login: '), the line has text on it, and ends as a line with text does.
  const lineReader = server as unknown as { clearLine(): void; line: string };
  const clearLine = lineReader.clearLine.bind(server);
  // (Once: at Ctrl-D readline clears the line, then the question's cancel would again.)
  lineReader.clearLine = () => (endOfInput !== null && lineReader.line === '' && screen?.forgetLead() !== true ? undefined : clearLine());
  // readline closes itself on Ctrl-D at an empty line; while interact reads, that ends interact's input.
  const closeServer = server.close.bind(server);
  server.close = () => {
    if (endOfInput === null) return closeServer();
    endOfInput();
    endOfInput = null;
  };
  defineDotCommands(server, options.output, {
    dropBlock: () => {
      open = '';
    },
    help: () => void core.execute('help\n').then(() => server.displayPrompt()),
  });

  // Ctrl-C cancels the running command. At the prompt it drops what was typed (an open block too)
  // and never leaves: Python users press it again and again at a program that seems stuck, and
  // node's own second press would close every socket and job. Ctrl-D, `exit` and .exit leave.
  server.removeAllListeners('SIGINT');
  let told = false;
  server.on('SIGINT', () => {
    const block = open;
    open = '';
    if (core.interrupt()) {
      // A block typed ahead of the cancelled command is dropped with the rest of the typeahead.
      if (block !== '') {
        server.clearBufferedCommand();
        dropped(block);
      }
      return;
    }
    const typed = server.line.length > 0;
    // readline's clearLine (not in its typings) ends the line as typed so far, as node's own handler does.
    (server as unknown as { clearLine(): void }).clearLine();
    server.clearBufferedCommand();
    if (!typed && !told) {
      told = true;
      options.output.write('(Ctrl-C clears the line or cancels a waiting call; Ctrl-D or exit leaves)\n');
    }
    server.displayPrompt();
  });

  const historyFile = options.terminal ? options.history : null;
  if (historyFile) {
    loadHistory(server, historyFile);
    server.on('line', () => saveHistory(server, historyFile));
  }

  const done = new Promise<number>((resolve) => {
    server.on('exit', () => {
      closed = true;
      // Ctrl-D while a call waits: cancel it as Ctrl-C does, and let its "^C … cancelled" line be shown
      // (and recorded, so a transcript replays) before the session closes. What was typed ahead is dropped.
      const cancelled = core.interrupt();
      void core
        .settled()
        .then(() => {
          closing = true;
          // The cancel's line said the socket stays open, as Ctrl-C leaves it; Ctrl-D goes on to close it.
          if (cancelled) sink(leavingLine(core.session.engine.list().map((s) => s.name)));
          return core.close();
        })
        .then(() => resolve(core.exitStatus));
    });
  });
  return { done, interrupt: () => server.emit('SIGINT'), busy: () => core.busy };
}

/** Ctrl-D that cancelled a waiting call: the shell leaves, and what that does to the sockets. */
function leavingLine(open: readonly string[]): ShellLine {
  const sockets =
    open.length === 0 ? '' : ` and closes its ${open.length === 1 ? 'socket' : `${open.length} sockets`} (${open.join(', ')})`;
  return {
    text: `# Ctrl-D: the shell leaves${sockets}; Ctrl-C alone cancels a waiting call and stays`,
    channel: 'out',
    async: false,
    style: 'plain',
  };
}
