import { programPrompt } from './program-lines.js';
import { lineOps } from './diff.js';
import { endNotice } from './async-lines.js';
import { HOST_HINT, INPUT_WAIT, inputWaitWords, refusedWords, START_FIRST, unreachedWords, type Unreached } from './program-end-words.js';
import type { Block, Transcript } from './format.js';
import type { Failure } from './replay.js';

/**
 * What a student reads about a failed transcript: the first mismatch only, with the transcript's
 * own words for what it checks, the line typed, what was expected and what came, and how the
 * program ended. The same behaviour gives the same text on every run: ports are shown as the
 * transcript wrote them, ports the OS picked as [PORTn], and no time or process id appears.
 */
export interface FeedbackInput {
  /** The transcript as written (not renumbered for this run's port). */
  readonly transcript: Transcript;
  readonly failure: Failure;
  /** `exit status N`, `killed by SIGNAL`, or null while the program runs (or there is none). */
  readonly programExit: string | null;
  readonly hasProgram: boolean;
  /** The last lines of its standard error, escaped. */
  readonly stderrTail: readonly string[];
  /** How long replay waited for lines that arrive on their own (`--timeout`). */
  readonly timeoutMs: number;
  /**
   * The port (as the transcript wrote it) that the transcript bound and gave the program, when nothing
   * reached it all run, with the argument that carried it (`sys.argv[1]`, or null); else null.
   */
  readonly unreached?: Unreached | null;
  /**
   * The program's socket is of the other kind than the transcript used with it, or a UDP socket used as
   * if connected (transport-words.ts), or an IPv6 socket IPv4 does not reach (family-words.ts), or null.
   */
  readonly wrongTransport?: string | null;
}

/** The line `sockshell record` opens a transcript with: about the file, not about what it checks. */
const RECORDER_LINE = /^A sockshell transcript\. Replay it with: /;

/** Lines longer than this are shown as a window around their first difference. */
const LONG = 100;
const BEFORE = 30;
const AFTER = 50;
/** At most this many lines of what came instead (an echoed line, its caret and message). */
const GOT_LINES = 3;

export function studentFeedback(input: FeedbackInput): string[] {
  const { failure, transcript } = input;
  const block = transcript.blocks[failure.block.index] ?? failure.block;
  const out: string[] = [];
  const prose = proseBefore(transcript, block);
  if (prose.length > 0) out.push(`what it checks: ${prose.join(' ')}`);
  const typedLine = `${block.program ? programPrompt(block.programNumber) : ''}${block.source.split('\n')[0]}`;
  // A call that waited repeats the typed line above its error; the line is already said above.
  const typed = block.source.split('\n')[0]!.trim();
  // "Start the server first" is wrong for a server that runs but made the other kind of socket.
  // Nor the hint of where a server listens instead: the line on the program's socket says it, in its terms.
  const got = failure.got
    .filter((l) => l.trim() !== typed)
    .map((l) => (input.wrongTransport ? l.replace(START_FIRST, '').replace(HOST_HINT, '') : l));
  const missing = missingArrival(failure.expected, got);
  if (missing !== null) {
    // The command did what was expected; what failed is a line that was to arrive after it (a reply,
    // a job's output). Point there, not at the command, which a student would go and fix instead.
    const at = block.expected.find((e) => e.text === missing)?.line ?? block.line;
    out.push(
      `at line ${at}: ${nothingFrom(missing)}; line ${block.line} before it (${typedLine}) did what was expected`,
      `expected: ${missing}`,
      failure.cutShort !== null
        ? `got:      ${nothingFrom(missing)}: ${failure.cutShort}, so nothing more could come`
        : `got:      ${nothingFrom(missing)} within --timeout (${input.timeoutMs / 1000} s)`,
    );
  } else {
    const refused = block.program ? null : refusedWords(typed, got, input.programExit);
    out.push(`at line ${block.line}: ${typedLine}`, ...firstDifference(failure.expected, refused?.got ?? got));
    if (refused) out.push(refused.said);
    // A recv that waited for b'' (the end of the stream) and timed out: what is missing is a FIN.
    if (failure.expected.length === 1 && failure.expected[0] === "b''" && RECV_TIMED_OUT.test(got[0] ?? ''))
      out.push(`no end of the connection came: the program did not close its side (close()), so recv could not return b''`);
  }
  // The shell's own notices, said as such: under `got:` for a program's output they read as its words.
  for (const notice of failure.meanwhile) out.push(`meanwhile the shell saw, on its own socket: ${notice}`);
  // A client of the wrong transport, or one that sent with no address, reached nothing for that
  // reason: asking whether it reads its port would send it to a line that is right.
  const quiet = input.wrongTransport ? null : input.unreached;
  if (quiet)
    out.push(
      failure.cutShort?.endsWith(INPUT_WAIT)
        ? inputWaitWords(quiet, transcript, block)
        : unreachedWords(quiet, input.programExit, input.stderrTail),
    );
  if (input.wrongTransport) out.push(input.wrongTransport);
  if (failure.stopped) out.push('(the lines after it were not run)');
  if (input.hasProgram) {
    out.push(`the program: ${input.programExit ?? 'still running'}`);
    if (input.stderrTail.length > 0) out.push('its standard error ended with:', ...input.stderrTail.map((l) => `  ${l}`));
  }
  return out;
}

/** `expected:` and `got:` for the first lines that differ, long ones cut to a window. */
export function firstDifference(expected: readonly string[], actual: readonly string[]): string[] {
  const ops = lineOps(expected, actual);
  const first = ops.findIndex((o) => o.op !== ' ');
  if (first < 0) return ['expected and got the same lines, in another order or with notices that differ'];
  let removed: string | null = null;
  const added: string[] = [];
  for (const o of ops.slice(first)) {
    if (o.op === ' ') break;
    if (o.op === '-') removed ??= o.text;
    else if (added.length < GOT_LINES) added.push(uncaret(o.text));
  }
  const cut = (l: string) => (l.length > 2 * LONG ? `${l.slice(0, 2 * LONG)}…` : l);
  const more = (lines: readonly string[]) => lines.slice(1).map((l) => `          ${cut(l)}`);
  if (removed === null) return ['expected: (nothing more)', `got:      ${cut(added[0]!)}`, ...more(added)];
  if (added.length === 0) return [`expected: ${cut(uncaret(removed))}`, 'got:      (nothing)'];
  const want = uncaret(removed);
  const got = added[0]!;
  // Two long lines that differ somewhere inside: both shown around the first difference.
  const long = want.length > LONG && got.length > LONG;
  const at = firstDiffering(want, got);
  return [
    `expected: ${long ? window(want, at) : cut(want)}`,
    `got:      ${long ? window(got, at) : cut(got)}`,
    ...more(added),
    ...(long ? [`(the lines are ${want.length} and ${got.length} characters long; they first differ at character ${at + 1})`] : []),
  ];
}

/** A recv (or recvfrom) that --timeout ended, as the shell says it. */
const RECV_TIMED_OUT = /^\s*(\^+ )?ETIMEDOUT: recv(from)? timed out/;

/** Lines that arrive on their own: `[1] ` a job's output, `[name] ` a notice about a socket. */
const ARRIVAL = /^\[([A-Za-z0-9_]+)\] /;

/**
 * The first expected line that arrives on its own, when it never came and everything else the block
 * showed was as expected; null otherwise.
 */
function missingArrival(expected: readonly string[], got: readonly string[]): string | null {
  const ops = lineOps(expected, got);
  if (ops.some((o) => o.op === '+')) return null;
  const removed = ops.find((o) => o.op === '-');
  return removed !== undefined && ARRIVAL.test(removed.text) ? removed.text : null;
}

/**
 * What did not happen, for an expected line that arrives on its own. A missing end is said as such:
 * the bytes before it may well have come (a server that never closes its connection), and "nothing
 * arrived" sent a student to look for a reply that got there.
 */
function nothingFrom(line: string): string {
  const name = ARRIVAL.exec(line)![1]!;
  if (/^\d+$/.test(name)) return `job %${name} showed nothing more`;
  if (endNotice(line) !== null) return `${name}'s connection did not end (no FIN came: the program did not close its side)`;
  return line.includes('] a datagram ') ? `no datagram arrived on ${name}` : `nothing arrived on ${name}`;
}

/** An error's caret line without the carets and spaces that put it under the typed line: the message is what counts here. */
function uncaret(line: string): string {
  return line.replace(/^\s*\^+ /, '');
}

function firstDiffering(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

function window(text: string, at: number): string {
  if (text.length <= LONG) return text;
  const from = Math.max(0, at - BEFORE);
  const to = Math.min(text.length, at + AFTER);
  return `${from > 0 ? '…' : ''}${text.slice(from, to)}${to < text.length ? '…' : ''}`;
}

/** The paragraph of prose nearest above a block: the transcript's own words for what it checks. */
function proseBefore(transcript: Transcript, block: Block): string[] {
  const items = transcript.items;
  let i = items.findIndex((item) => item.line === block.line) - 1;
  // Up past the session lines of earlier blocks, to the prose above them.
  while (i >= 0 && items[i]!.kind !== 'prose') i--;
  while (i >= 0 && items[i]!.kind === 'prose' && items[i]!.text.trim() === '') i--;
  const paragraph: string[] = [];
  while (i >= 0 && items[i]!.kind === 'prose' && items[i]!.text.trim() !== '' && items[i]!.text !== '---') {
    if (!RECORDER_LINE.test(items[i]!.text)) paragraph.unshift(items[i]!.text.trim());
    i--;
  }
  return paragraph; // it stops at a header's closing '---': a header's lines are settings, not prose
}
