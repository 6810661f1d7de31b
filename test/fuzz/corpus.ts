import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';

/**
 * Lines to mutate: every line of the textbook scripts and every command typed in the transcripts,
 * plus hand-written lines for the corners of the grammar. Mutating real lines reaches deep into the
 * parser; random strings and token soup reach the lexer's edges.
 */
const root = new URL('../../', import.meta.url);

function scriptLines(): string[] {
  const dir = new URL('scripts/', root);
  return readdirSync(dir).flatMap((f) => readFileSync(new URL(f, dir), 'utf8').split('\n'));
}

function typedLines(): string[] {
  const dir = new URL('test/transcripts/', root);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sockt'))
    .flatMap((f) => readFileSync(new URL(f, dir), 'utf8').split('\n'))
    .map((l) => /^ {2}(?:sockshell[^>]*> |\.\.\. )(.*)$/.exec(l)?.[1])
    .filter((l): l is string => l !== undefined);
}

const HAND = [
  'print "x=$x y=${y}!" \'lit $x\' pre$x$y[1] "\\x41\\xff\\n\\t\\\\\\"\\$"',
  'a, b = s.recvfrom 2048',
  'while $n < 5',
  'if $a == HELLO',
  'else',
  'end',
  'repeat 3',
  'break',
  'continue',
  'run scripts/UDPServer.sock serverPort=12001 &',
  'udp.socket -6',
  'tcp.listen ::1 0 5',
  'expect $reply != HELLO',
  "serverSocket.bind '' $serverPort",
  'settimeout none',
  'setsockopt SO_REUSEADDR 1',
  'kill %1',
  'x = ${addr[0]}',
  // Issue 13's grammar: chained indexes and slices, (command) words, conditions, stream reads, struct.
  'x = $m[0][2:4]',
  'send $m[-1] $m[::-1] ${m[0][1:]}',
  'n = (len $x)',
  'send (pack >HH 1 (len (upper $x)))',
  'a, b = unpack >HH $r[0:4]',
  'if not $d and $x == 1 or $y startswith +OK',
  "elif $r matches '^HTTP/1\\.[01] 200' and QUIT not in $line",
  'while $a endswith "\\r\\n" or 5 in $t',
  'line = s.recvline --drop',
  'head = recvuntil "\\r\\n\\r\\n" --drop',
  'body = recvexactly (int $head[1:])',
  'first = peek 1',
  "sendline it's ok",
  'tcp.connect [::1]:8080',
  'write $chunk b"\\x00"',
];

export const CORPUS: readonly string[] = [...new Set([...scriptLines(), ...typedLines(), ...HAND])].filter((l) => l.trim() !== '');

/** Characters that mean something to the lexer or parser. */
const SPECIAL = [...'\'"$\\{}[]()#=&,.:-% \t\r0123456789x', '\x00', '\x1b', '\u202e', '\ud800', '\n'];

const WORDS = [
  ...['udp.socket', 'tcp.socket', 'bind', 'listen', 'accept', 'connect', 'send', 'sendall', 'sendto', 'recv', 'recvfrom'],
  ...['close', 'shutdown', 'settimeout', 'setsockopt', 'getsockname', 'getpeername', 'udp.bind', 'tcp.listen', 'tcp.connect'],
  ...['print', 'input', 'upper', 'lower', 'len', 'sleep', 'expect', 'use', 'sockets', 'help', 'run', 'jobs', 'kill', 'wait', 'exit'],
  ...['while', 'repeat', 'if', 'else', 'end', 'break', 'continue', '=', '==', '!=', '<', '>=', '&', ',', 'a,b', 'a,', ',b'],
  ...['$x', '${x}', '$x[1]', '${x[0]}', '${x', '$', '$1', "''", '""', '"\\x80"', '"\\q"', '"\\x4"', '"$x"', '-6', '--x', '-', '--'],
  ...['#', 's.recv', 's.', '.recv', 's.print', 'x=5', '12000', '-1', '70000', '1e3', '1.5', 'none', 'true', '%1', '%x', 'rd'],
  ...['elif', 'not', 'and', 'or', 'in', 'startswith', 'endswith', 'matches', '(len', '$x)', '(len $x)', '(', ')', '$x[-1]'],
  ...['$x[1:2]', '$x[::-1]', '$x[0][1]', '$x[', '$x[a]', '${x[1:]}', 'recvline', 'recvuntil', 'recvexactly', 'peek', 'sendline'],
  ...['pack', 'unpack', '>HH', '<I', 'int', 'write', '127.0.0.1:80', '[::1]:80', "it's", '--drop', '&&', '!$x', 'is'],
  ...['SO_REUSEADDR', '--__proto__', '--constructor', '-__proto__', '--6', '-66', '\\', "'", '"', 'no..such.host', '::1'],
];

const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n)); // lone surrogates too

/** Random text: any code points, any UTF-16 code units, or only printable ASCII. */
export const randomLine = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: codeUnit, maxLength: 40 }),
  fc.string({ unit: 'grapheme-ascii', maxLength: 60 }),
);

/** Words of the language in random order, now and then glued together without a space. */
export const tokenSoup = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...WORDS), fc.string({ maxLength: 4 })), fc.constantFrom(' ', ' ', ' ', '', '\t')), {
    maxLength: 10,
  })
  .map((parts) => parts.map(([w, sep]) => w + sep).join(''));

type Edit = readonly [at: number, op: 'insert' | 'delete' | 'replace' | 'repeat' | 'cut', text: string];

const edit: fc.Arbitrary<Edit> = fc.tuple(
  fc.nat(),
  fc.constantFrom('insert', 'delete', 'replace', 'repeat', 'cut'),
  fc.oneof(fc.constantFrom(...SPECIAL), fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }), fc.constantFrom(...WORDS)),
);

function apply(line: string, [at, op, text]: Edit): string {
  const i = line.length === 0 ? 0 : at % (line.length + 1);
  switch (op) {
    case 'insert':
      return line.slice(0, i) + text + line.slice(i);
    case 'delete':
      return line.slice(0, i) + line.slice(i + 1 + (at % 3));
    case 'replace':
      return line.slice(0, i) + text + line.slice(i + text.length);
    case 'repeat':
      return line.slice(0, i) + line.slice(i, i + 8).repeat(1 + (at % 4)) + line.slice(i);
    case 'cut':
      return line.slice(0, i);
  }
}

/** A line of the corpus with one to four edits. */
export const mutatedLine = fc
  .tuple(fc.constantFrom(...CORPUS), fc.array(edit, { minLength: 1, maxLength: 4 }))
  .map(([line, edits]) => edits.reduce(apply, line));

/** Any one line: a third random, a third token soup, a third mutated. */
export const anyLine = fc.oneof(randomLine, tokenSoup, mutatedLine);
