import type { Diagnostic, Stmt } from '../lang/ast.js';
import { parse, type ParseResult } from '../lang/parser.js';
import { splitFlags } from './flags.js';
import { GRAMMAR, TABLE } from './table.js';
import type { CommandDef } from './types.js';

/**
 * Parses and validates without running: commands exist, methods are socket calls, argument
 * counts and flags fit the command's forms. This is `sockshell check`, and every run starts with it.
 */
export function compile(source: string, firstLine = 1): ParseResult {
  const parsed = parse(source, GRAMMAR, { firstLine });
  const diagnostics = [...parsed.diagnostics];
  walk(parsed.program, diagnostics);
  diagnostics.sort((a, b) => a.span.line - b.span.line || a.span.col - b.span.col);
  return { program: parsed.program, diagnostics, incomplete: parsed.incomplete };
}

function walk(program: readonly Stmt[], out: Diagnostic[]): void {
  for (const stmt of program) {
    switch (stmt.kind) {
      case 'command': {
        const def = TABLE.get(stmt.call.name)!;
        const problem = checkCall(def, stmt);
        if (problem) out.push(problem);
        break;
      }
      case 'while':
      case 'repeat':
        walk(stmt.body, out);
        break;
      case 'if':
        walk(stmt.then, out);
        walk(stmt.otherwise, out);
        break;
      case 'assign':
      case 'show':
      case 'break':
      case 'continue':
        break;
      default: {
        const exhaustive: never = stmt;
        return exhaustive;
      }
    }
  }
}

function checkCall(def: CommandDef, stmt: Extract<Stmt, { kind: 'command' }>): Diagnostic | null {
  const { call } = stmt;
  const { positional, error } = splitFlags(def, call.args);
  if (error) return error;
  const counts = def.forms.map((f) => f.length);
  const variadic = def.forms.some((f) => f.some((a) => a.rest));
  const n = positional.length;
  if (variadic || counts.includes(n)) return null;
  const max = Math.max(...counts);
  const span = n > max ? positional[max]!.span : { ...call.nameSpan, col: call.nameSpan.col + call.nameSpan.width, width: 1 };
  const what = n > max ? `too many arguments` : `missing arguments`;
  return { message: `${what} for ${def.name}: usage: ${def.usage}`, span };
}
