import type { Diagnostic, Word } from '../lang/ast.js';
import { bareLiteral } from '../lang/values.js';
import { ShellError } from '../core/errors.js';
import * as want from './args.js';
import { SOCKET_OPTIONS } from './socket-options.js';
import type { Arg, ArgKind, CommandDef } from '../spec/command.js';

/**
 * Checks written-out argument values before anything runs: `recvfrom abc` or `bind '' 99999` is
 * reported by `sockshell check` with its position, as the same value would be at run time.
 */
const CHECKS: Partial<Record<ArgKind, (arg: Arg) => unknown>> = {
  host: want.host,
  port: want.port,
  bufsize: want.bufsize,
  backlog: (a) => want.backlog(a),
  status: want.status,
  seconds: (a) => want.seconds(a, true),
  how: (a) => want.word(a, 'which side to shut down', ['rd', 'wr', 'rdwr']),
  option: (a) => want.word(a, 'a socket option', SOCKET_OPTIONS),
};

export function checkLiterals(def: CommandDef, positional: readonly Word[]): Diagnostic | null {
  const forms = def.forms.filter((f) => f.length === positional.length && !f.some((a) => a.rest));
  for (let i = 0; i < positional.length; i++) {
    const word = positional[i]!;
    if (word.kind !== 'literal') continue;
    const kinds = new Set(forms.map((f) => f[i]!.kind));
    if (kinds.size !== 1) continue; // overloaded here (tcp.listen PORT BACKLOG or HOST PORT): decided at run time
    const check = CHECKS[[...kinds][0]!];
    if (!check) continue;
    try {
      check({ word, span: word.span, value: word.quoted ? { kind: 'str', value: word.text } : bareLiteral(word.text) });
    } catch (e) {
      if (e instanceof ShellError) return { message: e.message, span: word.span };
      throw e;
    }
  }
  return null;
}
