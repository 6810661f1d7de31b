import { existsSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { ShellCore } from '../repl/core.js';
import { startRepl, type ReplObserver, type ReplOptions } from '../repl/repl.js';
import { LineReader } from '../run/lines.js';
import { renderItems, type Item } from './format.js';
import { PortNames } from './ports.js';
import { SessionPorts } from './session-ports.js';

/** The REPL's own options: recording is the shell as usual, with an observer. */
export type RecordOptions = Pick<ReplOptions, 'input' | 'output' | 'errorOutput' | 'terminal' | 'color' | 'history'>;

/**
 * `sockshell record FILE`: the interactive shell, writing the transcript as the user works (the
 * file is rewritten after every line, so a crash keeps what was done). Ports the OS picked are
 * written as [PORTn]. Ctrl-D ends the recording.
 */
export async function record(file: string, options: RecordOptions): Promise<number> {
  const items: Item[] = [
    { kind: 'prose', text: `A sockshell transcript. Replay it with: sockshell test ${file}`, line: 0 },
    { kind: 'prose', text: '', line: 0 },
  ];
  const ports = new PortNames();
  const fixed = new SessionPorts();
  if (existsSync(file)) {
    options.errorOutput.write(`sockshell record: ${file} exists; remove it or choose another name (a transcript may hold hand edits)\n`);
    return 2;
  }
  // The header is written afresh each time: the port the session talks to is known only once it has.
  const header = () => recordedHeader(file, fixed.fixedPort()).map((text): Item => ({ kind: 'prose', text, line: 0 }));
  const save = () => writeFileSync(file, renderItems([...header(), ...items]));
  try {
    save();
  } catch (e) {
    options.errorOutput.write(`sockshell record: can't write ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})\n`);
    return 2;
  }
  options.errorOutput.write(`recording to ${file}; Ctrl-D ends the recording\n`);
  const observer: ReplObserver = {
    event: (event) => {
      ports.observe(event);
      fixed.observe(event);
    },
    typed(prompt, source) {
      const [first, ...more] = source.replace(/\n$/, '').split('\n');
      items.push({ kind: 'input', prompt, text: ports.redactInput(first!), line: 0 });
      for (const m of more) items.push({ kind: 'more', text: ports.redactInput(m), line: 0 });
      save();
    },
    shown(line) {
      items.push({ kind: 'output', text: ports.redactOutput(line.text), line: 0 });
      save();
    },
  };
  const status = options.terminal
    ? await startRepl({ ...options, caretUnderInput: true, observer }).done
    : await recordLines(options, observer);
  save();
  const n = items.filter((i) => i.kind === 'input').length;
  options.errorOutput.write(`recorded ${n} command${n === 1 ? '' : 's'} to ${file}\n`);
  return status;
}

/**
 * The header `sockshell test` and `grade` read (header.ts), with its defaults written out so that
 * whoever edits the transcript sees what can be set: its title (the file's name), what passing is
 * worth, whether `#` commentary is compared, and what a student sees on Gradescope; and `port:`, the
 * one fixed port the session talked to (SessionPorts), when there is one.
 */
export function recordedHeader(file: string, port: number | null = null): string[] {
  const portLine = port !== null ? [`port: ${port}`] : [];
  return ['---', `title: ${basename(file, '.sockt')}`, 'points: 1', ...portLine, 'commentary: ignored', 'visibility: visible', '---'];
}

/**
 * Recording from a pipe: node:repl does not serialise piped lines, so feed them to the shell one
 * chunk at a time, as a person would type them.
 */
async function recordLines(options: RecordOptions, observer: ReplObserver): Promise<number> {
  const lines = new LineReader(options.input);
  let exited = false;
  let lastLine = Date.now();
  const core = new ShellCore({
    sink: (line) => {
      lastLine = Date.now();
      if (!ending) observer.shown(line); // what closing the session says is not part of it
      (line.channel === 'err' ? options.errorOutput : options.output).write(line.text + '\n');
    },
    readLine: (_prompt, signal) => lines.next(signal),
    caretUnderInput: true,
    onExit: () => (exited = true),
    onEvent: (e) => observer.event(e),
    onRun: (prompt, source) => observer.typed(prompt, source),
  });
  let chunk = '';
  let ending = false;
  while (!exited) {
    const line = await lines.next();
    if (line === null) break;
    chunk += line + '\n';
    if (chunk.trim() === '' || core.needsMore(chunk)) continue;
    await core.execute(chunk);
    chunk = '';
    // A person pauses between commands; let jobs and peers answer before the next one (at most 1 s).
    const until = Date.now() + 1000;
    while (Date.now() < until && Date.now() - lastLine < 150) await new Promise((r) => setTimeout(r, 10));
  }
  ending = true;
  await core.close();
  return core.exitStatus;
}
