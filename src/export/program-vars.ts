/** What the writer knows of the Python program's variables as it goes: each one's type, its bytes' content, its socket's transport, its tuple's item types, and the current socket. */

import type { Transport } from '../engine/index.js';
import type { Word } from '../lang/ast.js';
import type { PyType } from '../spec/python.js';
import { pyName } from './literals.js';
import type { KnownTypes } from './python.js';
import type { Content, PyWord, Vars } from './words.js';

export class ProgramVars {
  /** Each name's Python type: the traced program's own map (KnownTypes.types), updated as statements are written. */
  readonly types: Map<string, PyType>;
  /** The socket a call without a target is written on (Python's variable name); '' before any. */
  current: string;
  /** What is known of the bytes variables hold; a variable not here holds bytes of unknown content. */
  readonly contents = new Map<string, Content>();
  /** The transport of the socket each Python variable holds, where the program shows it. */
  readonly transports = new Map<string, Transport>();
  /** The item types of tuples variables hold, where a command's result says them. */
  readonly items = new Map<string, readonly PyType[]>();
  /** What words read of the variables (words.ts); call writes an inline `(NAME ARGS)`. */
  readonly vars: Vars;

  constructor(known: KnownTypes, call: (w: Extract<Word, { kind: 'call' }>) => PyWord) {
    this.types = known.types;
    this.current = known.current;
    this.vars = {
      type: (n) => this.types.get(n) ?? known.typeOf(n),
      item: (n, i) => this.items.get(n)?.[i] ?? 'unknown',
      content: (n) => this.contents.get(n) ?? 'unknown',
      call,
    };
  }

  /** name now holds a value of type (a socket's: becomes the current socket); what was known of its old value goes. */
  define(name: string, type: PyType, transport?: Transport): void {
    this.items.delete(name);
    if (transport) this.transports.set(pyName(name), transport);
    else this.transports.delete(pyName(name));
    this.types.set(name, type);
    if (type === 'socket') this.current = pyName(name);
  }

  /** name is assigned anew: what was known of its old value goes (its type is set by the caller). */
  forget(name: string): void {
    this.contents.delete(name);
    this.items.delete(name);
    this.transports.delete(pyName(name));
  }

  /** `to = $from`: to keeps what is known of from's items and of its socket's transport. */
  copy(from: string, to: string): void {
    const items = this.items.get(from);
    if (items) this.items.set(to, items);
    const transport = this.transports.get(pyName(from));
    if (transport) this.transports.set(pyName(to), transport);
  }

  /** The type of item i of what a word holds, when unpacked: host, port = $a; data, sender = $m. */
  itemType(w: Word, i: number): PyType {
    if (w.kind !== 'var' || w.path !== undefined) return 'unknown';
    if (this.vars.type(w.name) === 'address') return i === 0 ? 'str' : 'int';
    return this.vars.item(w.name, i);
  }
}
