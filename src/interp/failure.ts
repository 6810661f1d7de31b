import type { Endpoints } from '../engine/types.js';
import { SocketError } from '../engine/index.js';
import type { Call } from '../lang/ast.js';
import type { CommandDef } from '../spec/command.js';
import { Cancelled, ShellError, SocketCallError } from '../core/errors.js';
import type { Surroundings } from './invocation.js';

/**
 * The one place command errors are translated: Ctrl-C's EINTR cancels; socket errors point at the
 * command; an error with no position gets the command's; the session remembers each, and a cancelled
 * call, for `explain`.
 */
export function failure(e: unknown, def: CommandDef, call: Call, around: Surroundings): unknown {
  const session = around.session;
  if (e instanceof Cancelled || (e instanceof SocketError && e.code === 'EINTR')) {
    // A job's call cut short by kill was stopped on purpose, by the user; only a call at the prompt counts.
    if (around.job === undefined) {
      const ends = def.method ? endpointsOf(call, around) : null;
      session.trouble = {
        kind: 'cancelled',
        call: def.name,
        transport: ends?.transport ?? null,
        ...(ends && ends.local === null ? { unbound: true } : {}),
      };
    }
    if (e instanceof Cancelled && e.span !== null) return e; // a call inside a script this one ran
    const detail = e instanceof Cancelled ? e.detail : e.stopped;
    return new Cancelled(e instanceof Cancelled ? e.what : def.name, call.nameSpan, around.scope.file, detail);
  }
  if (e instanceof SocketError) {
    session.trouble = { kind: 'error', code: e.code, message: e.message, ...(e.unix ? { unix: true } : {}) };
    return new SocketCallError(e.message, call.nameSpan, e.python);
  }
  if (e instanceof ShellError) {
    // A script's socket error comes back out of its `run` as a ShellError with the same words: the code stays.
    const last = session.trouble;
    if (last?.kind !== 'error' || last.message !== e.message) session.trouble = { kind: 'error', code: null, message: e.message };
    if (e.span === null && e.file === undefined) return new ShellError(e.message, call.nameSpan, e.exit);
  }
  return e;
}

/** The endpoints of the socket a socket call acted on (NAME in NAME.call, else the current socket), if it is still open. */
function endpointsOf(call: Call, around: Surroundings): Endpoints | null {
  const { scope, session } = around;
  const v = call.target && scope.has(call.target.name) ? scope.get(call.target.name, call.target.span) : null;
  const handle = v?.kind === 'socket' ? v.handle : call.target ? session.engine.lookup(call.target.name) : scope.current;
  return handle ? session.engine.endpoints(handle) : null;
}
