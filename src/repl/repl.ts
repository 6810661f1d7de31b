import { homedir } from 'node:os';
import { join } from 'node:path';
import repl from 'node:repl';
import type { Readable, Writable } from 'node:stream';
import { compile } from '../commands/check.js';
import { COMMANDS } from '../commands/table.js';
import { VarScope } from '../interp/scope.js';
import type { Span } from '../lang/ast.js';
import { terminalSafe } from '../render/terminal.js';
import { runChunk, type ChunkResult } from '../session/chunk.js';
import type { Output } from '../session/output.js';
import { Session } from '../session/session.js';
import { location } from '../run/stream-output.js';
import { complete } from './completer.js';
import { Screen } from './screen.js';

export interface ReplOptions {
  readonly input: Readable;
  readonly output: Writable;
  readonly errorOutput: Writable;
  /** Drive a terminal (line editing, history, redraws). Follows stdin AND stdout being TTYs. */
  readonly terminal: boolean;
  readonly color: boolean;
  /** History file; null for none. */
  readonly history: string | null;
  readonly maxWaitMs?: number;
}

export function defaultHistoryFile(): string | null {
  const env = process.env.SOCKSHELL_HISTORY;
  if (env !== undefined) return env === '' ? null : env;
  return join(homedir(), '.sockshell_history');
}

/**
 * The interactive shell: node:repl with our own eval. Commands run one at a time through a queue
 * (piped lines would otherwise run at once); Ctrl-C cancels the running command; Ctrl-D closes
 * every socket and resolves with the exit status.
 */
export interface ReplHandle {
  /** Resolves with the exit status once the REPL has closed and every socket is closed. */
  readonly done: Promise<number>;
  /** What Ctrl-C does at a terminal; for driving the REPL through plain streams. */
  interrupt(): void;
}

export function startRepl(options: ReplOptions): ReplHandle {
  const { output, errorOutput } = options;
  let screen: Screen | null = null;
  let running: AbortController | null = null;
  let queue: Promise<void> = Promise.resolve();

  const write = (o: Output): void => {
    switch (o.kind) {
      case 'print':
        return emit(o.job, terminalSafe(o.data).replace(/\n$/, ''), false);
      case 'display':
      case 'value':
        output.write(terminalSafe(Buffer.from(o.text)) + '\n');
        return;
      case 'info':
        return emit(o.job, screen!.dim(`# ${terminalSafe(Buffer.from(o.text))}`), false);
      case 'warning':
        return emit(o.job, `warning: ${terminalSafe(Buffer.from(o.text))}`, true);
      case 'notice':
        screen!.async(screen!.dim(`# ${terminalSafe(Buffer.from(o.text))}`));
        return;
      case 'error':
        if (o.job !== undefined) screen!.async(screen!.red(`[${o.job}] ${location(o)}${o.message}`));
        else errorOutput.write(`${screen!.red('error:')} ${location(o)}${o.message}\n`);
        return;
      default: {
        const exhaustive: never = o;
        return exhaustive;
      }
    }
  };
  // A job's lines are drawn above the prompt with its number; the foreground's go straight out.
  const emit = (job: number | undefined, text: string, toStderr: boolean): void => {
    if (job !== undefined) screen!.async(`[${job}] ${text}`);
    else (toStderr ? errorOutput : output).write(text + '\n');
  };

  const session = new Session({
    interactive: true,
    out: write,
    readLine: (prompt, signal) =>
      new Promise((resolve) => {
        server.question(terminalSafe(Buffer.from(prompt)), { signal }, (answer) => resolve(answer));
        signal.addEventListener('abort', () => resolve(null), { once: true });
      }),
    onExit: () => server.close(),
    ...(options.maxWaitMs ? { maxWaitMs: options.maxWaitMs } : {}),
  });
  const scope = new VarScope('main', '<repl>');
  const interp = session.interpreter(scope, { echo: true });
  const promptText = () => (scope.current && session.engine.lookup(scope.current.name)?.serial === scope.current.serial ? `sockshell ${scope.current.name}> ` : 'sockshell> ');

  const server = repl.start({
    prompt: promptText(),
    input: options.input,
    output,
    terminal: options.terminal,
    useColors: false,
    ignoreUndefined: true,
    preview: false,
    completer: (line: string) =>
      complete(line, {
        commands: COMMANDS.map((c) => c.name),
        methods: COMMANDS.filter((c) => c.method).map((c) => c.name),
        sockets: () => session.engine.list().map((s) => s.name),
        variables: () => scope.names(),
      }),
    eval: (source, _context, _file, callback) => {
      // Decide at once whether a block is still open, so node:repl shows "..." and buffers the lines.
      if (source.trim() === '') return callback(null, undefined);
      const { incomplete, diagnostics } = compile(source);
      if (incomplete && diagnostics.length === 1) return callback(new repl.Recoverable(new Error('open block')), undefined);
      queue = queue.then(async () => {
        const typedAfter = promptText();
        const controller = new AbortController();
        running = controller;
        screen!.busy = true;
        const result = await runChunk(interp, source, 1, controller.signal);
        running = null;
        report(result, source, typedAfter);
        screen!.busy = false;
        screen!.flush();
        server.setPrompt(promptText());
        callback(null, undefined);
      });
    },
  });
  screen = new Screen(server, output, options.terminal, options.color);
  for (const name of ['load', 'save', 'editor', 'clear', 'help']) delete (server.commands as Record<string, unknown>)[name];

  // Ctrl-C cancels the running command; at an idle prompt node's own behaviour stays.
  const idleSigint = server.listeners('SIGINT') as ((...a: unknown[]) => void)[];
  server.removeAllListeners('SIGINT');
  server.on('SIGINT', () => {
    if (running) running.abort();
    else for (const f of idleSigint) f.call(server);
  });

  /** `typedAfter`: the prompt the command was typed after, for aligning carets under it. */
  const report = (result: ChunkResult, source: string, typedAfter: string): void => {
    switch (result.kind) {
      case 'ok':
      case 'incomplete':
        return;
      case 'syntax':
        for (const d of result.diagnostics) caret(source, d.span, d.message, typedAfter);
        return;
      case 'failed':
        if (result.error.file !== undefined) write({ kind: 'error', message: result.error.message, span: result.error.span, file: result.error.file });
        else caret(source, result.error.span, result.error.message, typedAfter);
        return;
      case 'cancelled':
        errorOutput.write(`${screen!.dim(`^C ${result.what} cancelled; sockets stay open and keep their queued data`)}\n`);
        return;
      case 'exit':
        server.close();
        return;
      default: {
        const exhaustive: never = result;
        return exhaustive;
      }
    }
  };

  /** One error line with a caret under the column; the offending line is shown above it unless it is the one just typed. */
  const caret = (source: string, span: Span | null, message: string, typedAfter: string): void => {
    const lines = source.replace(/\n$/, '').split('\n');
    if (!span) {
      errorOutput.write(`${screen!.red('error:')} ${message}\n`);
      return;
    }
    const typedJustAbove = options.terminal && lines.length === 1;
    const indent = typedJustAbove ? typedAfter.length : 2;
    if (!typedJustAbove) errorOutput.write(`  ${terminalSafe(Buffer.from(lines[span.line - 1] ?? ''))}\n`);
    errorOutput.write(`${' '.repeat(indent + span.col - 1)}${screen!.red('^'.repeat(Math.max(1, Math.min(span.width, 40))))} ${message}\n`);
  };

  if (options.terminal && options.history) {
    server.setupHistory(options.history, () => undefined);
  }

  const done = new Promise<number>((resolve) => {
    server.on('exit', () => {
      void queue.then(async () => {
        await session.close();
        resolve(0);
      });
    });
  });
  return { done, interrupt: () => server.emit('SIGINT') };
}
