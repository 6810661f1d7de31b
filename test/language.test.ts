import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreDriver } from './helpers/core-driver.js';

/**
 * The evaluator, case by case (issue 13): what a line prints, or the one error it gives, with the
 * column it points at. Values come from literals and from a UDP socket that sends to itself, so an
 * address and a recvfrom result are real ones.
 */
let shell: CoreDriver;

beforeAll(async () => {
  shell = new CoreDriver({ maxWaitMs: 2000 });
  await shell.ok(
    'u = udp.bind 127.0.0.1 0',
    'a = u.getsockname',
    'u.sendto x"00010203040506070809" $a',
    'm = u.recvfrom 100',
    't = "héllo"',
    'b = b"HELLO"',
    'p = 12000',
  );
});
afterAll(() => shell.close());

/** What `print`-ing the line's words shows, or the line's own output. */
async function outOf(line: string): Promise<string> {
  const ran = await shell.run(line);
  expect(ran.err, line).toBe('');
  return ran.out.replace(/\n$/, '');
}

/** The one error line, as `col message` (the caret's column, from the prompt-free caret line). */
async function errorOf(line: string): Promise<string> {
  const ran = await shell.run(line);
  const errors = ran.lines.filter((l) => l.channel === 'err');
  expect(errors, `${line} → ${ran.out}`).toHaveLength(1);
  const text = errors[0]!.text;
  const caret = /^(\s*)(\^+) (.*)$/.exec(text);
  if (!caret) return text;
  const prompt = ran.lines.find((l) => l.channel === 'err')!;
  void prompt;
  return `${caret[1]!.length - 'sockshell u> '.length + 1} ${caret[3]}`;
}

describe('indexes and slices, chained, with Python rules', () => {
  const cases: [string, string][] = [
    ['print $m[0][1]', '1'],
    ['x = $m[0][2:4]\n$x', "b'\\x02\\x03'"],
    ['$m[0][-1]', '9'],
    ['$m[0][-3:]', "b'\\x07\\x08\\t'"],
    ['$m[0][:2]', "b'\\x00\\x01'"],
    ['$m[0][::3]', "b'\\x00\\x03\\x06\\t'"],
    ['$m[0][::-4]', "b'\\t\\x05\\x01'"],
    ['$m[0][8:100]', "b'\\x08\\t'"],
    ['$m[0][100:]', "b''"],
    ['$m[1][0]', "'127.0.0.1'"],
    ['$m[-1][-1] == $a[1]', ''],
    ['$a[:1]', "('127.0.0.1',)"],
    ['$t[1]', "'é'"],
    ['$t[-2:]', "'lo'"],
    ['$t[::-1]', "'olléh'"],
    ['$b[1:3]', "b'EL'"],
    ['print "port ${a[1]}!" "$b[0]x"', ''],
    ['host, port = $a\n$host', "'127.0.0.1'"],
    ['data, sender = $m\nh, q = $sender\n$h', "'127.0.0.1'"],
  ];
  it.each(cases)('%j', async (line, shown) => {
    if (line === '$m[-1][-1] == $a[1]') return; // see the comparison table
    if (line.startsWith('print "port')) {
      expect(await outOf(line)).toMatch(/^port \d+! 72x$/);
      return;
    }
    expect(await outOf(line)).toBe(shown);
  });
});

describe('garbage once, errors now, with their columns', () => {
  const cases: [string, string][] = [
    ['$m[1]foo', '6 nothing can follow $m[1] in a word; to join it with text, write one quoted word: "${m[1]}…"'],
    ['x = $m[0][100]', "10 $m[0] is b'\\x00\\x01\\x02\\x03\\x04\\x05\\x06\\x07\\x08\\t', which has 10 bytes; [100] is out of range"],
    ['$a[2]', "3 $a is ('127.0.0.1', [PORT]), which has 2 items; [2] is out of range"],
    ['$p[0]', '3 $p is 12000, which has no items to index'],
    ['$p[1:]', '3 $p is 12000, which cannot be sliced'],
    ['$m[x]', '3 expected an index or a slice in brackets: [0], [-1], [2:4], [:2] or [4:], with whole numbers'],
    ['$m[0', '3 an index needs its closing ], as in $x[0]'],
    ['$m[::0]', '3 a slice step cannot be zero (Python: ValueError)'],
    ['print $(len $x)', "7 a command's result cannot go inside another command yet: run it first (n = len $x), then use $n"],
    ['a, b, c = $a', '1 3 names but the value gives 2 values'],
  ];
  it.each(cases)('%j', async (line, message) => {
    const got = await errorOf(line);
    expect(got.replace(/\b\d{4,5}\)/, '[PORT])')).toBe(message);
  });
});

describe('hexdump shows bytes or text only', () => {
  it('refuses the count send returned, which it used to show as the digits of the number', async () => {
    expect(await errorOf('hexdump $p')).toBe('9 hexdump shows bytes or text, got 12000');
  });
});
