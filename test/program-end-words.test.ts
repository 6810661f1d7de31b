/**
 * A connect refused because the program under test had ended is said the same way whether the refusal
 * came back or the program's end cut the wait short first (instructor trial C: two runs of one
 * submission gave the two), and never with the shell's "start the server first".
 */
import { describe, expect, it } from 'vitest';
import { refusedWords, unreachedWords } from '../src/transcript/program-end-words.js';

const REFUSED = 'ECONNREFUSED: nothing is listening on localhost port 21213 — start the server first (ConnectionRefusedError)';
const CUT = '(the program ended (exit status 0), so nothing more could come to this call)';

describe('what a student is told when the program had ended', () => {
  it('a refused connect and one cut short by the end get the same line', () => {
    const refused = refusedWords('second = tcp.connect localhost 21213', [REFUSED], 'exit status 0');
    const cut = refusedWords('second = tcp.connect localhost 21213', [CUT], 'exit status 0');
    expect(refused?.said).toMatch(/^nothing was listening when this line connected: the program ended on its own/);
    expect(cut?.said).toBe(refused?.said);
    expect(refused?.got).toEqual(['ECONNREFUSED: nothing is listening on localhost port 21213 (ConnectionRefusedError)']);
    expect(cut?.got).toEqual([CUT]);
  });

  it('says nothing of its own where the program still runs, was stopped, or the line is not a connect', () => {
    expect(refusedWords('tcp.connect localhost 21213', [REFUSED], null)).toBeNull();
    expect(refusedWords('tcp.connect localhost 21213', [REFUSED], 'killed by SIGKILL')).toBeNull();
    expect(refusedWords('c.send hello', [REFUSED], 'exit status 0')).toBeNull();
  });

  it('a crash sends the student to the traceback, a socket error to the port', () => {
    const quiet = { port: 21214, argv: 'sys.argv[1]' };
    expect(unreachedWords(quiet, 'exit status 1', ['  File "x.py", line 7', "TypeError: a bytes-like object is required, not 'str'"])).toBe(
      'nothing reached port 21214 before the program stopped with TypeError (its standard error below says where)',
    );
    expect(unreachedWords(quiet, 'exit status 1', ['ConnectionRefusedError: [Errno 111] Connection refused'])).toMatch(
      /does it read its port from its arguments\?\)$/,
    );
    expect(unreachedWords(quiet, 'exit status 1', ['socket.gaierror: [Errno -2] Name or service not known'])).toMatch(/its arguments\?\)$/);
    expect(unreachedWords(quiet, null, [])).toMatch(/its arguments\?\)$/);
  });
});
