import fc from 'fast-check';
import { COMMANDS } from '../../src/commands/table.js';
import type { ArgKind, CommandDef } from '../../src/spec/command.js';

/**
 * Lines for a live session: every command of the table with arguments drawn per kind from good and
 * bad values, on names that exist and names that don't, with targets, `&`, blocks, and token-level
 * mutations (drop, swap, duplicate, insert). Hosts are loopback literals, `localhost` and
 * `no..such.host`; the loopback guard catches whatever else a mutation moves into a host's place.
 *
 * The fixture (see session-fuzz.test.ts) keeps live sockets under capital names: U (UDP server),
 * T (TCP listener), U6 (UDP on ::1), their addresses UA, TA, U6A, and ports of echo peers EP, ETP,
 * and of a closed port CP.
 */
const POOL: Record<ArgKind, readonly string[]> = {
  data: ['hello', '"\\x1b[2J\\x07\\x08\\x00"', '"\\xff\\xfe\\r\\n"', "''", '$m', '$d', '$x', '"a b"', '$UA'],
  host: ['127.0.0.1', '::1', 'localhost', 'no..such.host', '$x', '127.0.0.1'],
  port: ['$EP', '$ETP', '$CP', '$UA[1]', '$TA[1]', '0', '-1', '70000', 'abc', '12x', '1.5', "''", '$n'],
  address: ['$UA', '$TA', '$U6A', '$a', '$addr', '$x', '$UA[1]'],
  bufsize: ['2048', '1', '0', '-1', '99999999999', 'abc', '$n', '65536'],
  backlog: ['1', '0', '-1', 'abc', '5'],
  seconds: ['0', '0.01', 'none', '-1', 'abc', '1e400', '0.005'],
  timeout: ['0', '2', 'none', '-1', 'abc'],
  percent: ['0', '30', '100', '12.5', '101', '-1', 'abc'],
  millis: ['0', '5', '600001', '-1', 'abc'],
  count: ['0', '1', '3', '-1', 'abc', 'true'],
  status: ['0', '1', '300', 'abc'],
  value: ['hello', 'HELLO', '1', '0', 'none', 'true', '$m', '$x', '$UA', '$s', '$_', "''", '"\\x1b]0;pwned\\x07"', '$nope', '=='],
  socket: ['U', 'T', 's', 't', 'c', 'nosuch', '$s', '$c', 'U6'],
  file: ['/nonexistent/x.sock', '$FIX', '$x'],
  option: ['SO_REUSEADDR', 'SO_BROADCAST', 'SO_RCVBUF', 'TCP_NODELAY', 'SO_KEEPALIVE', 'BOGUS'],
  how: ['rd', 'wr', 'rdwr', 'sideways'],
  choice: ['on', 'off', 'text', 'hex', 'udp', 'stop', 'ECONNREFUSED', 'bogus'],
  switch: ['on', 'off', 'true', 'False', 'maybe'],
  job: ['%1', '%2', '%x', '1'],
  command: ['recv', 'nosuch', 'while', 's.recv'],
};

const TARGETS = ['s', 't', 'c', 'x', 'd', 'm', 'a', 'n', 'conn', 'addr'];
const RECEIVERS = ['U', 'T', 'U6', 's', 't', 'c', 'conn', 'nosuch', 'x'];
const GARBAGE = ['&', '=', '==', '-6', '-x', '--raw', '"', "'", '$', '${', '#', '\\x', 'end', 'else', ',', '%1', '$UA[9]', '$m[0]'];
/** Issue 13's words: indexes and slices, (command) words, struct formats, condition words, HOST:PORT. */
const NEW_WORDS = [
  '$m[0][1:]',
  '$UA[-1]',
  '$m[::-1]',
  '(len $m)',
  '(pack >H 1)',
  '(recv 1)',
  '>HH',
  'elif',
  'not',
  'and',
  'startswith',
  '127.0.0.1:9',
  '--drop',
];

/** Commands that would make the barrage slow or leave the loopback fixture: rarer, or not at all. */
const WEIGHT: Readonly<Record<string, number>> = {
  sleep: 1,
  input: 2,
  run: 2,
  wait: 2,
  kill: 2,
  exit: 1,
  help: 2,
  sockets: 2,
  jobs: 1,
  diagram: 1,
  export: 1,
};

const commands = COMMANDS.flatMap((c) => Array.from({ length: WEIGHT[c.name] ?? 6 }, () => c));

function argsFor(def: CommandDef): fc.Arbitrary<string[]> {
  const forms = def.forms.map((form) =>
    fc.tuple(
      ...form.map((spec) =>
        spec.rest
          ? fc.array(fc.constantFrom(...POOL[spec.kind]), { maxLength: 3 }).map((a) => a.join(' '))
          : fc.constantFrom(...POOL[spec.kind]),
      ),
    ),
  );
  return forms.length === 0 ? fc.constant([]) : fc.oneof(...forms).map((a) => a.filter((w) => w !== ''));
}

/** null `none` times in `none + some`, else a value. */
function sometimes<T>(none: number, some: number, arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> {
  return fc.oneof({ weight: none, arbitrary: fc.constant(null) }, { weight: some, arbitrary: arb });
}

const command: fc.Arbitrary<string> = fc
  .constantFrom(...commands)
  .chain((def) =>
    fc.record({
      def: fc.constant(def),
      args: argsFor(def),
      receiver: def.method ? sometimes(1, 1, fc.constantFrom(...RECEIVERS)) : fc.constant(null),
      targets: sometimes(2, 1, fc.constantFrom(...TARGETS, 'a, b', 'm, addr')),
      flag: sometimes(12, 1, fc.constantFrom('-6', '-x')),
    }),
  )
  .chain((r) =>
    fc.integer({ min: 0, max: 29 }).map((roll) => {
      const head = r.receiver ? `${r.receiver}.${r.def.name}` : r.def.name;
      const words = [head, ...r.args, ...(r.flag ? [r.flag] : [])];
      const line = words.join(' ');
      if (roll === 0 && r.def.name !== 'sleep') return `${line} &`;
      return r.targets ? `${r.targets} = ${line}` : line;
    }),
  );

const assignment = fc
  .tuple(fc.constantFrom(...TARGETS), fc.constantFrom(...POOL.value, ...POOL.port, ...POOL.address))
  .map(([t, v]) => `${t} = ${v}`);

type Mutation = readonly [op: 'drop' | 'swap' | 'dup' | 'insert', at: number, word: string];
const mutation: fc.Arbitrary<Mutation> = fc.tuple(
  fc.constantFrom('drop', 'swap', 'dup', 'insert'),
  fc.nat(),
  fc.constantFrom(...GARBAGE, ...NEW_WORDS, ...POOL.value, ...POOL.port),
);

function mutate(line: string, [op, at, word]: Mutation): string {
  const words = line.split(' ');
  const i = at % words.length;
  switch (op) {
    case 'drop':
      words.splice(i, 1);
      break;
    case 'swap':
      if (i + 1 < words.length) [words[i], words[i + 1]] = [words[i + 1]!, words[i]!];
      break;
    case 'dup':
      words.splice(i, 0, words[i]!);
      break;
    case 'insert':
      words.splice(i, 0, word);
      break;
  }
  return words.join(' ');
}

const simple = fc.oneof({ weight: 8, arbitrary: command }, { weight: 2, arbitrary: assignment });

const mutated = fc.tuple(simple, fc.array(mutation, { minLength: 1, maxLength: 2 })).map(([line, ms]) => ms.reduce(mutate, line));

/** A bounded block: repeat with a small count, an if, or a while that ends (or gets Ctrl-C). */
const block = fc
  .tuple(
    fc.constantFrom('repeat 3', 'repeat $n', 'if $m == hello', 'if $x', 'if $n > 1', 'repeat 2', 'while $n < 3', 'while true'),
    fc.array(fc.oneof(simple, fc.constantFrom('break', 'continue')), { minLength: 1, maxLength: 3 }),
    fc.constantFrom(['end'], ['else', 'print other', 'end'], ['end']),
  )
  .map(([head, body, tail]) => [head, ...body, ...tail]);

/** Conversations that work when typed as they are: the barrage mutates them into ones that don't. */
const SCENARIOS: readonly (readonly string[])[] = [
  [
    's = udp.socket',
    's.sendto hello $UA',
    'm, addr = U.recvfrom 2048',
    'U.sendto $m $addr',
    'm, addr = s.recvfrom 2048',
    'expect $m == hello',
  ],
  ['c = udp.socket', 'c.connect 127.0.0.1 $EP', 'c.send "\\x1b[2Jhi"', 'd = c.recv 2048', 'print $d', 'sockets'],
  [
    't = tcp.connect 127.0.0.1 $TA[1]',
    'conn, addr = T.accept',
    't.send hello',
    'd = conn.recv 100',
    'conn.sendall $d',
    'm = t.recv 100',
    't.shutdown wr',
    'conn.recv 10',
    'conn.close',
    't.recv 10',
    't.close',
  ],
  ['t = tcp.connect localhost $ETP', 't.sendall "\\x00\\xff\\x07"', 'd = t.recv 3', '$d', 't.close', 't.recv 1'],
  ['c = tcp.connect 127.0.0.1 $CP', 'c = udp.socket', 'c.connect 127.0.0.1 $CP', 'c.send x', 'c.recv 10', 'c.recv 10'],
  ['x = udp.bind -6 ::1 0', 'addr = x.getsockname', 'x.sendto six $addr', 'm, a = x.recvfrom 10', 'x.settimeout 0', 'x.recvfrom 10'],
];

const scenario = fc
  .constantFrom(...SCENARIOS)
  .chain((lines) =>
    fc
      .array(sometimes(5, 1, fc.array(mutation, { minLength: 1, maxLength: 2 })), { minLength: lines.length, maxLength: lines.length })
      .map((ms) => lines.map((line, i) => (ms[i] ? ms[i].reduce(mutate, line) : line))),
  );

/** One entry of the barrage: the lines typed for it (several for a block or a conversation). */
export const sessionEntry: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 12, arbitrary: simple.map((l) => [l]) },
  { weight: 5, arbitrary: mutated.map((l) => [l]) },
  { weight: 2, arbitrary: scenario },
  { weight: 1, arbitrary: block },
);
