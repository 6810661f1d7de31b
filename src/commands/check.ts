import type { Call, Diagnostic, Stmt, Word } from '../lang/ast.js';
import { checkLiterals } from './literals.js';
import { formsFor } from './args.js';
import { parse, type ParseResult } from '../lang/parser.js';
import { splitFlags } from '../spec/flags.js';
import { GRAMMAR, TABLE, suggest } from './table.js';
import { ownWords, statements } from '../lang/statements.js';
import { variables } from '../lang/variables.js';
import { pythonMethodWord, unknownVariable } from '../lang/python-habits.js';
import type { CommandDef } from '../spec/command.js';

/**
 * Parses and validates without running: commands exist, methods are socket calls, argument
 * counts and flags fit the command's forms. This is `sockshell check`, and every run starts with it.
 */
export function compile(source: string, firstLine = 1, whole?: WholeProgram): ParseResult {
  // A UTF-8 byte order mark (Windows editors write one) is not part of the first line: without this
  // the first command read '\uFEFFprint' ("unknown command 'print'; did you mean 'print'?").
  const text = firstLine === 1 && source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const parsed = parse(text, GRAMMAR, { firstLine });
  const known = whole === undefined ? null : knownNames(parsed.program, whole);
  const found = [...parsed.diagnostics];
  walk(parsed.program, found);
  const diagnostics = known === null ? found : found.map((d) => unknownVariable(d, (name) => known.has(name)));
  if (known !== null) unassigned(parsed.program, known, diagnostics);
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

/** Every name a whole script can read: what it assigns, what was set from outside, and `_`. */
function knownNames(program: readonly Stmt[], whole: WholeProgram): ReadonlySet<string> {
  return new Set([...whole.known, '_', ...variables(program).assigned]);
}

/** `$name` where nothing in the script ever assigns name: certainly an error at run time. */
function unassigned(program: readonly Stmt[], known: ReadonlySet<string>, out: Diagnostic[]): void {
  const { uses } = variables(program);
  for (const u of uses) if (!known.has(u.name)) out.push({ message: `$${u.name} is never assigned in this script`, span: u.span });
}

function walk(program: readonly Stmt[], out: Diagnostic[]): void {
  for (const stmt of statements(program)) {
    if (stmt.kind === 'command') {
      const problem = checkCall(TABLE.get(stmt.call.name)!, stmt.call);
      if (problem) out.push(problem);
    }
    inlineCalls(ownWords(stmt), out);
  }
}

/**
 * `(NAME ARGS)` words, nested ones too: NAME must be a command marked inline (a value at once, never
 * a wait), called with arguments that fit it.
 */
function inlineCalls(words: readonly Word[], out: Diagnostic[]): void {
  for (const word of words) {
    if (word.kind !== 'call') continue;
    const def = TABLE.get(word.name);
    if (def === undefined || def.inline !== true) {
      const known = def !== undefined || /\./.test(word.name) ? null : suggest(word.name);
      const what =
        def === undefined && !/\./.test(word.name)
          ? `unknown command '${word.name}'${known ? `; did you mean '${known}'?` : ''}`
          : `${word.name} cannot stand inside an argument; run it on a line of its own (x = ${word.name} ...), then pass $x`;
      out.push({ message: `${what} (inside ( ) go ${inlineNames()}, which give a value at once)`, span: word.nameSpan });
      continue;
    }
    const problem = checkCall(def, { target: null, name: word.name, nameSpan: word.nameSpan, args: word.args });
    if (problem) out.push(problem);
    inlineCalls(word.args, out);
  }
}

/** The commands that may stand inside an argument, for messages. */
function inlineNames(): string {
  return [...TABLE.values()]
    .filter((c) => c.inline)
    .map((c) => c.name)
    .join(', ');
}

function checkCall(def: CommandDef, call: Call): Diagnostic | null {
  const { positional, values, flags, error } = splitFlags(def, call.args);
  if (error) return error;
  const n = positional.length;
  if (formsFor(def.forms, n).length > 0) {
    return pythonMethods(def, positional) ?? addressTyped(def, positional) ?? checkLiterals(def, positional, values, flags, call.nameSpan);
  }
  const variadic = def.forms.some((f) => f.some((a) => a.rest));
  const max = Math.max(...def.forms.map((f) => f.length));
  const tooMany = n > max && !variadic;
  const last = positional[positional.length - 1]?.span ?? call.nameSpan;
  const span = tooMany ? positional[max]!.span : { ...last, col: last.col + last.width, width: 1 };
  const what = tooMany ? `too many arguments` : `missing arguments`;
  const hint = tooMany ? '' : hostMissing(def, positional);
  return { message: `${what} for ${def.name}: usage: ${def.usage}${hint || socketFirst(def, call, positional)}`, span };
}

/**
 * `bind 12000`: a port alone where HOST PORT goes. The textbook's bind(('', 12000)) hides the host
 * in a tuple, and the tour's udp.bind takes the port alone, so students leave it out (newuser trial 3).
 */
function hostMissing(def: CommandDef, positional: readonly Word[]): string {
  const [only] = positional;
  if (positional.length !== 1 || only?.kind !== 'literal' || only.quoted || !/^\d{1,5}$/.test(only.text)) return '';
  if (!def.forms.some((f) => f.length === 2 && f[0]!.kind === 'host' && f[1]!.kind === 'port')) return '';
  const p = only.text;
  return `; the HOST is missing: ${def.name} '' ${p} binds every interface, as Python's ${def.name}(('', ${p})) (udp.bind ${p} or tcp.listen ${p} makes the socket and binds it in one)`;
}

/**
 * `sendto $message.encode() HOST PORT`, `print $m.decode()`: Python's text methods on a word sent or
 * printed. sockshell would send the method's name as text, so the line is refused, as a condition's
 * `$x.startswith(...)` is.
 */
function pythonMethods(def: CommandDef, positional: readonly Word[]): Diagnostic | null {
  const form = formsFor(def.forms, positional.length)[0] ?? [];
  for (const [i, word] of positional.entries()) {
    const kind = form[Math.min(i, form.length - 1)]?.kind;
    const message = kind === 'data' || kind === 'value' ? pythonMethodWord(word) : null;
    if (message !== null) return { message, span: word.span };
  }
  return null;
}

/**
 * `send hello localhost 12500`: send joins its words, but words ending in a host and a port are
 * sendto's address typed to send, not text to send. Quoted, they are sent as typed.
 */
function addressTyped(def: CommandDef, positional: readonly Word[]): Diagnostic | null {
  if (def.addressHint === undefined || positional.length < 3) return null;
  const [host, port] = positional.slice(-2);
  const bare = (w: Word | undefined): w is Extract<Word, { kind: 'literal' }> => w?.kind === 'literal' && !w.quoted;
  const portLike = port?.kind === 'var' || (bare(port) && /^\d{1,5}$/.test(port.text) && Number(port.text) <= 65535);
  if (!bare(host) || !portLike) return null;
  if (!/^(localhost|\d{1,3}(\.\d{1,3}){3}|[\w-]+(\.[\w-]+)+|\[?[0-9a-fA-F:]*:[0-9a-fA-F:]*\]?)$/.test(host.text)) return null;
  const literal = positional.every((w) => w.kind === 'literal');
  const words = positional.map((w) => (w.kind === 'literal' ? w.text : '')).join(' ');
  const asText = literal ? `quote them: ${def.name} "${words}"` : 'quote them';
  return { message: `${def.addressHint}; to send the words as text, ${asText}`, span: host.span };
}

/** `close us`, as if the socket were an argument: a socket call is written NAME.call. */
function socketFirst(def: CommandDef, call: Call, positional: readonly Word[]): string {
  const first = positional[0];
  if (!def.method || call.target !== null || first === undefined || first.kind !== 'literal' || first.quoted) return '';
  if (!/^[A-Za-z_]\w*$/.test(first.text) || !def.forms.some((f) => f.length === positional.length - 1)) return '';
  const rest = positional.slice(1).map((w) => (w.kind === 'literal' && !w.quoted ? w.text : '...'));
  return `; if ${first.text} is a socket, call it on that socket: ${[`${first.text}.${def.name}`, ...rest].join(' ')}`;
}
