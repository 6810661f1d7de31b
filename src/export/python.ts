/** Export's and trace's entry points: a whole program, or one statement, as Python (the writing is writer.ts's). */

import type { Stmt } from '../lang/ast.js';
import { ownWords, statements, varReads } from '../lang/statements.js';
import type { Value } from '../lang/values.js';
import type { CommandDef } from '../spec/command.js';
import type { Failed, MadeSocket } from '../record/export-log.js';
import type { PyType } from '../spec/python.js';
import { helperDefinitions } from './helpers.js';
import { literal, pyName } from './literals.js';
import { hasBothTlsEnds } from './tls-ends.js';
import { Writer } from './writer.js';

export { pyName, pyString } from './literals.js';

export interface ExportOptions {
  /** NAME=VALUE from the command line: they replace the program's own assignments of NAME. */
  readonly overrides: ReadonlyMap<string, Value>;
  /** The socket a statement made, when it ran in a session: its name (udp1) and family. */
  readonly made?: (stmt: Stmt) => MadeSocket | undefined;
  /** How a statement failed when the session ran it, for a socket call kept failing: written in a try (Writer.failing). */
  readonly failed?: (stmt: Stmt) => Failed | undefined;
}

/**
 * A program in the shell's language as a Python program in the textbook's style: `from socket
 * import *`, the same names, loops, input and print, .encode() and .decode() where Python needs them.
 */
export function toPython(program: readonly Stmt[], table: ReadonlyMap<string, CommandDef>, options: ExportOptions): string {
  const w = new Writer(table, options);
  w.tlsBothEnds = hasBothTlsEnds(program);
  w.keepsLast = readsLast(program);
  w.block(program, 0);
  const imports = ['from socket import *', ...[...w.imports].sort().map((m) => `import ${m}`), ...[...w.notes].map((n) => `# ${n}`)];
  if (w.helpers.size > 0) imports.push('', ...helperDefinitions(w.helpers));
  const unused = [...options.overrides].filter(([name]) => !w.assigned.has(name)).map(([name, v]) => `${pyName(name)} = ${literal(v)}`);
  return [...imports, ...unused, ...w.out].join('\n') + '\n';
}

/** Whether any word of the program reads `$_`, the last command's result (interp/interpreter.ts finish). */
function readsLast(program: readonly Stmt[]): boolean {
  return statements(program).some((s) => ownWords(s).some((w) => varReads(w).some((r) => r.name === '_')));
}

/**
 * One statement as the Python it performs, for `trace on`: types come from the running program's
 * values rather than from reading the program.
 */
export function statementPython(stmt: Stmt, table: ReadonlyMap<string, CommandDef>, known: KnownTypes): string[] {
  const w = new Writer(table, { overrides: new Map() }, known);
  w.statement(stmt, 0);
  return w.out.filter((l) => !l.startsWith('#'));
}

/**
 * Types the Python program would have, kept across traced statements (`types`, updated), with a
 * fallback for names set before tracing began (from the running program's values).
 */
export interface KnownTypes {
  readonly types: Map<string, PyType>;
  typeOf(name: string): PyType;
  readonly current: string;
}
