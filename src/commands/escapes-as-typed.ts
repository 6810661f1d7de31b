/**
 * Python's '\r\n' is CR LF; the shell's single quotes are literal, as a Unix shell's are, so
 * `c.sendall 'PING\r\n'` sends a backslash and an r, a backslash and an n. A line protocol's server
 * then waits for a line end that never comes, and the next recvline waits with it, silently (trial 8:
 * a RESP-like server). The first such payload of a session is warned of, in scripts too.
 */
import type { Arg, CallContext } from '../spec/command.js';
import type { SessionServices } from '../spec/services.js';

/** Sessions already warned: once per session. */
const WARNED = new WeakSet<SessionServices>();

/** Two characters that Python's quotes would have made one: \r \n \t \0 \xHH. */
const ESCAPE = /\\(?:[rnt0]|x[0-9a-fA-F]{2})/;

/** After a send: a quoted payload word written out with a backslash escape in its text, which went as typed. */
export function warnEscapesAsTyped(ctx: CallContext<unknown>, payload: readonly Arg[]): void {
  if (WARNED.has(ctx.session)) return;
  const arg = payload.find((a) => a.word.kind === 'literal' && a.word.quoted && ESCAPE.test(a.word.text));
  if (arg === undefined || arg.word.kind !== 'literal') return;
  WARNED.add(ctx.session);
  const escape = ESCAPE.exec(arg.word.text)![0];
  ctx.warn(
    `${escape} went as typed, a backslash then ${escape.slice(1)} (single quotes are literal, as in a Unix shell); for what Python's '${escape}' means, write the payload in double quotes: "${arg.word.text}"`,
  );
}
