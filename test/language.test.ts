import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreDriver, withoutReceiveNotes } from './helpers/core-driver.js';

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
  // The notes the prompt adds about waiting and what arrived (issue 12) are not the value.
  return withoutReceiveNotes(ran.out).replace(/\n$/, '');
}

/**
 * The one error, as `col message`: the caret's column under the line (a block's failing line is shown
 * above its caret, without the prompt).
 */
async function errorOf(line: string): Promise<string> {
  const ran = await shell.run(line);
  const errors = ran.lines.filter((l) => l.channel === 'err');
  const carets = errors.map((l) => /^(\s*)(\^+) (.*)$/.exec(l.text)).filter((m) => m !== null);
  expect(carets, `${line} → ${ran.out}${ran.err}`).toHaveLength(1);
  const [, indent, , message] = carets[0]!;
  const shown = errors.length === 1 ? 'sockshell u> '.length : 2; // under the prompt's line, or under the failing line shown indented
  return `${indent!.length - shown + 1} ${message}`;
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

describe('conditions: not, and, or, elif, startswith, endswith, in, matches', () => {
  /** yes or no, as the condition holds. */
  const holds = async (cond: string) => outOf(`if ${cond}\n  print yes\nelse\n  print no\nend`);
  const cases: [string, 'yes' | 'no'][] = [
    ['not $p', 'no'],
    ["not b''", 'yes'],
    ['not none', 'yes'],
    ['$p == 12000 and $b == HELLO', 'yes'],
    ['$p == 1 or not $p == 1', 'yes'],
    ['$p == 1 and $nosuch', 'no'], // short-circuit: the unknown name is never read
    ['$p == 12000 or $nosuch', 'yes'],
    ['not $p == 1 and $p > 100', 'yes'],
    ['$b startswith HE', 'yes'],
    ['$b startswith b"HEL"', 'yes'],
    ['$b endswith LO', 'yes'],
    ['$b endswith x"00"', 'no'],
    ['$t startswith hé', 'yes'],
    ['ELL in $b', 'yes'],
    ['ell in $b', 'no'],
    ['ell not in $b', 'yes'],
    ['llo in $t', 'yes'],
    ['127.0.0.1 in $a', 'yes'],
    ['$a[1] in $a', 'yes'],
    ['x"05" in $m[0]', 'yes'],
    ['$b matches ^H.L+O$', 'yes'],
    ["$b matches '^h'", 'no'],
    ["$m[0] matches '\\x00\\x01'", 'yes'],
    ["$t matches '^h.llo$'", 'yes'],
  ];
  it.each(cases)('%s → %s', async (cond, answer) => {
    expect(await holds(cond)).toBe(answer);
  });

  it('elif picks the first branch that holds', async () => {
    const pick = (n: number) =>
      outOf(`n = ${n}\nif $n == 1\n  print one\nelif $n == 2\n  print two\nelif $n > 2\n  print many\nelse\n  print other\nend`);
    expect([await pick(1), await pick(2), await pick(7), await pick(0)]).toEqual(['one', 'two', 'many', 'other']);
  });

  const errors: [string, string][] = [
    ['if $p startswith 1\nend', "7 'startswith' works on text and bytes; got 12000"],
    ['if 1 in $p\nend', "6 'in' looks in text, bytes or a tuple; got 12000"],
    // A reply code written bare is a number; the error says how to mean its text (developer trial 7).
    ['if $b startswith 220\nend', '7 \'startswith\' works on text and bytes; got 220, a number: quote it to mean the text, "220"'],
    ['if 22 in $b\nend', '7 \'in\' looks for text or bytes in bytes; got 22, a number: quote it to mean the text, "22"'],
    ["if $b matches '(('\nend", '7 not a regular expression: /((/: Unterminated group'],
  ];
  it.each(errors)('%j', async (line, message) => {
    expect(await errorOf(line)).toBe(message);
  });
});

describe('integers from and to bytes (pack, unpack), and a value command inside an argument', () => {
  const cases: [string, string][] = [
    ['unpack >H x"1234"', '4660'],
    ['unpack <H x"1234"', '13330'],
    ['unpack !HH x"12340100"', '(4660, 256)'],
    ['unpack >bB x"ffff"', '(-1, 255)'],
    ['unpack >i x"fffffffe"', '-2'],
    ['unpack >Q x"0000000100000000"', '4294967296'],
    ['unpack >2sxH b"AB\\x00\\x00\\x07"', "(b'AB', 7)"],
    ['unpack >H $m[0][8:]', '2057'],
    ['unpack >d x"3ff8000000000000"', '1.5'],
    ['pack >HH 4660 256', "b'\\x124\\x01\\x00'"],
    ['pack <I 1', "b'\\x01\\x00\\x00\\x00'"],
    ['pack >h -2', "b'\\xff\\xfe'"],
    ['pack >4s hi', "b'hi\\x00\\x00'"],
    ['pack >I (len $b)', "b'\\x00\\x00\\x00\\x05'"],
    ['print (len $b) (upper hi) (unpack >H (pack >H 7))', ''],
    ['n = (len $m[0])\n$n', '10'],
    ['x = (pack >B (len (lower $b)))\n$x', "b'\\x05'"],
  ];
  it.each(cases)('%j', async (line, shown) => {
    if (line.startsWith('print')) {
      expect(await outOf(line)).toBe('5 HI 7');
      return;
    }
    expect(await outOf(line)).toBe(shown);
  });

  it('a length in a condition, and a length prefix read and built', async () => {
    expect(await outOf('if (len $b) == 5 and (unpack >B $m[0][1:2]) == 1\n  print ok\nend')).toBe('ok');
    expect(await outOf('body = "hello"\nframe = (pack >H (len $body))\nframe2 = "$frame$body"\n$frame2')).toBe("b'\\x00\\x05hello'");
  });

  const errors: [string, string][] = [
    ['unpack HH x"12340100"', '8 start the format with its byte order: > (big-endian, network order, as in >HH) or < (little-endian)'],
    ['unpack >Z x"12"', "8 expected a struct format such as >HH (two big-endian 16-bit integers), got '>Z'"],
    ['unpack >H x"123456"', '11 unpack >H needs 2 bytes, got 3; take the 2 you mean with a slice, as in $x[0:2]'],
    ['unpack >H hi', "11 unpack reads bytes, got 'hi'"],
    ['pack >H 70000', "9 'H' format requires 0 <= number <= 65535, got 70000 (Python: struct.error)"],
    ['pack >HH 1', '10 this format packs 2 values, got 1'],
    ['pack >H 1 2', '11 this format packs 1 value, got 2'],
    [
      'print (recv 10)',
      '8 recv cannot stand inside an argument; run it on a line of its own (x = recv ...), then pass $x (inside ( ) go upper, lower, len, int, unpack, pack, which give a value at once)',
    ],
    [
      'print (lenn $b)',
      "8 unknown command 'lenn'; did you mean 'len'? (inside ( ) go upper, lower, len, int, unpack, pack, which give a value at once)",
    ],
    ['print (len)', '11 missing arguments for len: usage: len VALUE'],
    ['print (len $b', '7 expected ) to close (, as in (len $x)'],
    ['print (len $b)x', '15 nothing can follow ) in a word; to join a result with text, assign it first (n = len ...)'],
    [
      'x = (1, 2)',
      "5 expected a command after (, as in (len $x); arguments take no commas or parentheses: write Python's (host, port) as HOST PORT",
    ],
    ['print $(len $b)', "7 a command's result is written (len $x), without $; inside quotes, assign it first (n = len $x) and write $n"],
    [
      'print "n=$(len $b)"',
      "10 a command's result is written (len $x), without $; inside quotes, assign it first (n = len $x) and write $n",
    ],
  ];
  it.each(errors)('%j', async (line, message) => {
    expect(await errorOf(line)).toBe(message);
  });
});

describe('payloads: several words, apostrophes, HOST:PORT', () => {
  it('send, sendall and sendline join several words with single spaces; an apostrophe in a word is a character', async () => {
    await shell.ok('l = tcp.listen 127.0.0.1:0', 'la = l.getsockname', 'c = tcp.connect $la', 'conn, who = l.accept');
    expect(await outOf("c.send it's my  test")).toBe('12');
    await shell.ok("c.sendall don't  stop", 'c.sendline rock\'n\'roll "two  spaces"');
    expect(await outOf('conn.recvexactly 12')).toBe('b"it\'s my test"');
    expect(await outOf('conn.recvexactly 10')).toBe('b"don\'t stop"');
    expect(await outOf('conn.recvline')).toBe('b"rock\'n\'roll two  spaces\\n"');
    await shell.ok('c.close', 'conn.close', 'l.close', 'use u');
  });

  it('HOST:PORT and [IPv6]:PORT stand for HOST PORT', async () => {
    await shell.ok('v = udp.bind 127.0.0.1:0', 'va = v.getsockname', 'vp = $va[1]');
    const port = await outOf('$vp');
    expect(await outOf(`v.sendto hi 127.0.0.1:${port}`)).toBe('2');
    expect(await outOf('v.recv 10')).toBe("b'hi'");
    await shell.ok('w = udp.bind [::1]:0', 'wa = w.getsockname');
    expect(await outOf('$wa[0]')).toBe("'::1'");
    await shell.ok('v.close', 'w.close', 'use u');
  });

  const cases: [string, string][] = [
    ["print it's", "it's"],
    ["print 'it''s'", 'its'],
    ["print O'Brien's", "O'Brien's"],
    ["print 'a b'x", 'a bx'],
  ];
  it.each(cases)('%j', async (line, out) => {
    expect(await outOf(line)).toBe(out);
  });

  it("a quote that opens after anything but a letter still needs its close: z'", async () => {
    expect(await errorOf("print z' y")).toBe("8 unterminated string: add a closing '");
  });
});

describe('input at the end of input is none; write is exact', () => {
  it('input gives none when there is no more input (this driver has none)', async () => {
    expect(await outOf('x = input\n$x')).toBe('None');
    expect(await outOf('while true\n  line = input\n  if $line == none\n    break\n  end\nend\nprint ended')).toBe('ended');
  });

  it('write adds nothing between or after its values', async () => {
    const ran = await shell.run('write a b"\\x00" x"0a" "b"');
    expect(ran.lines.filter((l) => l.channel === 'out').map((l) => l.text)).toEqual(['a\\x00', 'b']);
  });
});

describe('stream reads at the end of the stream, as the shell says it', () => {
  it('a peer that closes part-way: the error says what is left, and recv still gets it', async () => {
    await shell.ok('l = tcp.listen 127.0.0.1 0', 'la = l.getsockname', 'c = tcp.connect $la', 'conn, who = l.accept');
    await shell.ok('conn.sendall "one\\npartial"', 'conn.close', 'use u'); // the prompt errorOf expects
    expect(await outOf('c.recvline')).toBe("b'one\\n'");
    expect(await errorOf('c.recvline')).toBe(
      "3 the peer closed the connection before the end of the line (b'\\n') came; 7 bytes are left, still queued: b'partial' (recv 7 takes them; Python: EOFError)",
    );
    expect(await errorOf('c.recvexactly 8')).toBe(
      "3 the peer closed the connection before all 8 bytes came; 7 bytes are left, still queued: b'partial' (recv 7 takes them; Python: EOFError)",
    );
    expect(await outOf('c.recv 100')).toBe("b'partial'");
    expect(await outOf('c.recvline')).toBe("b''");
    expect(await outOf('c.peek 10')).toBe("b''");
    await shell.ok('c.close', 'l.close', 'use u');
  });

  it('a UDP socket is told to use recvfrom', async () => {
    expect(await errorOf('u.recvline')).toBe(
      '3 EOPNOTSUPP: u is a UDP socket; recvline reads a TCP byte stream — recvfrom takes one whole datagram (OSError)',
    );
  });
});
