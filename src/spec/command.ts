import type { Span, Word } from '../lang/ast.js';
import type { Value } from '../lang/values.js';
import type { BlockOptions, SocketHandle } from '../engine/types.js';
import type { PyGen } from './python.js';
import type { SessionServices } from './services.js';

/** Where a command is listed in help and in the README table. */
export type Group = 'socket' | 'shortcut' | 'value' | 'session';

export type ArgKind =
  | 'data' // text or bytes to send
  | 'host'
  | 'port'
  | 'address' // an address value from recvfrom/accept
  | 'bufsize'
  | 'backlog'
  | 'seconds'
  | 'count'
  | 'status' // an exit status, 0..255
  | 'value' // anything
  | 'socket' // a socket name
  | 'file'
  | 'option' // a socket option name
  | 'how' // rd | wr | rdwr
  | 'job'
  | 'command';

export interface ArgSpec {
  readonly name: string;
  readonly kind: ArgKind;
  /** Takes every remaining word (print's values, run's NAME=VALUE). Only last in a form. */
  readonly rest?: boolean;
  /** The words it takes, when they are a fixed set (rd|wr|rdwr, SO_REUSEADDR...): Tab offers them. */
  readonly choices?: readonly string[];
}

/** Python spelling of a command, or why it has none. */
export type PythonEquivalent = { readonly code: string } | { readonly none: string };

/**
 * One command: everything help, completion, validation, the README table and the exporter need.
 * `forms` lists the argument lists it accepts; a call must match one by length.
 */
export interface CommandDef {
  readonly name: string;
  readonly group: Group;
  /** A socket call: usable as NAME.call, and acting on the current socket when called bare. */
  readonly method?: boolean;
  readonly usage: string;
  readonly forms: readonly (readonly ArgSpec[])[];
  /** Boolean flags, by name without dashes (`6` for -6), with a description. */
  readonly flags?: Readonly<Record<string, string>>;
  /**
   * Flags among `flags` that take the word after them as their value (`--svg FILE`), wherever they
   * are typed. The value is handed to the command as its first positional argument.
   */
  readonly valued?: readonly string[];
  readonly summary: string;
  readonly python: PythonEquivalent;
  readonly example: string;
  /**
   * The command only shows something (the socket table, help, a diagram): `save` leaves it out of a
   * saved script, whose job is to do what the session did, not to show this session's state.
   */
  readonly onlyShows?: true;
  /**
   * Said instead of running when the last two words look like HOST PORT after the data (send's
   * address, typed as for sendto): what they probably meant, and how to send them as text.
   */
  readonly addressHint?: string;
  /**
   * A value command that never waits: its result may stand inside another command's argument as
   * `(NAME ARGS)`, as Python writes len(x) inside a call. Its toPython must give an expression.
   */
  readonly inline?: true;
  /** The command in an exported Python program (sockshell export); a comment when Python has none. */
  readonly toPython: PyGen;
  readonly run: (ctx: CallContext) => Promise<Value> | Value;
}

/** One evaluated argument, with the word it came from (for positions and for operators like ==). */
export interface Arg {
  readonly value: Value;
  readonly word: Word;
  readonly span: Span;
}

/** What the interpreter running a command exposes to it. */
export interface Scope {
  readonly owner: string;
  readonly file: string;
  /** How many `run`s deep the program is: 0 at the prompt, in a piped session or in the script `sockshell run` started. */
  readonly depth: number;
  get(name: string, span: Span): Value;
  set(name: string, value: Value): void;
  names(): string[];
  current: SocketHandle | null;
}

export interface CallContext {
  readonly name: string;
  readonly span: Span;
  readonly args: readonly Arg[];
  readonly flags: ReadonlySet<string>;
  readonly scope: Scope;
  readonly session: SessionServices;
  readonly block: BlockOptions & { readonly signal: AbortSignal };
  /** The name the result is assigned to, if any: a new socket takes it as its name. */
  readonly targetName: string | undefined;
  /** Every name the result is assigned to (`message, clientAddress = ...`); empty when nobody takes it. */
  readonly targets: readonly { readonly name: string }[];
  /** The job number when running in the background. */
  readonly job: number | undefined;
  /** The socket a method acts on: NAME in NAME.call, else the current socket. Throws when there is none. */
  socket(): SocketHandle;
  info(text: string): void;
  warn(text: string): void;
  print(data: Buffer): void;
  display(text: string): void;
  /** The line showing a long transfer's progress, redrawn in place at a terminal; null takes it away. */
  progress(text: string | null): void;
}
