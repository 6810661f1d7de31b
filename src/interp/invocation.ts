import type { HereOptions, SocketHandle } from '../engine/types.js';
import type { Call, Span } from '../lang/ast.js';
import { repr } from '../lang/values.js';
import type { Arg, Args, CallContext, CommandDef } from '../spec/command.js';
import type { SessionServices } from '../spec/services.js';
import { ShellError } from '../core/errors.js';
import type { OutputSink } from '../core/output.js';
import type { VarScope } from './scope.js';

/** What every command an interpreter runs shares: fixed for the interpreter's life. */
export interface Surroundings {
  readonly session: SessionServices;
  readonly scope: VarScope;
  readonly out: OutputSink;
  /** The job number when running in the background. */
  readonly job: number | undefined;
  /** Told which socket each call acts on (the REPL and piped sessions, for save). */
  readonly touched?: (serial: number) => void;
  /** Called with the number of each job a `... &` starts, where touched is (the session's record: save's `kill %N`). */
  readonly jobStarted?: (job: number) => void;
}

/**
 * One running command's CallContext. A class rather than an object literal of closures: a socket
 * call in a loop is on the hot path, and this is one allocation where the closures were six.
 */
export class Invocation implements CallContext {
  readonly name: string;
  readonly span: Span;
  readonly scope: VarScope;
  readonly session: SessionServices;
  readonly job: number | undefined;
  readonly targetName: string | undefined;

  constructor(
    private readonly around: Surroundings,
    private readonly def: CommandDef,
    private readonly call: Call,
    readonly a: Args,
    readonly args: readonly Arg[],
    readonly flags: ReadonlySet<string>,
    readonly block: HereOptions & { readonly signal: AbortSignal },
    readonly targets: readonly { readonly name: string }[],
  ) {
    this.targetName = targets[0]?.name;
    this.name = def.name;
    this.span = call.nameSpan;
    this.scope = around.scope;
    this.session = around.session;
    this.job = around.job;
  }

  socket(): SocketHandle {
    const handle = socketFor(this.around, this.call, this.def);
    this.around.touched?.(handle.serial);
    return handle;
  }

  info(text: string): void {
    this.around.out(this.job === undefined ? { kind: 'info', text } : { kind: 'info', text, job: this.job });
  }

  notice(text: string): void {
    this.around.out(this.job === undefined ? { kind: 'info', text } : { kind: 'notice', tag: String(this.job), text });
  }

  warn(text: string): void {
    this.around.out(this.job === undefined ? { kind: 'warning', text } : { kind: 'warning', text, job: this.job });
  }

  print(data: Buffer): void {
    this.around.out(this.job === undefined ? { kind: 'print', data } : { kind: 'print', data, job: this.job });
  }

  display(text: string): void {
    this.around.out({ kind: 'display', text });
  }

  progress(text: string | null): void {
    this.around.out({ kind: 'progress', text });
  }
}

/** NAME in NAME.call (a variable holding a socket, or a socket's own name), else the current socket. */
function socketFor(around: Surroundings, call: Call, def: CommandDef): SocketHandle {
  const { scope, session } = around;
  const target = call.target;
  if (target) {
    const v = scope.has(target.name) ? scope.get(target.name, target.span) : null;
    if (v && v.kind === 'socket') return v.handle;
    if (v) throw new ShellError(`${target.name} is ${repr(v, session.describe)}, not a socket`, target.span);
    const found = session.engine.lookup(target.name);
    if (found) return found;
    const open = session.engine.list().map((s) => s.name);
    throw new ShellError(`no socket named '${target.name}' (open: ${open.join(', ') || 'none'})`, target.span);
  }
  if (scope.current) return scope.current;
  // Sockets handed to a script (two or more, so none is current): name them, not "create one first".
  const handed = scope.names().filter((n) => n !== '_' && scope.get(n, call.nameSpan).kind === 'socket');
  if (scope.depth > 0 && handed.length > 0)
    throw new ShellError(
      `${def.name} needs a socket: this script made none and was handed ${handed.join(' and ')}: write ${handed[0]}.${def.name}`,
      call.nameSpan,
    );
  // Others open but none current (the current one was closed): "create one first" would be false.
  const open = session.engine.list().map((s) => s.name);
  if (open.length > 0)
    throw new ShellError(
      `${def.name} needs a socket, and none is current (the prompt names it): write ${open[0]}.${def.name}, or use ${open[0]} (open: ${open.join(', ')})`,
      call.nameSpan,
    );
  throw new ShellError(
    `${def.name} needs a socket: create one first (udp.socket, tcp.socket, udp.bind, tcp.listen, tcp.connect), or write NAME.${def.name}`,
    call.nameSpan,
  );
}
