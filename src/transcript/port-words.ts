import { compile } from '../commands/check.js';
import { TABLE } from '../commands/table.js';
import type { Word } from '../lang/ast.js';
import { statements } from '../lang/statements.js';
import { splitFlags } from '../spec/flags.js';

/**
 * Where a typed line has a port, by the command table: the words in the position of an argument of
 * kind port (`sendto DATA HOST PORT`: the last one, never DATA), and `NAME=N` given to `run` where
 * NAME says port (`serverPort=12000`). `{port}` replaces a number only there: a data word equal to
 * the port (`sendto 21212 localhost 21212`) is data, and stays as it is.
 */
export function replaceTypedPorts(line: string, replace: (port: number) => string | null): string {
  const { program } = compile(line);
  const edits: { col: number; width: number; text: string }[] = [];
  for (const stmt of statements(program)) {
    if (stmt.kind !== 'command') continue;
    for (const w of portWords(stmt.call.name, stmt.call.args)) {
      const m = /^((?:[A-Za-z_]\w*=)?)(\d{1,5})$/.exec(w.text);
      const text = m ? replace(Number(m[2])) : null;
      if (m && text !== null && w.span.line === 1) edits.push({ col: w.span.col, width: w.text.length, text: m[1] + text });
    }
  }
  let out = line;
  // Right to left, so earlier columns stay where they were.
  for (const e of edits.sort((a, b) => b.col - a.col)) {
    const at = e.col - 1;
    if (out.slice(at, at + e.width) === line.slice(at, at + e.width)) out = out.slice(0, at) + e.text + out.slice(at + e.width);
  }
  return out;
}

type Literal = Extract<Word, { kind: 'literal' }>;

/** The unquoted literal words of a call that stand where a port does. */
function portWords(name: string, args: readonly Word[]): Literal[] {
  const def = TABLE.get(name);
  if (def === undefined) return [];
  const { positional } = splitFlags(def, args);
  const literal = (w: Word | undefined): w is Literal => w?.kind === 'literal' && !w.quoted;
  if (name === 'run')
    return positional
      .slice(1)
      .filter(literal)
      .filter((w) => /^[A-Za-z_]*port[A-Za-z_]*=\d+$/i.test(w.text));
  const form = def.forms.find((f) => f.length === positional.length);
  if (form === undefined) return [];
  return positional.filter((w, i): w is Literal => form[i]?.kind === 'port' && literal(w));
}
