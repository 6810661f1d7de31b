import type { Block, Transcript } from './format.js';
import { programPrompt } from './program-lines.js';
/**
 * What a student is told when the program under test ended and the transcript's line found nothing:
 * said from how it ended (its exit and the exception its standard error ends with), so a student is
 * sent to the line of the program that failed, not to a port or a start-up order that were right.
 */

/** The port the transcript bound and gave the program, when nothing reached it all run. */
export interface Unreached {
  readonly port: number;
  /** The argument that carried it (`sys.argv[1]`), or null. */
  readonly argv: string | null;
}

/**
 * Why nothing reached the port the program was given. A program that stopped with an exception of its
 * own (TypeError at a sendto without encode, NameError for raw_input) or that Python could not compile
 * never got as far as the network: its traceback, not its port, is what to read. A socket error
 * (ConnectionRefusedError at a connect to a port it chose itself), or no exception, keeps the port hint.
 * A submission without the file never ran at all (python3's "can't open file").
 */
export function unreachedWords(quiet: Unreached, programExit: string | null, stderrTail: readonly string[]): string {
  if (crashed(programExit) && stderrTail.some((l) => CANNOT_OPEN.test(l)))
    return `nothing reached port ${quiet.port}: python3 could not open the program's file, so it never ran (its standard error below says which file)`;
  const error = crashed(programExit) ? pythonException(stderrTail) : null;
  if (error !== null && COMPILE_ERROR.has(error))
    return `nothing reached port ${quiet.port}: Python could not compile the program (${error}), so it ran no line of it (its standard error below says where)`;
  if (error !== null && !SOCKET_ERROR.test(error))
    return `nothing reached port ${quiet.port} before the program stopped with ${error} (its standard error below says where)`;
  return `nothing reached port ${quiet.port}, the port the transcript bound and gave the program as its argument${quiet.argv !== null ? ` (${quiet.argv})` : ''}: if it sent anything, it sent it elsewhere (does it read its port from its arguments?)`;
}

/**
 * The last lines of a program's standard error as feedback shows them, starting where a reader can
 * start: at a traceback's `Traceback` or `File "…"` line when the lines hold one, not mid-frame on a
 * line of code or of carets (`^^^^^^`, Python 3.11's marks under a call), which read as noise.
 */
export function readableTail(lines: readonly string[]): string[] {
  const start = lines.findIndex((l) => /^\s*(Traceback \(most recent call last\):|File ")/.test(l));
  return start > 0 ? lines.slice(start) : [...lines];
}

/** What a program waiting in input() is said to do (ProgramControl.waitsForInput). */
export const INPUT_WAIT = 'is waiting for a line on its standard input (input())';

/**
 * Why nothing reached the port when the program sat in input() while the transcript waited for it
 * (ProgramControl.waitsForInput): it asks for its line first, and the transcript types one only later
 * (or never). Said in the textbook's terms, as the likely mix-up is a UDP client graded with a TCP
 * client's transcript, or the other way round.
 */
export function inputWaitWords(quiet: Unreached, transcript: Transcript, at: Block): string {
  const typed = transcript.blocks.find((b) => b.index > at.index && b.program && b.source.startsWith('stdin'));
  const later =
    typed === undefined
      ? 'this transcript types none'
      : `this transcript types it only at line ${typed.line} (${programPrompt(typed.programNumber)}${typed.source}), after this one`;
  return `nothing reached port ${quiet.port}: the program asked for a line (input()) before it connected or sent anything, and ${later}. The textbook's TCPClient connects first and then asks for its line; its UDPClient asks first`;
}

/**
 * A connect the transcript made to the program that found no listener, once the program had ended on
 * its own: the shell's "start the server first" is wrong there (the grader started it), and the words
 * differ with timing (refused, or cut short by the end), so both get one line that says what happened.
 * Returns the lines of `got` to show and that line, or null where the program's end does not explain it.
 */
export function refusedWords(
  typed: string,
  got: readonly string[],
  programExit: string | null,
): { readonly got: readonly string[]; readonly said: string } | null {
  if (programExit === null || !programExit.startsWith('exit status ') || !CONNECT.test(typed)) return null;
  const cutShort = `(the program ended (${programExit}), so nothing more could come to this call)`;
  if (!got.some((l) => REFUSED.test(l) || l === cutShort)) return null;
  const said =
    programExit === 'exit status 0'
      ? `nothing was listening when this line connected: the program ended on its own (${programExit}) instead of accepting the next client (a server loops around accept)`
      : `nothing was listening when this line connected: the program had ended (${programExit}; its standard error below says why)`;
  return { got: got.map((l) => (REFUSED.test(l) ? l.replace(START_FIRST, '') : l)), said };
}

/** python3's words for a program file that is not there (a submission without it). */
const CANNOT_OPEN = /python[\d.]*: can't open file /;

/** Python's compile errors: the program ran no line. */
const COMPILE_ERROR: ReadonlySet<string> = new Set(['SyntaxError', 'IndentationError', 'TabError']);

/** Exceptions a socket call raises (OSError and its kin, the socket module's own). */
const SOCKET_ERROR =
  /^(socket\.)?(OSError|ConnectionError|ConnectionRefusedError|ConnectionResetError|ConnectionAbortedError|BrokenPipeError|TimeoutError|PermissionError|InterruptedError|timeout|gaierror|herror)$/;

/** The last line of a Python traceback: `TypeError: a bytes-like object is required, not 'str'`. */
const EXCEPTION_LINE = /^([A-Za-z_][\w.]*(?:Error|Exception|timeout|gaierror|herror))(?::|$)/;

/** A typed line that connects (`tcp.connect HOST PORT`, `name.connect HOST PORT`, `x = tcp.connect ...`). */
const CONNECT = /(^|[\s.=])connect\s/;

/** The shell's error for a refused connect, under the typed line's caret or not. */
const REFUSED = /(^|[\s^])ECONNREFUSED: /;

/** The shell's advice after ECONNREFUSED, written for someone at the prompt who has not started a server. */
export const START_FIRST = / — start the server first/;

/**
 * The shell's advice after ECONNREFUSED when a server listens at another address of this host or a
 * port close by ("…, but port 21213 is listening on this host at ::1, which is not where this connect
 * went: connect to ::1 from an IPv6 socket (tcp.socket -6), or …"): for someone at the prompt. Under
 * `got:` beside the feedback's own line on the program's socket it was cut at 200 characters mid-advice.
 */
export const HOST_HINT = /, but (?:port \d+ is listening on this host at|this host listens on) .*?(?= \([A-Za-z]+Error\)$|$)/;

function crashed(programExit: string | null): boolean {
  return programExit !== null && programExit.startsWith('exit status ') && programExit !== 'exit status 0';
}

/** The exception a Python program's standard error ends with, or null when it does not end with one. */
function pythonException(stderrTail: readonly string[]): string | null {
  const last = [...stderrTail].reverse().find((l) => l.trim() !== '');
  return last === undefined ? null : (EXCEPTION_LINE.exec(last.trim())?.[1] ?? null);
}
