import type { Diagnostic, Stmt, Word } from '../lang/ast.js';
import { checkLiterals } from './literals.js';
import { parse, type ParseResult } from '../lang/parser.js';
import { splitFlags } from '../spec/flags.js';
import { GRAMMAR, TABLE } from './table.js';
import { nestedCommand } from '../lang/python-habits.js';
import { variables } from '../lang/variables.js';
import { statements } from '../lang/statements.js';
import type { ArgSpec, CommandDef } from '../spec/command.js';

/**
 * Parses and validates without running: commands exist, methods are socket calls, argument
 * counts and flags fit the command's forms. This is `sockshell check`, and every run starts with it.
 */
export function compile(source: string, firstLine = 1, whole?: WholeProgram): ParseResult {
  // A UTF-8 byte order mark (Windows editors write one) is not part of the first line: without this
  // the first command read '\uFEFFprint' ("unknown command 'print'; did you mean 'print'?").
  const text = firstLine === 1 && source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const parsed = parse(text, GRAMMAR, { firstLine });
  const diagnostics = [...parsed.diagnostics];
  walk(parsed.program, diagnostics);
  if (whole) unassigned(parsed.program, whole, diagnostics);
  diagnostics.sort((a, b) => a.span.line - b.span.line || a.span.col - b.span.col);
  // Incomplete for a reader (ask for more lines) only when blocks left open are the only problem.
  return {
    program: parsed.program,
    diagnostics,
    incomplete: parsed.incomplete && diagnostics.length === parsed.unclosed,
    unclosed: parsed.unclosed,
  };
}

/** A whole script (not a line of the REPL, which sees earlier variables): its variables can be checked too. */
export interface WholeProgram {
  /** Names set from outside: NAME=VALUE overrides. */
  readonly known: Iterable<string>;
}

/** `$name` where nothing in the script ever assigns name: certainly an error at run time. */
function unassigned(program: readonly Stmt[], whole: WholeProgram, out: Diagnostic[]): void {
  const { assigned, uses } = variables(program);
  const known = new Set([...whole.known, '_', ...assigned]);
  for (const u of uses) if (!known.has(u.name)) out.push({ message: `$${u.name} is never assigned in this script`, span: u.span });
}

function walk(program: readonly Stmt[], out: Diagnostic[]): void {
  for (const stmt of statements(program)) {
    if (stmt.kind !== 'command') continue;
    const problem = checkCall(TABLE.get(stmt.call.name)!, stmt);
    if (problem) out.push(problem);
  }
}

function checkCall(def: CommandDef, stmt: Extract<Stmt, { kind: 'command' }>): Diagnostic | null {
  const { call } = stmt;
  const { positional, error } = splitFlags(def, call.args);
  if (error) return error;
  const n = positional.length;
  // A rest argument takes zero or more words; the ones before it are required (run FILE [NAME=VALUE ...]).
  const fits = (f: readonly ArgSpec[]) => (f.some((a) => a.rest) ? n >= f.length - 1 : n === f.length);
  if (def.forms.some(fits)) {
    const problem = checkLiterals(def, positional);
    return problem === null ? null : (nestedCommand(call.args, GRAMMAR) ?? problem);
  }
  const variadic = def.forms.some((f) => f.some((a) => a.rest));
  const max = Math.max(...def.forms.map((f) => f.length));
  const tooMany = n > max && !variadic;
  const last = positional[positional.length - 1]?.span ?? call.nameSpan;
  const span = tooMany ? positional[max]!.span : { ...last, col: last.col + last.width, width: 1 };
  const nested = nestedCommand(call.args, GRAMMAR);
  if (nested !== null) return nested;
  if (tooMany && def.tooManyHint !== undefined) return { message: def.tooManyHint, span };
  const what = tooMany ? `too many arguments` : `missing arguments`;
  return { message: `${what} for ${def.name}: usage: ${def.usage}${socketFirst(def, stmt.call, positional)}`, span };
}

/** `close us`, as if the socket were an argument: a socket call is written NAME.call. */
function socketFirst(def: CommandDef, call: Extract<Stmt, { kind: 'command' }>['call'], positional: readonly Word[]): string {
  const first = positional[0];
  if (!def.method || call.target !== null || first === undefined || first.kind !== 'literal' || first.quoted) return '';
  if (!/^[A-Za-z_]\w*$/.test(first.text) || !def.forms.some((f) => f.length === positional.length - 1)) return '';
  const rest = positional.slice(1).map((w) => (w.kind === 'literal' && !w.quoted ? w.text : '...'));
  return `; if ${first.text} is a socket, call it on that socket: ${[`${first.text}.${def.name}`, ...rest].join(' ')}`;
}
