import type { Holdings } from './program-ports.js';

/**
 * What a program under test that is still running and never bound the port it was given (in
 * --ready-timeout) is told, from what it holds (holdings), so the words stay true: one that bound
 * another port is told which (start-up says that before it gets here); one that bound none is told
 * that, and that it still runs: a server stuck before its bind (a sleep, an input()) reads its port
 * from its arguments all right, and asking whether it does sent students to the wrong line. Where
 * /proc cannot be read it says only what is known: the port was not bound, and the program ran.
 */
export function neverBound(
  held: Holdings | null,
  words: { readonly command: string; readonly given: string; readonly seconds: string },
): { instructor: string; student: string } {
  const { command, given, seconds } = words;
  if (held === null) {
    return {
      instructor: `--with "${command}" never bound the port {port} gave it in ${seconds}, and was still running (which ports it held cannot be read here)`,
      student: `the program never bound ${given} in ${seconds}, and was still running`,
    };
  }
  const what =
    held.sockets === 0
      ? 'it has opened no socket yet'
      : `it has ${held.sockets === 1 ? 'a socket' : `${held.sockets} sockets`} open, but no UDP socket bound to a port and no TCP socket listening`;
  return {
    instructor: `--with "${command}" bound no port at all in ${seconds}, and is still running: ${what} (stuck before its bind?)`,
    student: `the program bound no port at all in ${seconds}, and is still running: ${what}. Is it stuck before its bind (a sleep, or waiting for input)?`,
  };
}
