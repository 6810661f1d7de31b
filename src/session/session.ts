import { readFile } from 'node:fs/promises';
import { compile } from '../commands/check.js';
import { TABLE } from '../commands/table.js';
import type { CommandDef } from '../spec/command.js';
import type { FileAccess, LessonTracker, OwnedSocket, SessionServices } from '../spec/services.js';
import { createEngine } from '../engine/index.js';
import type { Engine, EngineEvent, SocketHandle } from '../engine/types.js';
import { Interpreter, type InterpreterOptions } from '../interp/interpreter.js';
import { VarScope } from '../interp/scope.js';
import type { Stmt } from '../lang/ast.js';
import { addressRepr, repr, str, type Value } from '../lang/values.js';
import { Cancelled, ExitRequest, ShellError } from '../core/errors.js';
import { eventSays } from './events.js';
import { LookupNotes } from './lookups.js';
import { Jobs, type JobNews } from '../core/jobs.js';
import { ExchangeLog } from '../record/exchange-log.js';
import { ExportLog } from '../record/export-log.js';
import type { Trouble } from '../record/trouble.js';
import type { Output, OutputSink } from '../core/output.js';
import { TrafficTap } from './traffic.js';
import type { RelayEvent } from '../relay/index.js';
import { relayNote } from '../render/relay-text.js';
import { aboutSocket, takenByTransfer } from './socket-notices.js';

export interface SessionOptions {
  readonly out: OutputSink;
  /** A person is at a terminal: show values, info and notices. */
  readonly interactive: boolean;
  readonly readLine: (prompt: string, signal: AbortSignal, endAtCtrlD?: boolean) => Promise<string | null>;
  /** SessionServices.lineStart; absent: never shown there. */
  readonly lineStart?: (data: Buffer) => boolean;
  /** Upper bound on every blocking wait, for replay. */
  readonly maxWaitMs?: number;
  readonly onExit?: () => void;
  /** Sees every engine event (the recorder learns which ports the OS picked). */
  readonly onEvent?: (event: EngineEvent) => void;
  /** The terminal's width now, for text that wraps (help); absent when output is not a terminal. */
  readonly columns?: () => number | undefined;
  /**
   * Blocking calls may wait in the native addon (EngineOptions.blockingCalls) while no background job
   * runs: for `sockshell run`, where the script's calls are all that happens.
   */
  readonly nativeCalls?: boolean;
  /** Why a file a command names may not be used (SessionServices.fileGuard). */
  readonly fileGuard?: (path: string, access: FileAccess) => string | null;
  /** Where lessons keep their place between sessions (SessionServices.lessonState). */
  readonly lessonState?: string;
  /** Whether out shows info lines now (SessionServices.showsInfo); always, when absent. */
  readonly showsInfo?: () => boolean;
  /** Hears each job start and end, and a relay job's start that worked (its sockets are up). */
  readonly onJob?: (news: JobNews) => void;
}

/**
 * How deep `run` may nest: each level holds a script and its interpreter, and a script that ran itself
 * had no limit (V8 ran out of heap after 549 s). Block nesting has its own limit (lang/parser.ts).
 */
export const MAX_RUN_DEPTH = 32;

/**
 * One engine, its jobs and its output: what the REPL, the script runner and piped sessions share.
 * Adapters create a Session, hand it lines or files, and route its Output.
 */
export class Session implements SessionServices {
  readonly engine: Engine;
  readonly table: ReadonlyMap<string, CommandDef> = TABLE;
  readonly jobs = new Jobs((news) => this.options.onJob?.(news));
  readonly exchanges = new ExchangeLog();
  /** Filled by the chunks of a REPL or piped session (runChunk); scripts export from their source. */
  readonly ran = new ExportLog((source, firstLine) => compile(source, firstLine).program);
  /** The traffic log (`log on`): off until asked; the engine's sink feeds it every event. */
  readonly traffic: TrafficTap;
  readonly interactive: boolean;
  trace = false;
  /** Scripts started so far: each run's sockets have their own owner id. */
  private runs = 0;
  display: 'text' | 'hex' = 'text';
  streaming = false;
  trouble: Trouble | null = null;
  lesson: LessonTracker | null = null;
  private readonly lookups = new LookupNotes();
  /** Sockets lent to a job (lend), by serial: serve's connections, each its handler's. */
  private readonly lent = new Map<number, number>();

  readonly fileGuard?: (path: string, access: FileAccess) => string | null;
  readonly lessonState?: string;

  showsInfo(): boolean {
    return this.options.showsInfo?.() ?? true;
  }

  constructor(private readonly options: SessionOptions) {
    this.interactive = options.interactive;
    if (options.lessonState !== undefined) this.lessonState = options.lessonState;
    this.traffic = new TrafficTap(options.out, (serial) => this.engine.list().find((s) => s.serial === serial)?.local ?? null);
    if (options.fileGuard) this.fileGuard = options.fileGuard;
    this.engine = createEngine({
      sink: (event) => {
        options.onEvent?.(event);
        this.exchanges.hear(event);
        this.traffic.hear(event);
        const said = eventSays(event, event.kind === 'failed' ? { queued: this.queuedBytes(event) } : undefined);
        if (said?.trouble) this.trouble = said.trouble;
        const shown =
          said && this.attribute(said.output.kind === 'notice' ? aboutSocket(this.engine, said.output, event) : said.output, event);
        if (shown && !takenByTransfer(this.engine, shown, event)) options.out(shown);
        const looked = this.lookups.note(event);
        const lookedShown = looked && this.attribute(looked, event);
        if (lookedShown) options.out(lookedShown);
      },
      ...(options.nativeCalls === true ? { blockingCalls: () => this.jobs.running() === 0 } : {}),
    });
  }

  /**
   * Output about a job's socket is the job's output: labelled, and drawn as it arrives; its notices
   * are not shown at all. Without a running job there is nothing to look up (a job's sockets close
   * when it ends); the lookup asks the engine about every open socket, once per implicit bind in a
   * tcp.connect loop otherwise.
   */
  private attribute(out: Output, event: EngineEvent): Output | null {
    if (out.kind !== 'info' && out.kind !== 'warning' && out.kind !== 'notice') return out;
    if (this.jobs.running() === 0) return out;
    // A closed socket has left the engine's table: its event says whose it was.
    const owner = event.kind === 'closed' ? event.owner : this.engine.list().find((s) => s.serial === event.serial)?.owner;
    const job = this.jobOf({ serial: event.serial, owner: owner ?? '' });
    if (job === null) return out;
    // A notice about a job's socket (data waiting, a client connected) is the job's business: its
    // script reads it. At the prompt a transfer to a job's port made one line per datagram (issue 14);
    // `sockets` still shows the job's queues.
    return out.kind === 'notice' ? null : { ...out, job };
  }

  /** The bytes of a TCP stream still queued on the event's socket (0 for UDP, or once it is gone). */
  private queuedBytes(event: EngineEvent): number {
    const handle = this.engine.lookup(event.socket);
    if (handle === null || handle.serial !== event.serial) return 0;
    const info = this.engine.info(handle);
    return info.transport === 'tcp' ? info.queued.bytes : 0;
  }

  readonly describe = (handle: SocketHandle): string => {
    let info;
    try {
      info = this.engine.info(handle);
    } catch {
      return `<socket ${handle.name} [closed]>`;
    }
    const laddr = info.local ? ` laddr=${addressRepr(info.local)}` : '';
    const raddr = info.peer ? ` raddr=${addressRepr(info.peer)}` : '';
    const type = info.family === 'unix' ? 'UNIX' : `${info.transport.toUpperCase()}${info.family === 6 ? '/6' : ''}`;
    return `<socket ${info.name} ${type} ${info.state}${laddr}${raddr}>`;
  };

  relayed(event: RelayEvent, job: number | undefined): void {
    // A lesson waits on what its relay did with the datagram a step sent (lesson-run.ts): its first copy, or its loss.
    if (event.kind === 'data' && event.transport === 'udp' && event.direction === 'up' && job !== undefined)
      if (event.fate.kind === 'lost' || event.fate.copy === 1)
        this.options.onJob?.({ kind: 'relayed', job, lost: event.fate.kind === 'lost' });
    if (event.kind === 'data' || event.kind === 'passed') return this.traffic.hearRelay(event);
    if (event.kind === 'ready' && job !== undefined) this.options.onJob?.({ kind: 'listening', job });
    this.exchanges.hearRelay(event, job);
    const text = relayNote(event);
    if (text === null) return;
    if (job === undefined) this.options.out({ kind: 'info', text: `relay: ${text}` });
    else this.jobs.note(job, text);
  }

  columns(): number | undefined {
    return this.options.columns?.();
  }

  readLine(prompt: string, signal: AbortSignal, endAtCtrlD?: boolean): Promise<string | null> {
    return this.options.readLine(prompt, signal, endAtCtrlD);
  }

  lineStart(data: Buffer): boolean {
    return this.options.lineStart?.(data) ?? false;
  }

  interpreter(scope: VarScope, options: InterpreterOptions): Interpreter {
    const maxWait = this.options.maxWaitMs;
    return new Interpreter(this, scope, this.options.out, maxWait ? { ...options, maxWaitMs: maxWait } : options);
  }

  /** `run FILE` from a program `depth - 1` runs deep; past MAX_RUN_DEPTH it is refused (a script that runs itself). */
  async runFile(
    file: string,
    overrides: ReadonlyMap<string, Value>,
    options: { signal: AbortSignal; job?: number; depth: number },
  ): Promise<void> {
    if (options.depth > MAX_RUN_DEPTH)
      throw new ShellError(`run nests too deep: at most ${MAX_RUN_DEPTH} scripts run one inside another (does ${file} run itself?)`, null);
    await this.runProgram(await this.loadFile(file, overrides.keys()), file, overrides, options);
  }

  /**
   * A script read and checked as run reads it, the names in known set beforehand: its program, or a
   * ShellError saying why it cannot run (serve asks before it listens, so a handler that could never run
   * is refused once, not once per client).
   */
  async loadFile(file: string, known: Iterable<string>): Promise<readonly Stmt[]> {
    const refused = this.fileGuard?.(file, 'read') ?? null;
    if (refused !== null) throw new ShellError(refused, null);
    let source: string;
    try {
      source = await readFile(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'error';
      throw new ShellError(`can't read ${repr(str(file))} (${code})`, null);
    }
    const { program, diagnostics } = compile(source, 1, { known });
    const first = diagnostics[0];
    if (first) throw new ShellError(first.message, first.span, 2, file);
    return program;
  }

  /** The background job a socket is lent to, or whose script owns it; null: the prompt's, a foreground run's. */
  jobOf(socket: OwnedSocket): number | null {
    const lent = this.lent.get(socket.serial);
    if (lent !== undefined) return lent;
    const m = /^%(\d+) /.exec(socket.owner);
    return m ? Number(m[1]) : null;
  }

  lend(socket: SocketHandle, job: number): () => void {
    this.lent.set(socket.serial, job);
    return () => {
      if (this.lent.get(socket.serial) === job) this.lent.delete(socket.serial);
    };
  }

  /**
   * Runs a compiled script in a fresh scope; the sockets it opened close when it ends, like a
   * process's. Each run owns its sockets under its own id, so a script run from a job's script
   * closes only its own. `exit N` leaves as ExitRequest for the caller to turn into a status.
   */
  async runProgram(
    program: readonly Stmt[],
    file: string,
    overrides: ReadonlyMap<string, Value>,
    options: { signal: AbortSignal; job?: number; depth?: number },
  ): Promise<void> {
    const owner = `${options.job === undefined ? '' : `%${options.job} `}run${++this.runs}:${file}`;
    const scope = new VarScope(owner, file, overrides, options.depth ?? 0);
    // A script handed one socket (serve's conn, run FILE conn=$c) starts with it as its current socket,
    // as accept makes the connection current at the prompt: a handler's bare recvline is conn's (trial 7).
    const handed = [...overrides.values()].flatMap((v) => (v.kind === 'socket' ? [v.handle] : []));
    if (handed.length === 1) scope.current = handed[0]!;
    const interp = this.interpreter(scope, options.job === undefined ? { echo: false } : { echo: false, job: options.job });
    /** It stopped at an error, which whoever runs it shows after the closing line below. */
    let failed = false;
    try {
      await interp.run(program, options.signal);
    } catch (e) {
      if (e instanceof ExitRequest && e.status === 0) return;
      failed = !(e instanceof Cancelled || e instanceof ExitRequest);
      // The call that was waiting, in the file it is in; else the run as a whole.
      if (e instanceof Cancelled)
        throw e.span !== null
          ? new Cancelled(e.what, e.span, e.file ?? file, e.detail)
          : new Cancelled(`run ${file}`, null, undefined, e.detail);
      if (e instanceof ShellError && e.file === undefined) throw new ShellError(e.message, e.span, e.exit, file);
      throw e;
    } finally {
      // Like a process ending: the sockets a script opened close with it.
      const closed = this.engine.closeOwnedBy(owner);
      // Said before the error (the caller shows that): "ended" there read as if the script had finished (trial 4).
      const text = `${file} ${failed ? 'stopped at the error below' : 'ended'}; closed ${closed} socket${closed === 1 ? '' : 's'} it left open`;
      if (closed > 0) this.options.out(options.job === undefined ? { kind: 'info', text } : { kind: 'info', text, job: options.job });
    }
  }

  requestExit(): void {
    this.options.onExit?.();
  }

  /** Stops every job and closes every socket. */
  async close(): Promise<void> {
    await this.jobs.killAll();
    await this.engine.closeAll();
    await this.traffic.stop().catch(() => null); // what the closing sockets sent last (FINs) is in the file
    this.ran.close();
  }
}
