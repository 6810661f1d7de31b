import type { Diagnostic, Word } from './ast.js';
import type { Grammar } from './grammar.js';
import { selectorText } from './select.js';

/**
 * Students arrive from the textbook's Python. These recognise Python spellings of a command line
 * (`us.recvfrom(2048)`, `socket(AF_INET, SOCK_DGRAM)`, a command in parentheses) and say how sockshell
 * writes the same thing. Pure: each takes text and the grammar, and returns a message or null.
 */

/** `[targets =] name(args)` as a whole line, with the name a command, a socket call or `socket`. */
const CALL_LINE = /^\s*((?:[A-Za-z_]\w*\s*,\s*)*[A-Za-z_]\w*\s*=\s*)?([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)?)\((.*)\)\s*(?:#.*)?$/;

/** `x.decode()`, `x.upper()`, `x.decode().upper()`: text methods, which sockshell's values do not need or spell as commands. */
const TEXT_METHOD =
  /^\s*((?:[A-Za-z_]\w*\s*,\s*)*[A-Za-z_]\w*\s*=\s*)?\$?([A-Za-z_]\w*)((?:\.(?:decode|encode)\(\))*)(?:\.(upper|lower)\(\))?\s*(?:#.*)?$/;

/** A trailing .decode() or .encode(): recv's bytes print as text in sockshell, and text is sent as UTF-8. */
const CODEC_TAIL = /(?:\.(?:decode|encode)\(\))+(\s*(?:#.*)?)$/;

/**
 * The message for a line written as Python, or null if it is not Python the shell recognises. The
 * parser asks only about a line that failed, or that it would otherwise take as text (`x =
 * clientSocket.recv(1024)`), so this only ever replaces an error or a surprise.
 */
export function pythonCallLine(line: string, grammar: Grammar, asText = false): string | null {
  line = line.replace(/\bsocket\.(?=[A-Za-z_])/g, ''); // import socket style: socket.SOL_SOCKET, socket.socket(...)
  const text = TEXT_METHOD.exec(line);
  if (text && (text[3] !== '' || text[4] !== undefined)) {
    const lead = leadOf(text[1] ?? '');
    return text[4] === undefined
      ? `sockshell needs no .decode() or .encode(): bytes print as text, and text is sent as UTF-8; write ${lead}$${text[2]}`
      : `sockshell spells it as a command: write ${lead}${text[4]} $${text[2]}`;
  }
  const m = CALL_LINE.exec(line.replace(CODEC_TAIL, '$1'));
  if (!m) return null;
  const [, assign = '', name = '', inner = ''] = m;
  const lead = leadOf(assign);
  const dot = name.lastIndexOf('.');
  const call = dot < 0 ? name : name.slice(dot + 1);
  if (name === 'socket' || call === 'socket') {
    const fix = socketCall(inner);
    return fix ? `sockshell makes a socket with ${fix.command}: write ${lead}${fix.command}${fix.note}` : null;
  }
  if (!grammar.isCommand(name) && !(dot > 0 && grammar.isMethod(call))) return null;
  // Unquoted text such as `game = connect(4)` stays text: only Python's own builtins are habits there.
  if (asText && dot < 0 && !PYTHON_BUILTINS.has(name)) return null;
  const args = translateArgs(inner, grammar);
  const example = args === null ? `${lead}${name} ARG ARG` : `${lead}${name}${args === '' ? '' : ` ${args}`}`;
  return `sockshell calls take no parentheses or commas: write ${example}${args === null ? ` (help ${call} shows its arguments)` : ''}`;
}

/** Python's text methods at the end of a word: `.encode()`, `.decode().upper()`. */
const METHOD_TAIL = /^((?:\.(?:decode|encode)\(\))*)(?:\.(upper|lower)\(\))?$/;

/**
 * A word sent or printed (a data or value argument) that ends in Python's text methods:
 * `$message.encode()`, `message.encode()`, `$m.decode()`. sockshell would take the method as text
 * and send `hello.encode()`, so this says how sockshell writes it; null for any other word. A
 * quoted word is text on purpose and never matches.
 */
export function pythonMethodWord(word: Word): string | null {
  const found = methodTail(word);
  if (found === null) return null;
  const { variable, codecs, change, literal } = found;
  const fix = change === undefined ? variable : `(${change} ${variable})`;
  const why = [
    ...(codecs.includes('encode') ? [`sockshell sends ${variable} as bytes already (text as UTF-8)`] : []),
    ...(codecs.includes('decode') ? [`sockshell shows ${variable}'s bytes as text already`] : []),
    ...(change === undefined ? [] : [`${change} is a command`]),
  ];
  const asText = literal === null ? '' : `; to send the words as typed, quote them: '${literal}'`;
  return `${[...codecs, ...(change === undefined ? [] : [change])].map((m) => `.${m}()`).join('')} is Python's: ${why.join(', and ')}; write ${fix}${asText}`;
}

/** The variable (as sockshell writes it) and the methods after it, or null when the word has none. */
function methodTail(word: Word): { variable: string; codecs: string[]; change?: string; literal: string | null } | null {
  let variable: string;
  let tail: string;
  let literal: string | null = null;
  if (word.kind === 'literal' && !word.quoted) {
    const m = /^([A-Za-z_]\w*)(\..*)$/.exec(word.text);
    if (m === null) return null;
    variable = `$${m[1]}`;
    tail = m[2]!;
    literal = word.text;
  } else if (word.kind === 'template' && word.quoted !== true && word.parts.length === 2) {
    const [v, t] = word.parts;
    if (v?.kind !== 'var' || t?.kind !== 'text') return null;
    variable = `$${v.name}${(v.path ?? []).map(selectorText).join('')}`;
    tail = t.text;
  } else return null;
  const m = METHOD_TAIL.exec(tail);
  if (m === null || (m[1] === '' && m[2] === undefined)) return null;
  const codecs = [...m[1]!.matchAll(/\.(\w+)\(\)/g)].map((c) => c[1]!);
  return m[2] === undefined ? { variable, codecs, literal } : { variable, codecs, change: m[2], literal };
}

/**
 * For an assignment that parsed as unquoted text (`written`, as typed) that is a Python call:
 * the sockshell spelling, and how to quote the line to keep it as text. Null for other text.
 */
export function pythonAssignedText(
  line: string,
  grammar: Grammar,
  targets: readonly { readonly name: string }[],
  written: string,
): string | null {
  if (!written.includes('(')) return null;
  const python = pythonCallLine(line, grammar, true);
  if (python === null) return null;
  return `${python}; to keep the line as text, quote it: ${targets.map((t) => t.name).join(', ')} = ${quoteText(written)}`;
}

/** Text as a sockshell word that means exactly it: 'single' quotes if it has none, else "double" with escapes. */
function quoteText(text: string): string {
  return text.includes("'") ? `"${text.replace(/[\\"$]/g, (c) => `\\${c}`)}"` : `'${text}'`;
}

/** `a, b = ` as written, spaced as sockshell shows it; '' for none. */
function leadOf(assign: string): string {
  const targets = assign.replace(/\s*=\s*$/, '').replace(/\s*,\s*/g, ', ');
  return targets === '' ? '' : `${targets} = `;
}

/** socket(AF_INET, SOCK_DGRAM) and friends, as udp.socket / tcp.socket [-6]; socket() is TCP over IPv4, as in Python. */
function socketCall(inner: string): { command: string; note: string } | null {
  const kind = /SOCK_DGRAM/.test(inner) ? 'udp' : /SOCK_STREAM/.test(inner) || inner.trim() === '' ? 'tcp' : null;
  if (kind === null) return null;
  const six = /AF_INET6/.test(inner);
  return { command: `${kind}.socket${six ? ' -6' : ''}`, note: six ? '' : ', with -6 for IPv6' };
}

/**
 * Python arguments as sockshell words: top-level commas become spaces, an address tuple becomes HOST
 * PORT, a Python name becomes $name. Null when something (a call, an operator) has no simple spelling.
 */
function translateArgs(inner: string, grammar: Grammar): string | null {
  const out: string[] = [];
  for (const raw of splitTopLevel(inner)) {
    const arg = raw.trim();
    if (arg === '') continue;
    const tuple = /^\((.*)\)$/.exec(arg);
    const parts = tuple ? addressParts(splitTopLevel(tuple[1]!)) : [arg];
    if (parts === null) return null;
    for (const p of parts) {
      const word = translateOne(p.trim(), grammar);
      if (word === null) return null;
      if (word !== '') out.push(word);
    }
  }
  return out.join(' ');
}

/**
 * An address tuple's items as sockshell's HOST PORT: IPv6's (host, port, flowinfo, scope_id) gives its
 * interface after the host's %, as sockshell writes it ('fe80::3', 7000, 0, 1) → fe80::3%1 7000. Null
 * for a flowinfo other than 0, which sockshell cannot send.
 */
function addressParts(items: string[]): string[] | null {
  if (items.length !== 4) return items;
  const [host = '', port = '', flowinfo = '', scope = ''] = items.map((i) => i.trim());
  const quoted = /^(["'])([^"'%\\]*)\1$/.exec(host);
  if (quoted === null || flowinfo !== '0' || !/^\d+$/.test(scope)) return null;
  return [scope === '0' ? host : `${quoted[1]}${quoted[2]}%${scope}${quoted[1]}`, port];
}

/**
 * One argument. A Python name is a variable ($name), but for a command name (help(recv)) or a
 * constant in capitals (explain(ECONNREFUSED), SO_REUSEADDR), which sockshell takes as a plain word.
 */
function translateOne(arg: string, grammar: Grammar): string | null {
  if (arg === '') return '';
  if (/^-?\d+(\.\d+)?$/.test(arg)) return arg;
  const plain = /^(["'])([\w.:%-]+)\1$/.exec(arg);
  if (plain) return plain[2]!; // a word needs no quotes
  if (/^b?'[^'\\]*'$/.test(arg) || /^b?"[^"\\$]*"$/.test(arg)) return arg; // the same literal works in sockshell
  const coded = /^([A-Za-z_]\w*)\.(?:encode|decode)\(\)$/.exec(arg);
  if (coded) return `$${coded[1]}`; // sockshell sends text as UTF-8 and shows bytes as they are
  if (arg === 'None') return 'none';
  if (arg === 'True' || arg === 'False') return arg.toLowerCase();
  if (/^\$[A-Za-z_]\w*$/.test(arg)) return arg; // already sockshell's
  if (LEVELS.has(arg)) return ''; // setsockopt's level: sockshell knows it from the option
  const side = SHUTDOWN_SIDES[arg];
  if (side !== undefined) return side;
  if (grammar.isCommand(arg) || /^[A-Z][A-Z0-9_]+$/.test(arg)) return arg;
  if (/^[A-Za-z_]\w*$/.test(arg)) return `$${arg}`;
  return null;
}

/** Python builtins that are also sockshell commands: `x = input(...)` is a habit, `x = connect(4)` is text. */
const PYTHON_BUILTINS: ReadonlySet<string> = new Set(['input', 'print', 'len', 'help', 'exit']);

const LEVELS: ReadonlySet<string> = new Set(['SOL_SOCKET', 'IPPROTO_TCP', 'IPPROTO_IP', 'IPPROTO_IPV6', 'IPPROTO_UDP']);
const SHUTDOWN_SIDES: Readonly<Record<string, string>> = { SHUT_RD: 'rd', SHUT_WR: 'wr', SHUT_RDWR: 'rdwr' };

/** Splits on commas outside brackets and quotes. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== null) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/**
 * `m` alone, after `m, a = s.recvfrom 2048`: Python shows a variable by its bare name, sockshell
 * takes a bare word as a command. A parser diagnostic for an unknown command whose word is a variable
 * that is set (`isSet`) gets the sockshell spelling; so does an argument refused as a bare word that
 * names a variable (`bind '' serverPort`, student trial A); any other diagnostic is returned as it is.
 */
export function unknownVariable(d: Diagnostic, isSet: (name: string) => boolean): Diagnostic {
  if (d.bare !== undefined && isSet(d.bare))
    return { ...d, message: `${d.message}; the variable ${d.bare} is $${d.bare} (a bare word is text)` };
  if (d.unknown === undefined || !isSet(d.unknown)) return d;
  const name = d.unknown;
  return { ...d, message: `unknown command '${name}': ${name} is a variable; write $${name} to show its value, or print $${name}` };
}
