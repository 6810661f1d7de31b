import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipedSession } from './helpers/piped.js';
import { CoreDriver, withoutReceiveNotes } from './helpers/core-driver.js';

/**
 * Every bad argument gets one clear line that points at it, and the shell goes on. Each case is the
 * line typed and the error line the shell shows under it (the caret sits under the column; the
 * prompt `sockshell s> ` is 13 columns wide, `sockshell> ` 11).
 */
let shell: CoreDriver;

beforeAll(async () => {
  shell = new CoreDriver({ maxWaitMs: 2000 });
  await shell.ok(
    't = tcp.socket',
    'l = tcp.listen 127.0.0.1 0',
    'u = udp.socket',
    'gone = udp.socket',
    'gone.close',
    'use u',
    'big = 99999',
  );
});
afterAll(() => shell.close());

/** The error line for line, with the caret's indentation removed (it depends on the prompt). */
async function errorOf(line: string): Promise<string> {
  const ran = await shell.run(line);
  const errors = ran.lines.filter((l) => l.channel === 'err');
  expect(errors, `${line} → ${ran.err}`).toHaveLength(1);
  return errors[0]!.text.trimStart();
}

const CASES: [line: string, shown: string][] = [
  // Ports outside 0–65535 or not numbers.
  ["bind '' 70000", '^^^^^ expected a port number from 0 to 65535, got 70000'],
  ["bind '' -1", '^^ expected a port number from 0 to 65535, got -1'],
  ["bind '' abc", "^^^ expected a port number from 0 to 65535, got 'abc'"],
  ["bind '' 12x", "^^^ expected a port number from 0 to 65535, got '12x'"],
  ["bind '' 1.5", '^^^ expected a port number from 0 to 65535, got 1.5'],
  // A number that reads differently as a value is shown as typed first (user trial: "got 100.0" for 1e2).
  ["bind '' 1e3", '^^^ expected a port number from 0 to 65535, got 1e3 (the float 1000.0)'],
  ["bind '' ''", "^^ expected a port number from 0 to 65535, got '' (empty)"],
  ['sendto hi 127.0.0.1 0', '^^^^^^ EINVAL: port 0 cannot be a destination — send to the port the server is bound to (OSError)'],
  // Host names that do not resolve (an empty label fails inside the resolver: no query leaves the host).
  [
    'sendto hi no..such.host 9',
    "^^^^^^ ENOTFOUND: the host name 'no..such.host' does not resolve to an IPv4 address — check the spelling or use an IP address (socket.gaierror)",
  ],
  [
    'sendto hi ::1 9',
    "^^^^^^ EAI_FAMILY: '::1' is not an IPv4 address but u is an IPv4 socket — use an IPv4 address or create a socket of the other family (socket.gaierror)",
  ],
  // BUFSIZE negative or huge (0 is allowed, as in Python).
  ['recvfrom -5', '^^ expected a buffer size from 0 to 16777216 bytes, as in recv 2048, got -5'],
  ['recvfrom 99999999999', '^^^^^^^^^^^ expected a buffer size from 0 to 16777216 bytes, as in recv 2048, got 99999999999'],
  ['recvfrom 2k', "^^ expected a buffer size from 0 to 16777216 bytes, as in recv 2048, got '2k'"],
  // Unknown options.
  ['udp.socket -x', '^^ unknown option -x for udp.socket (it takes -6)'],
  ['udp.socket --six', '^^^^^ unknown option --six for udp.socket (it takes -6)'],
  ['recv -x 10', '^^ unknown option -x for recv (it takes no options)'],
  // Unterminated strings; a bad escape shows what was typed, escaped, on one line.
  ['print "abc', '^^^^ unterminated string: add a closing "'],
  ["print 'abc", "^^^^ unterminated string: add a closing '"],
  ['print "\\\rq"', '^^ unknown escape \\\\r: use \\n \\r \\t \\\\ \\" \\$ or \\xHH'],
  // Calls on closed or wrong-type sockets.
  ['gone.recvfrom 10', "^^^^^^^^ EBADF: socket 'gone' is closed (OSError)"],
  [
    't.sendto hi 127.0.0.1 9',
    '^^^^^^ EPIPE: t is TCP and not connected: sendto is for UDP; TCP sends on a connection: connect, then send (BrokenPipeError)',
  ],
  ['t.send hi', '^^^^ EPIPE: t is not connected — connect first (or use sendto for UDP) (BrokenPipeError)'],
  [
    't.send hi there localhost 12000',
    '^^^^^^^^^ TCP\'s send takes no address: the connection already has its destination (connect made it); UDP\'s sendto takes one: sendto DATA HOST PORT; to send the words as text, quote them: send "hi there localhost 12000"',
  ],
  ['t.accept', '^^^^^^ EINVAL: t is not listening — a TCP server calls bind, then listen, then accept (OSError)'],
  ['l.recv 10', '^^^^ ENOTCONN: l is a listening (welcoming) socket: accept a connection and recv on the socket accept returns (OSError)'],
  ['u.accept', '^^^^^^ EOPNOTSUPP: UDP is connectionless: there is nothing to accept; use recvfrom (OSError)'],
  [
    't.listen 99999999999',
    '^^^^^^^^^^^ expected a backlog up to 2147483647, as in listen 1 (Python raises OverflowError past a C int), got 99999999999',
  ],
  ['u.listen', '^^^^^^ EOPNOTSUPP: UDP is connectionless: there is nothing to listen for; bind, then recvfrom (OSError)'],
  [
    'u.shutdown wr',
    '^^^^^^^^ ENOTCONN: UDP socket u is not connected, so Linux refuses shutdown (on UDP it acts on a socket connect gave a peer, and sends nothing) — yet marks it shut all the same: its sends now raise BrokenPipeError; to stop using a socket, close it (OSError)',
  ],
  ['nosuch.recv 10', "^^^^^^ no socket named 'nosuch' (open: t, l, u)"],
  // expect with bad operands.
  ['expect', '^ missing arguments for expect: usage: expect A OP B | expect VALUE'],
  ['expect 1 2 3', '^ expected an operator: ==, !=, <, <=, >, >=, startswith, endswith, in or matches'],
  ['expect a < b', "^ '<' compares numbers; got 'a'"],
  ['expect 1 == 2 == 3', '^^ too many arguments for expect: usage: expect A OP B | expect VALUE'],
  ['expect $nope == 1', '^^^^^ $nope is not set: no line has assigned it yet (nope = VALUE, or nope = a call such as s.recv 1024)'],
  // Other commands' arguments.
  ['settimeout -1', '^^ expected seconds (0 or more) or none, got -1'],
  ['shutdown sideways', "^^^^^^^^ expected which side to shut down (rd, wr, rdwr), got 'sideways'"],
  [
    'setsockopt SO_BOGUS 1',
    "^^^^^^^^ expected a socket option (SO_REUSEADDR, SO_BROADCAST, SO_KEEPALIVE, TCP_NODELAY, SO_RCVBUF, SO_SNDBUF, SO_LINGER, IP_MULTICAST_TTL, IP_MULTICAST_LOOP, IP_MULTICAST_IF, IP_ADD_MEMBERSHIP, IP_DROP_MEMBERSHIP, IPV6_MULTICAST_HOPS, IPV6_MULTICAST_LOOP, IPV6_MULTICAST_IF, IPV6_JOIN_GROUP, IPV6_LEAVE_GROUP), got 'SO_BOGUS'",
  ],
  ['exit abc', "^^^ expected an exit status from 0 to 255, got 'abc'"],
  ['run', '^ missing arguments for run: usage: run FILE [NAME=VALUE ...]'],
  ['run "\\x1b[2J.sock"', "^^^ can't read '\\x1b[2J.sock' (ENOENT)"],
  ['kill %x', "^^ expected a job number such as %1 (see jobs), got '%x'"],
  // The textbook's Python typed as is: each error writes the line the sockshell way.
  ['u.recvfrom(2048)', '^^^^^^^^^^^^^^^^ sockshell calls take no parentheses or commas: write u.recvfrom 2048'],
  ['m, a = u.recvfrom(2048)', '^^^^^^^^^^^^^^^^ sockshell calls take no parentheses or commas: write m, a = u.recvfrom 2048'],
  [
    'u.sendto(b"hi", ("127.0.0.1", 12000))',
    '^^^^^^^^^^^^^^^ sockshell calls take no parentheses or commas: write u.sendto b"hi" 127.0.0.1 12000',
  ],
  // IPv6's 4-tuple (host, port, flowinfo, scope_id): the interface after the host's %, as sockshell takes it.
  [
    "u.sendto(b'hi', ('fe80::3', 7000, 0, 1))",
    "^^^^^^^^^^^^^^^ sockshell calls take no parentheses or commas: write u.sendto b'hi' fe80::3%1 7000",
  ],
  [
    'u.sendto(message.encode(), (serverName, serverPort))',
    '^^^^^^^^^^^^^^^^^^^^^^^^^^ sockshell calls take no parentheses or commas: write u.sendto $message $serverName $serverPort',
  ],
  ['c = socket(AF_INET, SOCK_STREAM)', '^^^^^^^^^^^^^^^ sockshell makes a socket with tcp.socket: write c = tcp.socket, with -6 for IPv6'],
  ['c = socket(AF_INET6, SOCK_DGRAM)', '^^^^^^^^^^^^^^^^ sockshell makes a socket with udp.socket -6: write c = udp.socket -6'],
  [
    'c.sendto(b"x" * 3, addr)',
    '^^^^^^^^^^^^^ sockshell calls take no parentheses or commas: write c.sendto ARG ARG (help sendto shows its arguments)',
  ],
  ['print(m)', '^^^^^^^^ sockshell calls take no parentheses or commas: write print $m'],
  [
    'u.sendto hi ("127.0.0.1", 12000)',
    "^^^^^^^^^^^^^^^^^^^^ expected a command after (, as in (len $x); arguments take no commas or parentheses: write Python's (host, port) as HOST PORT",
  ],
  [
    'u.sendto hi 127.0.0.1, 12000',
    "^^^^^^^^^^ expected a host name or address, got '127.0.0.1,': separate arguments with spaces, without commas or parentheses (HOST PORT)",
  ],
  // Words in the wrong order: the order, and that they look swapped; '' is bind's hint, not sendto's (user trial).
  [
    'u.sendto localhost 21421 hello',
    '^^^^^ expected a host name or address (sendto DATA HOST PORT), got 21421: a number where HOST goes; are the words swapped?',
  ],
  ['u.connect 12000 localhost', '^^^^^ expected a host name or address, got 12000: a number where HOST goes; are the words swapped?'],
  ['u.sendto hi 127.0.0.1 (12000)', '^^^^^^^ expected a command after (, as in (len $x); to write text with parentheses, quote it'],
  // (len $x) is a value command's result; a call that waits cannot stand there (issue 13).
  [
    'u.sendto (recv 10) 127.0.0.1 9',
    '^^^^ recv cannot stand inside an argument; run it on a line of its own (x = recv ...), then pass $x (inside ( ) go upper, lower, len, int, unpack, pack, which give a value at once)',
  ],
  ['close u', '^ too many arguments for close: usage: close; if u is a socket, call it on that socket: u.close'],
  [
    'recvfrom u 2048',
    '^^^^ too many arguments for recvfrom: usage: recvfrom BUFSIZE; if u is a socket, call it on that socket: u.recvfrom 2048',
  ],
  ['help(recv)', '^^^^^^^^^^ sockshell calls take no parentheses or commas: write help recv'],
  ['explain(ECONNREFUSED)', '^^^^^^^^^^^^^^^^^^^^^ sockshell calls take no parentheses or commas: write explain ECONNREFUSED'],
  [
    'u.sendto (upper hi) 9',
    '^ expected HOST PORT, or one address as recvfrom, accept and getsockname return, got 9: the HOST is missing (localhost 9 for this host, or localhost:9)',
  ],
  // The host forgotten (newuser trial 3): the error says which word is missing, as for the port.
  [
    'u.sendto hello 12000',
    '^^^^^ expected HOST PORT, or one address as recvfrom, accept and getsockname return, got 12000: the HOST is missing (localhost 12000 for this host, or localhost:12000)',
  ],
  [
    't.connect 12000',
    '^^^^^ expected HOST PORT, or one address as recvfrom, accept and getsockname return, got 12000: the HOST is missing (localhost 12000 for this host, or localhost:12000)',
  ],
  [
    'u.bind 12000',
    "^ missing arguments for bind: usage: bind HOST PORT; the HOST is missing: bind '' 12000 binds every interface, as Python's bind(('', 12000)) (udp.bind 12000 or tcp.listen 12000 makes the socket and binds it in one)",
  ],
  // The port forgotten, or named (developer trial 7): the error says which.
  [
    'tcp.connect 127.0.0.1',
    "^^^^^^^^^ expected HOST PORT, or one address as recvfrom, accept and getsockname return, got '127.0.0.1': the PORT is missing (127.0.0.1 12000, or 127.0.0.1:12000)",
  ],
  [
    'tcp.connect localhost:http',
    "^^^^^^^^^^^^^^ expected HOST PORT, or one address as recvfrom, accept and getsockname return, got 'localhost:http': a port is a number, as in Python (localhost:80)",
  ],
  // Overloaded forms (tcp.listen PORT BACKLOG or HOST PORT): the error is the one from the form that got furthest.
  ['tcp.listen localhost 99999', '^^^^^ expected a port number from 0 to 65535, got 99999'],
  ['tcp.listen 12000 abc', "^^^ expected a backlog up to 2147483647, as in listen 1 (Python raises OverflowError past a C int), got 'abc'"],
  ['tcp.listen localhost $big', '^^^^ expected a port number from 0 to 65535, got 99999'],
  ['trace maybe', "^^^^^ expected on or off, got 'maybe'"],
  ['display pink', "^^^^ expected one of (text, hex), got 'pink'"],
  ['m, a = hello', '^^^^^ 2 names need 2 values: a command that returns them, or a $name that holds them'],
];

describe('every bad argument gets one clear line with a caret, and the shell goes on', () => {
  it.each(CASES)('%j', async (line, shown) => {
    expect(await errorOf(line)).toBe(shown);
  });

  it('leaves alone lines that only look like Python or nesting, and are valid sockshell', async () => {
    const out = await shell.ok(
      'x = "u.recv(10)"',
      'y = upper(abc)',
      'z = hello(world)',
      'g = connect(4)',
      'print $x $y $z $g',
      'print "(connect to the server first), then send"',
    );
    expect(out).toBe('u.recv(10) upper(abc) hello(world) connect(4)\n(connect to the server first), then send\n');
  });

  it('a repeat count is shown as typed: 1e2, not a bare 100.0', async () => {
    expect((await shell.run('repeat 1e2\nend')).err).toContain('expected a repeat count of 0 or more, got 1e2 (the float 100.0)');
  });

  it('a set variable typed without $ (as Python shows it) is named as the variable, with the sockshell spelling', async () => {
    expect(await errorOf('big')).toBe("^^^ unknown command 'big': big is a variable; write $big to show its value, or print $big");
    expect(await errorOf('small')).toBe("^^^^^ unknown command 'small'; type help for the list");
  });

  it("takes the textbook's Python assignments for what they are, not for text, and says how to quote text", async () => {
    expect(await errorOf('modifiedSentence = clientSocket.recv(1024)')).toBe(
      "^^^^^^^^^^^^^^^^^^^^^^^ sockshell calls take no parentheses or commas: write modifiedSentence = clientSocket.recv 1024; to keep the line as text, quote it: modifiedSentence = 'clientSocket.recv(1024)'",
    );
    expect(await errorOf('serverSocket = socket(AF_INET,SOCK_STREAM)')).toMatch(
      / sockshell makes a socket with tcp\.socket: write serverSocket = tcp\.socket, with -6 for IPv6; /,
    );
    expect(await errorOf('sentence = connectionSocket.recv(1024).decode()')).toMatch(/ write sentence = connectionSocket\.recv 1024; /);
    expect(await errorOf("message = input('Input lowercase sentence:')")).toMatch(/ write message = input 'Input lowercase sentence:'; /);
    expect(await errorOf('modifiedMessage = message.decode().upper()')).toMatch(
      / sockshell spells it as a command: write modifiedMessage = upper \$message; /,
    );
    expect(await errorOf('n = len(message)')).toMatch(
      / write n = len \$message; to keep the line as text, quote it: n = 'len\(message\)'$/,
    );
    expect(await errorOf('s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, True)')).toMatch(/ write s\.setsockopt SO_REUSEADDR true$/);
    expect(await errorOf('s.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)')).toMatch(/ write s\.setsockopt SO_REUSEADDR 1$/);
    expect(await errorOf('s.shutdown(SHUT_WR)')).toMatch(/ write s\.shutdown wr$/);
  });

  it('a value command in parentheses gives its result to the call (issue 13)', async () => {
    await shell.ok('m = hi', 'v = udp.bind 127.0.0.1 0', 'a = v.getsockname');
    const out = await shell.ok('v.sendto (upper $m) $a', 'r = v.recv 10', 'print $r (len $r)', 'use u');
    // The str upper gives is sent as its UTF-8 bytes, said once a session (student trial, B); then sendto's count, then the print.
    expect(withoutReceiveNotes(out)).toBe(
      "# this payload is text (a str): it went as its UTF-8 bytes, b'HI', which Python writes with .encode(); Python's sendto takes bytes only, and a str raises TypeError (explain encode)\n2\nHI 2\n",
    );
    await shell.ok('v.close');
  });

  it('the shell still works after all of them', async () => {
    expect(await shell.ok('x = upper ok', 'print $x')).toBe('OK\n');
  });

  it('a job that kills itself ends (it used to wait for its own end, and exit then hung)', async () => {
    const ran = await shell.run('kill %1 &');
    expect(ran.err).toBe('');
    await shell.ok('sleep 0.05');
    expect(await shell.ok('jobs')).toMatch(/%1 +│ killed +│ kill %1/);
  });
});

describe('a piped session reports an open block at the end of input', () => {
  it('as <stdin>:LINE:COL with the status of a syntax error', async () => {
    const { status, err } = await pipedSession('print before\nwhile true\n  print inside\n');
    expect(err).toBe("<stdin>:2:1: block is not closed at end of input: add 'end'\n");
    expect(status).toBe(2);
  });
});
