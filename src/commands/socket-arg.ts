import type { SocketHandle } from '../engine/types.js';
import type { Span } from '../lang/ast.js';
import type { Value } from '../lang/values.js';
import { ShellError } from '../core/errors.js';
import type { SessionServices } from '../spec/services.js';

/**
 * The open socket a NAME argument (kind 'socket') means: a socket value is itself, a word is the
 * socket labelled so now. Anything else is an error that lists the open sockets.
 */
export function openSocket(engine: SessionServices['engine'], v: Value, span: Span): SocketHandle {
  const handle = v.kind === 'socket' ? v.handle : v.kind === 'str' ? engine.lookup(v.value) : null;
  if (handle !== null) return handle;
  const open = engine.list().map((s) => s.name);
  throw new ShellError(`no socket named ${v.kind === 'str' ? `'${v.value}'` : 'that'} (open: ${open.join(', ') || 'none'})`, span);
}
