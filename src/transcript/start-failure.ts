import { terminalSafe } from '../render/terminal.js';
import { portBound } from './port-probe.js';
import { portHolders } from './program-ports.js';
import { timeWaitExplanation } from './time-wait.js';

/**
 * Why a program under test could not be graded before the transcript's first line, said twice: to
 * the instructor in the terms of the command line (`--with "…"`, `{port}`), and to the student in
 * the program's own terms (the program, its port argument, `sys.argv[1]`), which is all a student
 * sees of how it was run. The message is the instructor's; `student` the lines a student reads.
 */
export class StartFailure extends Error {
  constructor(
    instructor: readonly string[],
    readonly student: readonly string[],
    /** It exited because a port it bound was in use: with -j, perhaps by a program in a run beside it. */
    readonly addressInUse = false,
  ) {
    super(instructor.join(MORE));
  }
}

/**
 * The fresh port {port} drew was taken by another program (not this one, which was stopped first)
 * before the program bound it: taken between freshPort's probe and the program's start, or its bind.
 * No fault of the program's: the run is repeated with another fresh port (run-one.ts).
 */
export class PortTaken extends StartFailure {
  constructor(command: string, port: number, when: 'before it started' | 'before it could bind it') {
    const holders = portHolders(port).map((c) => terminalSafe(Buffer.from(c, 'latin1')));
    super(
      [`the fresh port drawn for {port} was taken by another program ${when}${holders.length > 0 ? ` (${holders.join('; ')})` : ''}`],
      [`the program could not be graded: ${portArgument(command)} was taken by another program on the grading machine ${when}`],
    );
  }
}

/** In a --with command: a fresh port for each transcript, standing for the transcript's port. */
export const PORT_PLACEHOLDER = '{port}';

/** Continuation lines of a multi-line failure, under `FAIL    file: `. */
export const MORE = '\n        ';

/** With {port}: the command as written and the transcript's port, which {port} stands for in this run. */
export interface Placeholder {
  readonly command: string;
  readonly recorded: number;
}

/**
 * The argument that carries the port {port} gives, as a Python program reads it: `sys.argv[N]` when
 * the command runs a Python file (N counts the words after the file); null when it cannot be told.
 */
export function portArgv(command: string): string | null {
  const words = command.trim().split(/\s+/);
  const at = words.indexOf(PORT_PLACEHOLDER);
  // A quoted path (a submission's folder with a space in it) ends in its closing quote.
  const file = words.findIndex((w) => /\.py['"]?$/.test(w));
  return at >= 0 && file >= 0 && at > file ? `sys.argv[${at - file}]` : null;
}

/** How a student knows the port {port} gives: the port it was given as its argument (sys.argv[1]). */
export function portArgument(command: string): string {
  const argv = portArgv(command);
  return `the port it was given as its argument${argv !== null ? ` (${argv})` : ''}`;
}

/** A port choseInstead said, for the student: `{port} + 1` is the given port plus one. */
export function studentPort(said: string): string {
  return said.replace(
    /\{port\} ([+-]) (\d+)/g,
    (_, sign: string, n: string) => `${n} ${sign === '+' ? 'above' : 'below'} the one it was given`,
  );
}

/** The advice for a program that binds the transcript's port whatever {port} gives it. */
export function hardCoded(placeholder: Placeholder): { instructor: string[]; student: string[] } {
  const file = /\S+\.py\b/.exec(placeholder.command)?.[0];
  const fix = 'Make it read its port from its arguments (serverPort = int(sys.argv[1]))';
  return {
    instructor: [
      `but port ${placeholder.recorded}, the transcript's, is bound: the program seems to choose its port itself, not take the one it is given.`,
      `${fix}${file ? ', or rewrite it on the way in:' : '.'}`,
      ...(file ? [`  --with "sed 's/${placeholder.recorded}/{port}/' ${file} | python3 -" --port ${placeholder.recorded}`] : []),
    ],
    student: [
      `but port ${placeholder.recorded}, the transcript's, was bound meanwhile: the program seems to choose its port itself, not take the one it is given.`,
      `${fix}.`,
    ],
  };
}

/** How Python (OSError), Node (EADDRINUSE) and C programs (perror) report a port already taken. */
export const ADDRESS_IN_USE = /Address already in use|EADDRINUSE|\[Errno (98|48)\]/;

/**
 * Why the program could not bind, where it can be told: with {port}, the port it bound instead of the
 * fresh one; without, TIME_WAIT on --port, then on ports in the command, then on the transcript's.
 */
export function explainBindFailure(
  command: string,
  options: { port?: number; transcriptPorts?: readonly number[]; placeholder?: Placeholder },
): { instructor: string[]; student: string[] } {
  // With {port} this run's port is fresh, never in TIME_WAIT: a program that hit TIME_WAIT bound another.
  // The port {port} gave it was free, so "in use" means it bound another: most likely the transcript's.
  if (options.placeholder !== undefined) {
    const recorded = options.placeholder.recorded;
    const timeWait = timeWaitExplanation(recorded, options.placeholder.command) !== null;
    const held = portBound(recorded) === true;
    // A program holding the transcript's port (the instructor's own server, left running) is named by its
    // command line, which reads the same every run (a pid would not): for the instructor only.
    const holders = held && !timeWait ? portHolders(recorded).map((c) => terminalSafe(Buffer.from(c, 'latin1'))) : [];
    const tried = (named: boolean) =>
      timeWait
        ? `port ${recorded}, the transcript's, which closed connections still hold in TIME_WAIT`
        : held
          ? `port ${recorded}, the transcript's, which another program holds${named && holders.length > 0 ? ` (${holders.join('; ')})` : ''}`
          : 'another port, one in use';
    const advice = hardCoded(options.placeholder);
    return {
      instructor: [`the port {port} gave it was free, so it tried ${tried(true)}.`, ...advice.instructor.slice(1)],
      student: [`${portArgument(options.placeholder.command)} was free, so it tried ${tried(false)}.`, ...advice.student.slice(1)],
    };
  }
  const inCommand = command.match(/\b\d{2,5}\b/g)?.map(Number) ?? [];
  const ports = [...(options.port !== undefined ? [options.port] : []), ...inCommand, ...(options.transcriptPorts ?? [])];
  for (const port of new Set(ports.filter((p) => p > 0 && p < 65536))) {
    const lines = timeWaitExplanation(port, command);
    if (lines) return { instructor: lines, student: lines.slice(0, 3) };
  }
  return { instructor: [], student: [] };
}
