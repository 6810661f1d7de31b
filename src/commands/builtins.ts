import { isAscii, isUtf8 } from 'node:buffer';
import { NONE, bytes, int, itemsOf, repr, str, toBytes, type Value } from '../lang/values.js';
import { ShellError } from '../core/errors.js';
import { cancellable } from '../core/cancellable.js';
import { expr, lines } from '../spec/python.js';
import { primary } from '../export/words.js';
import { defineCommand, type Arg, type CommandDef } from '../spec/command.js';
import { boundedWait } from './foreground-limit.js';
import { expectCommand } from './expect-command.js';

/** Built-ins for values: the Python the textbook writes around its socket calls. */

const VALUE = { name: 'VALUE', kind: 'value' } as const;

function caseChange(arg: Arg, up: boolean): Value {
  const v = arg.value;
  const change = (s: string) => (up ? s.toUpperCase() : s.toLowerCase());
  if (v.kind === 'str') return str(change(v.value));
  if (v.kind === 'bytes') {
    // The textbook decodes, changes case and encodes again. ASCII (the common case, and what bytes that
    // are not UTF-8 change in) is done byte by byte, without the round trip through a string.
    if (isAscii(v.value) || !isUtf8(v.value)) return bytes(asciiCase(v.value, up));
    return bytes(Buffer.from(change(v.value.toString('utf8')), 'utf8'));
  }
  throw new ShellError(`${up ? 'upper' : 'lower'} needs text or bytes, got ${repr(v)}`, arg.span);
}

/** A copy of data with ASCII letters changed to upper (or lower) case, other bytes as they are. */
function asciiCase(data: Buffer, up: boolean): Buffer {
  const out = Buffer.allocUnsafe(data.length);
  // Two numbers, not a destructured array: upper runs on every datagram of a server's loop.
  const from = up ? 0x61 : 0x41;
  const shift = up ? -32 : 32;
  for (let i = 0; i < data.length; i++) {
    const c = data[i]!;
    out[i] = c >= from && c < from + 26 ? c + shift : c;
  }
  return out;
}

/** The longest delay one Node timer takes; above it, it fires after 1 ms (TimeoutOverflowWarning). */
const MAX_TIMER_MS = 2_147_483_647;

/** Sleeps for seconds, however many: past MAX_TIMER_MS the wait is a chain of timers (Python's sleep has no such limit). */
async function sleep(seconds: number, signal: AbortSignal): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const until = performance.now() + seconds * 1000;
  const wait = (resolve: () => void, ms: number): void => {
    timer = setTimeout(
      () => {
        const left = until - performance.now();
        if (left > 0) wait(resolve, left);
        else resolve();
      },
      Math.min(ms, MAX_TIMER_MS),
    );
  };
  try {
    await cancellable(new Promise<void>((resolve) => wait(resolve, seconds * 1000)), signal, 'sleep');
  } finally {
    clearTimeout(timer);
  }
}

export const builtins: readonly CommandDef[] = [
  defineCommand({
    name: 'print',
    group: 'value',
    usage: 'print VALUE ...',
    forms: [[{ ...VALUE, rest: true }]],
    summary: 'Write the values to stdout, joined by spaces; bytes are shown as their text',
    python: { code: 'print(modifiedMessage.decode())' },
    example: 'print "From Server: " $modifiedSentence',
    toPython: (py) => lines(`print(${Array.from({ length: py.count }, (_, i) => py.text(i)).join(', ')})`),
    run(ctx) {
      const pieces: Buffer[] = [];
      ctx.a.VALUE.forEach((v, i) => {
        if (i > 0) pieces.push(Buffer.from(' '));
        pieces.push(toBytes(v, ctx.session.describe));
      });
      pieces.push(Buffer.from('\n'));
      ctx.print(Buffer.concat(pieces));
      return NONE;
    },
  }),
  defineCommand({
    name: 'input',
    group: 'value',
    usage: 'input [PROMPT]',
    forms: [[], [{ name: 'PROMPT', kind: 'value' }]],
    summary: 'Read one line of text from the keyboard (or standard input); none at the end of input',
    python: { code: "message = input('Input lowercase sentence:')" },
    example: 'message = input "Input lowercase sentence:"',
    // In a loop, input's none at the end of input is what ends it: Python's input would raise EOFError there.
    toPython: (py) => {
      if (py.looping) py.helper('input_or_none');
      // The prompt goes to stdout in both, into a pipe too (run/io.ts writePrompt), so no note is needed.
      return expr(`${py.looping ? 'input_or_none' : 'input'}(${py.count ? py.text(0) : ''})`, 'str');
    },
    async run(ctx) {
      if (ctx.job !== undefined) {
        throw new ShellError(
          'a background job cannot read input; give the value on the command line instead, as in: run scripts/UDPClient.sock message=hello &',
          ctx.span,
        );
      }
      const prompt = ctx.a.PROMPT ? toBytes(ctx.a.PROMPT).toString('utf8') : '';
      // Ctrl-D at the prompt it shows ends this input, as a pipe's end does, not the session (user trial 6).
      const line = await ctx.session.readLine(prompt, ctx.block.signal, true);
      // At the end of input, none, so `while` loops over piped lines end cleanly (Python raises EOFError).
      return line === null ? NONE : str(line);
    },
  }),
  defineCommand({
    name: 'upper',
    group: 'value',
    inline: true,
    usage: 'upper VALUE',
    forms: [[VALUE]],
    summary: 'Upper-case text or bytes',
    python: { code: 'message.decode().upper()' },
    example: 'modifiedMessage = upper $message',
    // Bytes that are not UTF-8 change case in ASCII only, as Python's bytes.upper() does.
    toPython: (py) =>
      py.type(0) === 'bytes' && !py.utf8(0)
        ? expr(`${primary(py.arg(0))}.upper()`, 'bytes')
        : expr(`${primary(py.text(0))}.upper()`, 'str'),
    run: (ctx) => caseChange(ctx.args[0]!, true),
  }),
  defineCommand({
    name: 'lower',
    group: 'value',
    inline: true,
    usage: 'lower VALUE',
    forms: [[VALUE]],
    summary: 'Lower-case text or bytes',
    python: { code: 'message.decode().lower()' },
    example: 'lower $reply',
    toPython: (py) =>
      py.type(0) === 'bytes' && !py.utf8(0)
        ? expr(`${primary(py.arg(0))}.lower()`, 'bytes')
        : expr(`${primary(py.text(0))}.lower()`, 'str'),
    run: (ctx) => caseChange(ctx.args[0]!, false),
  }),
  defineCommand({
    name: 'len',
    group: 'value',
    inline: true,
    usage: 'len VALUE',
    forms: [[VALUE]],
    summary: 'Length: bytes of bytes, characters of text, items of a tuple',
    python: { code: 'len(data)' },
    example: 'n = len $data',
    toPython: (py) => expr(`len(${py.arg(0)})`, 'int'),
    run(ctx) {
      const v = ctx.a.VALUE;
      if (v.kind === 'bytes') return int(v.value.length);
      if (v.kind === 'str') return int([...v.value].length);
      const items = itemsOf(v); // a tuple, or an address as Python's (host, port)
      if (items !== null) return int(items.length);
      throw new ShellError(`len needs text, bytes or a tuple, got ${repr(v)}`, ctx.args[0]!.span);
    },
  }),
  defineCommand({
    name: 'sleep',
    group: 'value',
    usage: 'sleep SECONDS',
    forms: [[{ name: 'SECONDS', kind: 'seconds' }]],
    summary: 'Wait a number of seconds (Ctrl-C cancels)',
    python: { code: 'time.sleep(0.5)' },
    example: 'sleep 0.5',
    toPython: (py) => {
      py.need('time');
      return lines(`time.sleep(${py.arg(0)})`);
    },
    run: async (ctx) => {
      await boundedWait(ctx, 'sleep', 'sleep less, or give the session a longer --timeout', (signal) => sleep(ctx.a.SECONDS, signal));
      return NONE;
    },
  }),
  expectCommand,
];
