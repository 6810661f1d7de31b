import type { Part, Word } from '../lang/ast.js';
import { bareLiteral, repr } from '../lang/values.js';
import { selectorText } from '../lang/select.js';
import type { PyType } from '../spec/python.js';
import { literal, literalType, pyName, pyString, shownText } from './literals.js';

/**
 * Words as Python expressions, by the shell's value model (lang/values.ts, interp/evaluate.ts):
 *
 * - a bare word is an int, float, bool, None or str (12000, true, hello); a quoted word is a str;
 *   b"..." is bytes; $name has its variable's type; $addr[0] is a str and $addr[1] an int;
 * - a template ("got $m") is a str, or bytes when it holds raw bytes (\xff) or a bytes variable;
 * - inside a template, and in print, a value stands for its text: a str itself, bytes decoded as
 *   UTF-8, anything else Python's str() (which is the repr the shell shows: 5, ('127.0.0.1', 80));
 *   in bytes, that text's UTF-8.
 *
 * So each word has three Python forms: its value, its text (what print shows) and its bytes (what
 * send sends). The text form never nests an expression containing quotes inside an f-string, which
 * Python before 3.12 rejects.
 */

/**
 * What is known of bytes' content: written out as valid UTF-8 (`.decode()` is safe), written out
 * otherwise (`.decode()` would raise), or not known: received from a peer or made by a call.
 */
export type Content = 'utf8' | 'raw' | 'unknown';

/** What the writer knows of a variable when a word reads it. */
export interface Vars {
  type(name: string): PyType;
  /** The type of item i of the tuple a variable holds (m = s.recvfrom 2048: bytes, then address). */
  item(name: string, index: number): PyType;
  /** What its bytes hold, when it holds bytes. */
  content(name: string): Content;
  /** `(NAME ARGS)`: the command's Python expression and type. */
  call(word: Extract<Word, { kind: 'call' }>): PyWord;
}

export interface PyWord {
  readonly code: string;
  readonly type: PyType;
  /** What its bytes hold, when it is bytes. */
  readonly content: Content;
}

/** The word's value, of the type the shell gives it. */
export function wordValue(w: Word, vars: Vars): PyWord {
  switch (w.kind) {
    case 'literal': {
      const v = w.quoted ? ({ kind: 'str', value: w.text } as const) : bareLiteral(w.text);
      return { code: literal(v), type: literalType(v), content: 'utf8' };
    }
    case 'var':
      return { code: ref(w), type: refType(w, vars), content: refContent(w, vars) };
    case 'bytes':
      return { code: literal({ kind: 'bytes', value: w.value }), type: 'bytes', content: isUtf8(w.value) ? 'utf8' : 'raw' };
    case 'call':
      return vars.call(w);
    case 'template':
      return binary(w.parts, vars)
        ? { code: templateBytes(w.parts, vars), type: 'bytes', content: templateContent(w.parts, vars) }
        : { code: templateText(w.parts, vars), type: 'str', content: 'utf8' };
    default: {
      const exhaustive: never = w;
      return exhaustive;
    }
  }
}

/**
 * The word as a str: bytes written out that are not UTF-8 with \xff escapes, as the shell shows
 * them; other bytes, received ones included, with the textbook's plain .decode().
 */
export function wordText(w: Word, vars: Vars): string {
  if (w.kind === 'template') return templateText(w.parts, vars);
  if (w.kind === 'bytes') return pyString(shownText(w.value));
  const v = wordValue(w, vars);
  return textOf(v.code, v.type, v.content);
}

/** The socket variable a word names: tcp2 written out, or $s holding a socket; null for anything else ($name holding text). */
export function wordSocket(w: Word, vars: Vars): string | null {
  if (w.kind === 'literal') return pyName(w.text);
  return w.kind === 'var' && w.path === undefined && vars.type(w.name) === 'socket' ? pyName(w.name) : null;
}

/** The word as bytes, as the shell sends it: b'hi' for text written out, x.encode() for a str variable. */
export function wordBytes(w: Word, vars: Vars): string {
  // Written out unquoted, a word is sent as typed (commands/coercers.ts data): b'1.50', not str(1.5).encode().
  if (w.kind === 'literal' && !w.quoted && !/[^\x00-\x7f]/.test(w.text)) return 'b' + pyString(w.text);
  const v = wordValue(w, vars);
  if (v.type === 'bytes') return v.code;
  if (w.kind === 'literal' && v.type === 'str' && !/[^\x00-\x7f]/.test(v.code)) return 'b' + v.code;
  return v.type === 'str' ? `${primary(v.code)}.encode()` : `str(${v.code}).encode()`;
}

/** The expression, in parentheses if it is a sum, so that `.method()` may follow it. */
export function primary(code: string): string {
  let quote = '';
  let depth = 0;
  for (let i = 0; i < code.length; i++) {
    const c = code[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ' ' && depth === 0) return `(${code})`;
  }
  return code;
}

/**
 * A str, bytes or other value as text, by its type; `quote` quotes the errors= argument. Bytes
 * written out that are not UTF-8 decode leniently; received bytes keep the textbook's plain
 * .decode(), as the export is meant to read as the textbook's program (a peer that sends bytes that
 * are not UTF-8 stops it there, where the shell shows them as \xHH).
 */
function textOf(code: string, type: PyType, content: Content, quote = "'"): string {
  if (type === 'str') return code;
  const lenient = content === 'raw';
  if (type === 'bytes') return `${primary(code)}.decode(${lenient ? `errors=${quote}backslashreplace${quote}` : ''})`;
  return `str(${code})`;
}

/** As the shell does: raw bytes, or a bytes variable, make the whole template bytes. */
function binary(parts: readonly Part[], vars: Vars): boolean {
  return parts.some((p) => p.kind === 'byte' || (p.kind === 'var' && refType(p, vars) === 'bytes'));
}

type Piece =
  | { readonly kind: 'text'; readonly bytes: Buffer }
  | { readonly kind: 'var'; readonly code: string; readonly type: PyType; readonly content: Content };

/** Runs of written-out text and bytes, and the variables between them. */
function pieces(parts: readonly Part[], vars: Vars): Piece[] {
  const out: Piece[] = [];
  let run: number[] = [];
  const flush = () => {
    if (run.length) out.push({ kind: 'text', bytes: Buffer.from(run) });
    run = [];
  };
  for (const p of parts) {
    if (p.kind === 'text') run.push(...Buffer.from(p.text, 'utf8'));
    else if (p.kind === 'byte') run.push(p.value);
    else {
      flush();
      out.push({ kind: 'var', code: ref(p), type: refType(p, vars), content: refContent(p, vars) });
    }
  }
  flush();
  return out;
}

/** "caf\xe9$x" as bytes: b'caf\xe9' + x.encode(). */
function templateBytes(parts: readonly Part[], vars: Vars): string {
  return pieces(parts, vars)
    .map((p) =>
      p.kind === 'text'
        ? repr({ kind: 'bytes', value: p.bytes })
        : p.type === 'bytes'
          ? p.code
          : p.type === 'str'
            ? `${p.code}.encode()`
            : `str(${p.code}).encode()`,
    )
    .join(' + ');
}

/**
 * "got $m from $a" as text: f'got {m.decode()} from {a}' when no expression holds the f-string's
 * own quote or a backslash (valid in an f-string on any Python 3), else 'got ' + m.decode() + ...
 */
function templateText(parts: readonly Part[], vars: Vars): string {
  const ps = pieces(parts, vars);
  const texts = ps.map((p) => (p.kind === 'text' ? shownText(p.bytes) : ''));
  if (!ps.some((p) => p.kind === 'var')) return pyString(texts.join(''));
  // The literal text is quoted once, with a marker per expression, so one quote character serves throughout.
  const marker = (i: number) => `\u{f0000}${i}\u{f0001}`;
  const quoted = pyString(ps.map((p, i) => (p.kind === 'text' ? texts[i] : marker(i))).join(''));
  // Expressions quote their own strings with the other character: before 3.12 an f-string ends at its own quote.
  const inner = quoted.startsWith("'") ? '"' : "'";
  const exprs = ps.map((p) =>
    p.kind === 'var' ? (p.type === 'str' || p.type === 'bytes' ? textOf(p.code, p.type, p.content, inner) : p.code) : '',
  );
  const fits = exprs.every((e) => !e.includes(quoted[0]!) && !e.includes('\\')) && !texts.some((t) => /[\u{f0000}\u{f0001}]/u.test(t));
  if (fits) {
    const body = quoted.replace(/[{}]/g, (b) => b + b).replace(/\u{f0000}(\d+)\u{f0001}/gu, (_, i: string) => `{${exprs[Number(i)]}}`);
    return 'f' + body;
  }
  return ps
    .map((p, i) => (p.kind === 'text' ? pyString(texts[i]!) : p.type === 'str' || p.type === 'bytes' ? exprs[i] : `str(${p.code})`))
    .join(' + ');
}

/** The bytes written out in a template, without its variables. */
function writtenBytes(parts: readonly Part[]): Buffer {
  return Buffer.from(parts.flatMap((p) => (p.kind === 'byte' ? [p.value] : p.kind === 'text' ? [...Buffer.from(p.text)] : [])));
}

function isUtf8(data: Buffer): boolean {
  return Buffer.from(data.toString('utf8'), 'utf8').equals(data);
}

type Ref = Extract<Part, { kind: 'var' }>;

function ref(r: Ref): string {
  return pyName(r.name) + (r.path ?? []).map(selectorText).join(''); // Python writes them the same
}

/** The type after each index and slice, as lang/select.ts gives it; unknown where the program does not say. */
function refType(r: Ref, vars: Vars): PyType {
  let type = vars.type(r.name);
  for (const [n, s] of (r.path ?? []).entries()) {
    if (type === 'bytes') type = s.kind === 'index' ? 'int' : 'bytes';
    else if (type === 'str') type = 'str';
    else if (type === 'address' && s.kind === 'index') type = s.index === 0 || s.index === -2 ? 'str' : 'int';
    else if (n === 0 && s.kind === 'index' && s.index >= 0) type = vars.item(r.name, s.index);
    else type = 'unknown';
  }
  return type;
}

function refContent(r: Ref, vars: Vars): Content {
  return r.path === undefined ? vars.content(r.name) : 'unknown'; // a slice may cut a character in two
}

/** A bytes template's content: raw if any part is known not to be UTF-8, else unknown if a variable's bytes are. */
function templateContent(parts: readonly Part[], vars: Vars): Content {
  const bytesVars = parts.filter((p): p is Ref => p.kind === 'var' && refType(p, vars) === 'bytes').map((p) => refContent(p, vars));
  if (bytesVars.includes('raw') || !isUtf8(writtenBytes(parts))) return 'raw';
  return bytesVars.includes('unknown') ? 'unknown' : 'utf8';
}
