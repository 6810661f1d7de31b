import type { Grammar } from './grammar.js';

/**
 * `c = udp.socket(` and `clientSocket = udp.sockte` are commands mistyped, but an assignment of one
 * unquoted word stores it as text, and the surprise comes a line later ("$c is text, not a socket").
 * This says so at the assignment: a word that ends in `(`, or is `udp.`/`tcp.` (a command family)
 * followed by a name, or `NAME.` followed by a near miss of a socket method. Plain words (`hello`,
 * `photo.jpg`, `example.com`) stay text. Pure: text and grammar in, a message or null out.
 */
export function commandLikeText(word: string, grammar: Grammar, targets: readonly { readonly name: string }[]): string | null {
  const problem = whatItLooksLike(word, grammar);
  if (problem === null) return null;
  const quoted = word.includes("'") ? `"${word.replace(/[\\"$]/g, (c) => `\\${c}`)}"` : `'${word}'`;
  const how = `o assign the text on purpose, quote it: ${targets.map((t) => t.name).join(', ')} = ${quoted}`;
  return problem.endsWith('?') ? `${problem} T${how}` : `${problem}; t${how}`;
}

function whatItLooksLike(word: string, grammar: Grammar): string | null {
  if (word.endsWith('(')) {
    const stem = word.replace(/\(+$/, '');
    const call = known(stem, grammar) ? stem : nearMiss(stem, grammar);
    return call === null
      ? `'${word}' ends in '(' as a call does, and would be stored as text`
      : `'${word}' looks like a call cut short: sockshell calls take no parentheses; write ${call}`;
  }
  const m = /^([A-Za-z_]\w*)\.([A-Za-z_]\w*)$/.exec(word);
  if (m === null) return null;
  const [, head = '', tail = ''] = m;
  if (grammar.isFamily(head)) {
    const near = grammar.suggest(word);
    const mean = near?.startsWith(`${head}.`) ? `; did you mean ${near}?` : '; type help for the list';
    return `'${word}' is not a command${mean}`;
  }
  // NAME.method mistyped; a file name (data.bin, photo.jpg) has a short extension, so only 4 letters and up count.
  const method = tail.length >= 4 ? grammar.suggest(tail) : null;
  if (method !== null && grammar.isMethod(method)) return `'${head}' has no method '${tail}'; did you mean ${head}.${method}?`;
  return null;
}

/** A command as written: `udp.socket`, `recv`, `s.recv`. */
function known(text: string, grammar: Grammar): boolean {
  const dot = /^([A-Za-z_]\w*)\.([A-Za-z_]\w*)$/.exec(text);
  return grammar.isCommand(text) || (dot !== null && grammar.isMethod(dot[2]!));
}

/**
 * The command a mistyped one (`udp.sockte`, `s.recvv`) was probably meant to be, or null. Only a
 * dotted word is matched: a plain one two letters from a command is as likely a word (hello, help).
 */
function nearMiss(text: string, grammar: Grammar): string | null {
  const dot = /^([A-Za-z_]\w*)\.([A-Za-z_]\w*)$/.exec(text);
  const whole = dot === null ? null : grammar.suggest(text);
  if (whole !== null) return whole;
  const method = dot === null ? null : grammar.suggest(dot[2]!);
  return dot !== null && method !== null && grammar.isMethod(method) ? `${dot[1]}.${method}` : null;
}
