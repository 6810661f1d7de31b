/**
 * `  program> ACTION` lines: what a transcript does with the program under test (`--with`), as
 * cram does with a command's output. The program is started before the transcript unless a
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
