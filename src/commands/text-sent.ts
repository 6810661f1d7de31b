/**
 * The textbook's `.encode()`: a socket carries bytes, and Python's send and sendto refuse a str
 * (TypeError). sockshell sends a str as its UTF-8 bytes, which hides that step; so the first str a
 * session sends says once what it went as and how Python writes it (student trial, B).
 */

import { bytes, repr } from '../lang/values.js';
import type { Arg, CallContext } from '../spec/command.js';
import type { SessionServices } from '../spec/services.js';
import { warnEscapesAsTyped } from './escapes-as-typed.js';

/** Sessions already told: once per session, as the lookup line is once per name. */
const TOLD = new WeakSet<SessionServices>();

/** The longest payload the line shows whole. */
const SHOWN = 40;

/**
 * After a send that went (call: its Python name), the one `#` line for the first payload word whose
 * value was a str. A word written out (`sendto hi …`) is a payload as typed, Python's b'hi', and says
 * nothing; a `$name` or a "template" holding text does.
 */
export function tellTextSent(ctx: CallContext<unknown>, payload: readonly Arg[], call: string): void {
  warnEscapesAsTyped(ctx, payload);
  if (TOLD.has(ctx.session)) return;
  const text = payload.find((a) => a.value.kind === 'str' && a.word.kind !== 'literal');
  if (text === undefined || text.value.kind !== 'str') return;
  TOLD.add(ctx.session);
  const w = text.word;
  const name = w.kind === 'var' && w.path === undefined ? w.name : null;
  const what = name === null ? 'this payload' : name;
  const python = name === null ? 'with .encode()' : `${name}.encode()`;
  const utf8 = Buffer.from(text.value.value, 'utf8');
  // A short payload is shown as Python shows bytes; a long one by its size, as one line must stay one line.
  const sent = utf8.length <= SHOWN ? `its UTF-8 bytes, ${repr(bytes(utf8))},` : `its ${utf8.length} UTF-8 bytes,`;
  ctx.info(
    `${what} is text (a str): it went as ${sent} which Python writes ${python}; Python's ${call} takes bytes only, and a str raises TypeError (explain encode)`,
  );
}
