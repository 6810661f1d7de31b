/** `trace on`: the Python a statement performs, printed as `>>> ` lines before it runs, typed from the running program's values. */

import type { Stmt } from '../lang/ast.js';
import type { Value } from '../lang/values.js';
import type { CommandDef } from '../spec/command.js';
import type { OutputSink } from '../core/output.js';
import { statementPython } from '../export/python.js';
import type { PyType } from '../spec/python.js';
import type { VarScope } from './scope.js';

/** types: what each name would be in the Python program, traced so far; kept by the caller across statements, updated here. */
export function tracePython(
  stmt: Stmt,
  table: ReadonlyMap<string, CommandDef>,
  scope: VarScope,
  types: Map<string, PyType>,
  out: OutputSink,
  job: number | undefined,
): void {
  const known = {
    types,
    typeOf: (name: string) => (scope.has(name) ? pyType(scope.get(name, stmt.span)) : 'unknown'),
    current: scope.current?.name ?? '',
  };
  for (const line of statementPython(stmt, table, known)) {
    out(job === undefined ? { kind: 'info', text: `>>> ${line}` } : { kind: 'info', text: `>>> ${line}`, job });
  }
}

function pyType(v: Value): PyType {
  return v.kind === 'tuple' ? 'unknown' : v.kind;
}
