/**
 * `  program> ACTION` lines: what a transcript does with the program under test (`--with`), as
 * cram does with a command's output. `program> ` is the first --with program; `program 2> ` the
 * second, and so on (a transcript that grades a server and a client together). The program is started before the transcript unless a
 * `program> start` line says when; the other actions feed its standard input and check what it
 * wrote and how it ended. The lines under an action are what it must show:
 *
 *   program> start            start it now (a client, once the transcript's server is up)
 *   program> stdin hello      write "hello\n" to its standard input
 *   program> eof              close its standard input
 *   program> stdout           its next lines of standard output (waits, bounded, until they match)
 *   program> stderr           the same for standard error
 *   program> wait             wait until it exits; shows `exit status N` or `killed by SIGNAL`
 */
export type ProgramAction =
  | { readonly kind: 'start' }
  | { readonly kind: 'stdin'; readonly text: string }
  | { readonly kind: 'eof' }
  | { readonly kind: 'stdout' }
  | { readonly kind: 'stderr' }
  | { readonly kind: 'wait' };

const ACTIONS = ['start', 'stdin', 'eof', 'stdout', 'stderr', 'wait'] as const;

/** `program> ` for the first program, `program N> ` for the Nth. */
export function programPrompt(n: number): string {
  return n === 1 ? 'program> ' : `program ${n}> `;
}

/** The program a prompt names (1 for `program> `), or null when it is not a program's prompt. */
export function programNumber(prompt: string): number | null {
  const m = /^program(?: ([1-9]\d?))?> $/.exec(prompt);
  return m === null ? null : Number(m[1] ?? 1);
}

/** The action a `program> ` line asks for, or what is wrong with it. */
export function parseProgramLine(text: string): ProgramAction | string {
  const [word = '', rest = ''] = splitFirst(text);
  switch (word) {
    case 'stdin':
      return { kind: 'stdin', text: rest };
    case 'start':
    case 'eof':
    case 'stdout':
    case 'stderr':
    case 'wait':
      return rest === '' ? { kind: word } : `program> ${word} takes nothing after it, got '${rest}'`;
    default:
      return `unknown program action '${word}': one of ${ACTIONS.join(', ')}`;
  }
}

/** The problem with a `program> ` line, or null. */
export function programLineProblem(text: string): string | null {
  const action = parseProgramLine(text);
  return typeof action === 'string' ? action : null;
}

function splitFirst(text: string): [string, string] {
  const at = text.indexOf(' ');
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + 1)];
}
