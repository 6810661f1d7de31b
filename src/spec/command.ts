import type { Span, Word } from '../lang/ast.js';
import type { Value } from '../lang/values.js';
import type { Address, HereOptions, SocketHandle, Transport } from '../engine/types.js';
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
  | 'timeout' // seconds, or none for no limit
  | 'percent' // 0 to 100, fractions too
  | 'millis' // milliseconds, 0 to ten minutes
  | 'count'
  | 'status' // an exit status, 0..255
  | 'value' // anything
  | 'socket' // a socket name
  | 'file'
  | 'option' // a socket option name
  | 'how' // rd | wr | rdwr
  | 'choice' // one of the spec's choices, in any case
  | 'switch' // on or off (True or False)
  | 'job'
  | 'command';

/**
 * What an argument of each kind is once the interpreter has coerced it: what a handler reads from
 * `ctx.a`. One coercer per kind turns a value into this (commands/coercers.ts, COERCE), and `sockshell
 * check` runs the same coercers over literal words.
 */
export interface KindValue {
  readonly data: Buffer;
  readonly host: string;
  readonly port: number;
  readonly address: Address;
  readonly bufsize: number;
  readonly backlog: number;
  readonly seconds: number;
  readonly timeout: number | null;
  readonly percent: number;
  readonly millis: number;
  readonly count: number;
  readonly status: number;
  readonly value: Value;
  /** A socket value or a socket's name: the handler resolves it against the session. */
  readonly socket: Value;
  /** A path: text, or bytes read as UTF-8. */
  readonly file: string;
  readonly option: string;
  readonly how: string;
  readonly choice: string;
  readonly switch: boolean;
  /** A job number, from 1 or %1. */
  readonly job: number;
  readonly command: string;
}

export interface ArgSpec {
  readonly name: string;
  readonly kind: ArgKind;
  /** Takes every remaining word (print's values, run's NAME=VALUE). Only last in a form. */
  readonly rest?: boolean;
  /** The words it takes, when they are a fixed set (rd|wr|rdwr, SO_REUSEADDR...): Tab offers them. */
  readonly choices?: readonly string[];
  /** What an error calls the expected value, where the kind's own words are too general ('a number of bytes'). */
  readonly what?: string;
  /** A count's smallest value (default 0): relay's --rate is 1 byte a second or more. */
  readonly min?: number;
  /** A file the command writes (save, export, recvfile, log): a file guard may allow reading a folder and not writing it. */
  readonly writes?: true;
}

type Form = readonly ArgSpec[];
/** One word's value: for a kind whose value is a word, the union of the spec's choices when it lists them. */
type One<S extends ArgSpec> = S extends { readonly choices: readonly (infer C extends string)[] }
  ? string extends C
    ? KindValue[S['kind']]
    : KindValue[S['kind']] extends string
      ? C
      : KindValue[S['kind']]
  : KindValue[S['kind']];
type Slot<S extends ArgSpec> = S extends { readonly rest: true } ? readonly One<S>[] : One<S>;
type FormArgs<F extends Form> = { readonly [S in F[number] as S['name']]: Slot<S> };
type EachForm<Fs extends readonly Form[]> = Fs[number] extends infer F ? (F extends Form ? FormArgs<F> : never) : never;
type AnyKey<U> = U extends unknown ? keyof U : never;
type ValueAt<U, K extends PropertyKey> = U extends unknown ? (K extends keyof U ? U[K] : never) : never;
type Merged<U> = { readonly [K in keyof U]: ValueAt<U, K> } & { readonly [K in Exclude<AnyKey<U>, keyof U>]?: ValueAt<U, K> };

/**
 * The coerced arguments of a command with these forms, by ArgSpec name: a name every form has is
 * always there; one that only some forms have is optional. A rest argument is an array.
 */
export type ArgsOf<Fs extends readonly Form[]> = Merged<EachForm<Fs>>;

/** Coerced arguments with their types forgotten: what the table and the interpreter hold. */
export type Args = { readonly [name: string]: unknown };

/** Python spelling of a command, or why it has none. */
export type PythonEquivalent = { readonly code: string } | { readonly none: string };

/**
 * One command: everything help, completion, validation, the README table and the exporter need.
 * `forms` lists the argument lists it accepts; a call must match one by length.
 */
export interface CommandDef<A = Args> {
  readonly name: string;
  readonly group: Group;
  /** A socket call: usable as NAME.call, and acting on the current socket when called bare. */
  readonly method?: boolean;
  /**
   * A socket call only sockets of this transport have (accept, listen, the stream reads: 'tcp');
   * absent for a call of every socket. Tab after a socket's name offers only its transport's calls,
   * `help` says so, and test/transport-calls.test.ts holds the engine's error for the other
   * transport to it (on a UDP socket, accept fails EOPNOTSUPP saying UDP is connectionless).
   */
  readonly transport?: Transport;
  readonly usage: string;
  readonly forms: readonly (readonly ArgSpec[])[];
  /** Boolean flags, by name without dashes (`6` for -6), with a description. */
  readonly flags?: Readonly<Record<string, string>>;
  /**
   * Flags among `flags` that take the word after them as their value (`--svg FILE`), wherever they
   * are typed: the argument that word is, coerced like a positional one and found in `ctx.a` under
   * its name (absent when the flag was not given).
   */
  readonly valued?: Readonly<Record<string, ArgSpec>>;
  readonly summary: string;
  readonly python: PythonEquivalent;
  readonly example: string;
  /** More lines for `help COMMAND`, after the example (setsockopt's options, from their table). */
  readonly notes?: readonly string[];
  /**
   * The command only shows something (the socket table, help, a diagram): `save` leaves it out of a
   * saved script, whose job is to do what the session did, not to show this session's state.
   */
  readonly onlyShows?: true;
  /**
   * The command shows what the sockets are or did (the table, the diagram, explain's last trouble):
   * before it runs, each connection tells what its kernel holds that the shell has not read yet (a FIN,
   * a reset, bytes: Engine.settle), as the events every view reads. Piped lines run without a turn of
   * the event loop between them, so without this step a view said ESTABLISHED where ss said CLOSE-WAIT.
   */
  readonly showsSockets?: true;
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
  /**
   * Rules between arguments that no one kind states (relay's --rate is for TCP only): throws a
   * ShellError at the words concerned. The interpreter runs it once the arguments are coerced, and
   * `sockshell check` over the words written out, so `a` holds only what is known then.
   */
  refine?(given: Given<A>): void;
  /**
   * The handler. A method, so that a command whose `a` is typed from its own forms sits in a table of
   * CommandDef<Args> (method parameters are compared both ways); the interpreter keeps the promise
   * by coercing with those same forms before it calls.
   */
  run(ctx: CallContext<A>): Promise<Value> | Value;
}

/**
 * A command whose handler reads `ctx.a` typed from its forms: `ctx.a.PORT` is a number because
 * the form says `{ name: 'PORT', kind: 'port' }`. `const` keeps the forms' names and kinds literal.
 */
export function defineCommand<const Fs extends readonly Form[], const V extends Readonly<Record<string, ArgSpec>> = Record<never, ArgSpec>>(
  def: Omit<CommandDef<ArgsOf<Fs> & FlagArgs<V>>, 'forms' | 'valued'> & { readonly forms: Fs; readonly valued?: V },
): CommandDef {
  return def;
}

/** The arguments valued flags give: each optional, as its flag may be left out. */
type FlagArgs<V extends Readonly<Record<string, ArgSpec>>> = { readonly [S in V[keyof V] as S['name']]?: Slot<S> };

/** What a command's refine reads: the arguments known so far, the flags typed, and where each argument was typed. */
export interface Given<A = Args> {
  readonly a: Partial<A>;
  readonly flags: ReadonlySet<string>;
  /** The span of the words that gave the argument NAME: a positional word, or a valued flag with its value (`--rate 0`). */
  readonly at: (name: string) => Span;
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

export interface CallContext<A = Args> {
  readonly name: string;
  readonly span: Span;
  /** The arguments coerced by kind, by the names the matched form gives them. */
  readonly a: A;
  /** The arguments as evaluated, with their words and spans: for positions in errors, and for operators like ==. */
  readonly args: readonly Arg[];
  readonly flags: ReadonlySet<string>;
  readonly scope: Scope;
  readonly session: SessionServices;
  /**
   * The command's blocking calls wait with these: Ctrl-C's signal, and HereOptions, as the statement
   * waits for its command and nothing else (a receive may give its value itself: core/completion.ts).
   */
  readonly block: HereOptions & { readonly signal: AbortSignal };
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
  /** Something a background job wants seen between commands (a relay's address, its end), tagged with its number; info outside a job. */
  notice(text: string): void;
  print(data: Buffer): void;
  display(text: string): void;
  /** The line showing a long transfer's progress, redrawn in place at a terminal; null takes it away. */
  progress(text: string | null): void;
}
