import { open } from 'node:fs/promises';
import { explainWithKernelDrops } from '../explain/last.js';
import { kernelDrops, kernelDropText } from './kernel-drops.js';
import { topic, TOPICS, TOPICS_HINT } from '../explain/topics.js';
import { comment, expr } from '../spec/python.js';
import { NONE, bytes, repr, toBytes } from '../lang/values.js';
import { MAX_VALUE, MAX_VALUE_TEXT, tooLarge } from '../lang/limits.js';
import { hexdump } from '../render/hexdump.js';
import { ShellError } from '../core/errors.js';
import { defineCommand, type CommandDef } from '../spec/command.js';
import { proseWidth, wrapWords } from '../render/wrap.js';

/** Commands for seeing: explain an error or an idea, look at bytes, read a file as data. */
export const insightCommands: readonly CommandDef[] = [
  defineCommand({
    name: 'explain',
    onlyShows: true,
    showsSockets: true,
    group: 'session',
    usage: 'explain [CODE|TOPIC]',
    forms: [[], [{ name: 'TOPIC', kind: 'value', choices: Object.keys(TOPICS) }]],
    summary:
      'Explain the last thing that went wrong (error, warning, cancelled call), an error code (ECONNREFUSED) or an idea (welcoming, udp, tcp)',
    python: { none: 'it explains; Python prints a traceback' },
    example: 'explain ECONNREFUSED',
    toPython: () => comment('explain'),
    run(ctx) {
      const asked = ctx.a.TOPIC;
      if (asked === undefined) {
        const kernel = kernelDrops(ctx.session).map((d) => kernelDropText(d.socket, d.count));
        const said = explainWithKernelDrops(ctx.session.trouble, kernel);
        ctx.display(said.flatMap((s) => (s.paragraph ? wrapWords(s.text, proseWidth(ctx.session.columns())) : [s.text])).join('\n'));
        return NONE;
      }
      const key = asked.kind === 'str' ? asked.value : repr(asked);
      const found = topic(key);
      // A command's name (explain bind) is a question for help: say so, not the list of topics (newuser trial 3).
      if (!found && ctx.session.table.has(key)) {
        const words = `${key} is a command, and explain tells of errors and ideas: help ${key} shows its arguments, its Python call and an example`;
        throw new ShellError(words, ctx.args[0]!.span);
      }
      if (!found) throw new ShellError(`nothing to say about '${key}'; try: ${TOPICS_HINT}`, ctx.args[0]!.span);
      ctx.display(wrapWords(`${found.key}: ${found.text}`, proseWidth(ctx.session.columns())).join('\n'));
      return NONE;
    },
  }),
  defineCommand({
    // Not onlyShows: it shows a value, as print does, not the session's state, so save keeps it and the
    // export prints the same rows (the helper hexdump), where the prompt's export and a save's agree.
    name: 'hexdump',
    group: 'value',
    usage: 'hexdump VALUE',
    forms: [[{ name: 'VALUE', kind: 'value' }]],
    summary: 'Show bytes as offset, hex and ASCII columns',
    python: { code: 'print(data.hex(" "))' },
    example: 'hexdump $data',
    toPython: (py) => {
      py.helper('hexdump');
      return { kind: 'lines', lines: [`hexdump(${py.bytes(0)})`] };
    },
    run(ctx) {
      const value = ctx.a.VALUE;
      // $_ after a send is the count it returned: its decimal text in hex would show nothing of the data.
      if (value.kind !== 'bytes' && value.kind !== 'str') {
        throw new ShellError(`hexdump shows bytes or text, got ${repr(value, ctx.session.describe)}`, ctx.args[0]!.span);
      }
      ctx.display(hexdump(toBytes(value)));
      return NONE;
    },
  }),
  defineCommand({
    name: 'file',
    group: 'value',
    usage: 'file PATH',
    forms: [[{ name: 'PATH', kind: 'file' }]],
    summary: "A file's contents as bytes, to send: data = file request.bin",
    python: { code: "data = open('request.bin', 'rb').read()" },
    example: 'data = file request.bin',
    toPython: (py) => expr(`open(${py.arg(0)}, 'rb').read()`, 'bytes'),
    async run(ctx) {
      const path = ctx.a.PATH;
      const { span } = ctx.args[0]!;
      let data: Buffer;
      try {
        data = await readRegularFile(path);
      } catch (e) {
        if (e instanceof ShellError) throw new ShellError(e.message, span);
        throw new ShellError(`can't read ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, span);
      }
      return bytes(data);
    },
  }),
  defineCommand({
    name: 'display',
    group: 'session',
    usage: 'display text|hex',
    forms: [[{ name: 'MODE', kind: 'choice', choices: ['text', 'hex'] }]],
    summary: 'Show received bytes as text (b\'HELLO\') or as hex (x"48454c4c4f") in results',
    python: { none: 'a display setting of the shell' },
    example: 'display hex',
    toPython: (py) => comment(`display ${py.arg(0).replace(/'/g, '')}`),
    run(ctx) {
      ctx.session.display = ctx.a.MODE;
      return NONE;
    },
  }),
];

/**
 * A regular file's bytes, at most MAX_VALUE of them. A device or a pipe is refused: /dev/zero never
 * ends, and reading it grew the shell to 12 GB. The size is checked before reading, and the read is
 * bounded too, in case the file grows meanwhile (or is a /proc file, whose size says 0).
 */
async function readRegularFile(path: string): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const info = await file.stat();
    if (info.isDirectory()) throw new ShellError(`${path} is a directory: give a file`, null);
    if (!info.isFile())
      throw new ShellError(`${path} is not a regular file (a device, a pipe or a socket): file reads regular files`, null);
    const problem = tooLarge(info.size, `${path} has ${info.size.toLocaleString('en-US')} bytes: the value`);
    if (problem !== null) throw new ShellError(problem, null);
    const chunks: Buffer[] = [];
    let size = 0;
    for (;;) {
      const want = Math.min(1 << 20, MAX_VALUE + 1 - size); // one byte past the limit shows the file is over it
      const { bytesRead, buffer } = await file.read(Buffer.allocUnsafe(want), 0, want, null);
      if (bytesRead === 0) break;
      chunks.push(buffer.subarray(0, bytesRead));
      size += bytesRead;
      if (size > MAX_VALUE) throw new ShellError(`${path} grew past ${MAX_VALUE_TEXT} while it was read: a value holds at most that`, null);
    }
    return Buffer.concat(chunks, size);
  } finally {
    await file.close();
  }
}
