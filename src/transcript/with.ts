import { spawn } from 'node:child_process';
import { terminalSafe } from '../render/terminal.js';
import { portSockets } from '../engine/index.js';
import { portBound, takenSince } from './port-probe.js';
import { choseInstead, portHolders } from './program-ports.js';
import { endGroup, killGroupNow } from './process-group.js';
import { commandLine, killAll, newTag, strays, TAG_VARIABLE, watchDescendants } from './process-tree.js';
import { ProgramOutput } from './program-output.js';
import type { ProgramIo } from './program-replay.js';
import { timeWaitExplanation } from './time-wait.js';

/**
 * `sockshell test --with "COMMAND"`: a program under test, started before a transcript and stopped
 * after it by its process group, whatever happens. The one place sockshell starts a process.
 */
export interface Peer extends ProgramIo {
  readonly command: string;
  /** Why the program is no longer running (it crashed or exited during the replay), or null while it runs. */
  ended(): string | null;
  /** The last lines of its standard error, escaped. */
  stderrTail(n: number): string[];
  /**
   * Ends the program's whole process group, and any process of it that left the group (a daemon),
   * and waits (bounded) until none of it runs, so its ports are free for the next transcript.
   */
  stop(): Promise<Stopped>;
}

/** What stopping a program found: processes it left outside its group, and any that would not end. */
export interface Stopped {
  /** `pid N: COMMAND` for each process that had left the group and was stopped: a daemon. */
  readonly strays: readonly string[];
  /** What still runs after SIGKILL and the bound, said in one line; null when all ended. */
  readonly stuck: string | null;
}

export interface PeerOptions {
  /** Ready once this port is bound on this host (TCP or UDP), as well as on a first output line. */
  readonly port?: number;
  readonly readyTimeoutMs: number;
  /** Ports the transcript talks to: where to look when the program fails to bind (see time-wait.ts). */
  readonly transcriptPorts?: readonly number[];
  /** With {port}: the command as written and the transcript's port, which `port` stands for in this run. */
  readonly placeholder?: { readonly command: string; readonly recorded: number };
}

/** Continuation lines of a multi-line failure, under `FAIL    file: `. */
const MORE = '\n        ';

/** Process groups still running; killed if sockshell itself ends first (a second Ctrl-C, kill, a closed terminal). */
const live = new Set<number>();

/**
 * SIGKILL to every program still running, at once: for when sockshell itself is ending and nothing
 * can wait. The command line calls it from its exit and signal handlers (only cli.ts installs them).
 */
export function killPeersNow(): void {
  for (const pid of live) killGroupNow(pid);
}

export async function startPeer(command: string, options: PeerOptions): Promise<Peer> {
  // A port already held would make any program look ready (a leftover server would be graded).
  // Closed connections in TIME_WAIT are no program: it is started, and told why if it cannot bind.
  if (options.port !== undefined && portBound(options.port) === true) {
    throw new Error(`port ${options.port} is in use before --with "${command}" started: another program (a leftover server?) holds it`);
  }
  // With {port}, the sockets on the transcript's port from the start (the student's own server, left
  // running; with -j, this program in a run beside this one) say nothing of this program; only a socket
  // that was not there then shows it chose its port itself. Told by socket, not by "the port was held":
  // a run beside this one can let the port go and this program take it between two looks, and this
  // run then waited out its ready timeout and said the program never bound its port.
  const recordedBefore = options.placeholder !== undefined ? portSockets(options.placeholder.recorded) : null;
  const { peer, child, printedAt } = spawnPeer(command);
  const deadline = Date.now() + options.readyTimeoutMs;
  let pause = FIRST_LOOK_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await peer.stop();
      // Its last words may still be in the pipe when the exit is seen: wait (bounded) for the pipe's end.
      if (!peer.lines('stderr').ended) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 500);
          child.stderr?.once('close', () => (clearTimeout(timer), resolve()));
        });
      }
      const why = child.exitCode !== null ? `status ${child.exitCode}` : child.signalCode;
      const last = peer.stderrTail(1)[0];
      const explained =
        last !== undefined && ADDRESS_IN_USE.test(peer.stderrTail(5).join('\n')) ? explainBindFailure(command, options) : [];
      throw new Error([`--with "${command}" exited (${why}) before it was ready${last ? `: ${last}` : ''}`, ...explained].join(MORE));
    }
    // With {port} the port is known, so only binding it counts: a program that printed its line but
    // bound a port of its own choosing would be graded against nothing.
    const printed = printedAt() !== null;
    const bound = options.port !== undefined ? portBound(options.port) : false;
    if (bound === true || (printed && (options.placeholder === undefined || bound === null))) return peer;
    // Ready by its own account, half a second ago, and on the transcript's port: it chose its port itself.
    const settled = printed && Date.now() - printedAt()! > 500;
    if (
      options.placeholder !== undefined &&
      (settled || Date.now() > deadline) &&
      takenSince(options.placeholder.recorded, recordedBefore)
    ) {
      await peer.stop();
      throw new Error([`--with "${command}" did not bind the port {port} gave it,`, ...hardCoded(options.placeholder)].join(MORE));
    }
    // Ready by its own account half a second ago, and a server on another port: it chose that port (one
    // written into it, or worked out wrong: serverPort + 1). Waiting out --ready-timeout changes nothing,
    // and "never bound" alone left the student to guess what it did bind.
    const elsewhere = options.placeholder !== undefined && (settled || Date.now() > deadline) ? choseInstead(child.pid, options.port) : '';
    if (elsewhere !== '') {
      await peer.stop();
      throw new Error(
        `--with "${command}" did not bind the port {port} gave it; it bound ${elsewhere} instead: does it read its port from its arguments?`,
      );
    }
    if (Date.now() > deadline) {
      const bound = options.port !== undefined ? choseInstead(child.pid, undefined) : '';
      await peer.stop();
      if (options.placeholder !== undefined) {
        throw new Error(
          `--with "${command}" never bound the port {port} gave it, in ${options.readyTimeoutMs / 1000} s: does it read its port from its arguments?`,
        );
      }
      const port = options.port !== undefined ? ` and port ${options.port} was not bound${bound !== '' ? ` (it bound ${bound})` : ''}` : '';
      throw new Error(
        `--with "${command}" was not ready after ${options.readyTimeoutMs / 1000} s: it printed no line${port}; give --port PORT, or make it print when ready`,
      );
    }
    pause = (await nextLook(child, pause)) ? FIRST_LOOK_MS : Math.min(2 * pause, LAST_LOOK_MS);
  }
}

/**
 * How long startPeer waits between looks at a starting program: the first look after this, each next
 * one after twice as long, up to LAST_LOOK_MS, and at once when it writes to stdout or exits. A look
 * reads the kernel's socket tables and /proc (portBound, choseInstead); at a fixed 20 ms it read them
 * 150 times while a server that printed its line at once took 3 s to bind.
 */
const FIRST_LOOK_MS = 5;
const LAST_LOOK_MS = 50;

/** Resolves after `ms`, or sooner (with true) when the program writes to its stdout or exits. */
function nextLook(child: ReturnType<typeof spawn>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (woken: boolean) => {
      clearTimeout(timer);
      child.off('exit', onEvent);
      child.stdout?.off('data', onEvent);
      resolve(woken);
    };
    const onEvent = () => done(true);
    const timer = setTimeout(() => done(false), ms);
    child.once('exit', onEvent);
    child.stdout?.once('data', onEvent);
  });
}

/** How Python (OSError), Node (EADDRINUSE) and C programs (perror) report a port already taken. */
const ADDRESS_IN_USE = /Address already in use|EADDRINUSE|\[Errno (98|48)\]/;

/** What to say of a program that binds the transcript's port whatever {port} gives it. */
function hardCoded(placeholder: { command: string; recorded: number }): string[] {
  const file = /\S+\.py\b/.exec(placeholder.command)?.[0];
  const advice = [
    `but port ${placeholder.recorded}, the transcript's, is bound: the program seems to choose its port itself, not take the one it is given.`,
    `Make it read its port from its arguments (serverPort = int(sys.argv[1]))${file ? ', or rewrite it on the way in:' : '.'}`,
  ];
  return file
    ? [...advice, `  --with "sed 's/${placeholder.recorded}/{port}/' ${file} | python3 -" --port ${placeholder.recorded}`]
    : advice;
}

/** Why the program could not bind, where TIME_WAIT is the reason: --port, then ports in the command, then the transcript's. */
function explainBindFailure(command: string, options: PeerOptions): string[] {
  // With {port} this run's port is fresh, never in TIME_WAIT: a program that hit TIME_WAIT bound another.
  // The port {port} gave it was free, so "in use" means it bound another: most likely the transcript's.
  if (options.placeholder !== undefined) {
    const recorded = options.placeholder.recorded;
    // A program holding the transcript's port (the instructor's own server, left running) is named by its
    // command line, which reads the same every run (a pid would not).
    const holders = portBound(recorded) === true ? portHolders(recorded).map((c) => terminalSafe(Buffer.from(c, 'latin1'))) : [];
    const tried =
      timeWaitExplanation(recorded, options.placeholder.command) !== null
        ? `port ${recorded}, the transcript's, which closed connections still hold in TIME_WAIT`
        : portBound(recorded) === true
          ? `port ${recorded}, the transcript's, which another program holds${holders.length > 0 ? ` (${holders.join('; ')})` : ''}`
          : 'another port, one in use';
    return [`the port {port} gave it was free, so it tried ${tried};`, ...hardCoded(options.placeholder).slice(1)];
  }
  const inCommand = command.match(/\b\d{2,5}\b/g)?.map(Number) ?? [];
  const ports = [...(options.port !== undefined ? [options.port] : []), ...inCommand, ...(options.transcriptPorts ?? [])];
  for (const port of new Set(ports.filter((p) => p > 0 && p < 65536))) {
    const lines = timeWaitExplanation(port, command);
    if (lines) return lines;
  }
  return [];
}

/**
 * Starts the program, in its own process group, with its standard input, output and error piped,
 * and returns at once: a client started by `program> start` is not waited for. Its output is kept
 * (escaped) for `program> stdout` and reports; `printedAt` is when it first wrote to stdout.
 */
export function spawnPeer(command: string): { peer: Peer; child: ReturnType<typeof spawn>; printedAt: () => number | null } {
  const tag = newTag();
  // A process group of its own, so `sh -c` and whatever it starts are stopped together.
  const child = spawn(command, {
    shell: true,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, PYTHONUNBUFFERED: '1', [TAG_VARIABLE]: tag },
  });
  const out = { stdout: new ProgramOutput(), stderr: new ProgramOutput() };
  let printedAt: number | null = null;
  child.stdout.on('data', (d: Buffer) => {
    printedAt ??= Date.now();
    out.stdout.add(d);
  });
  child.stderr.on('data', (d: Buffer) => out.stderr.add(d));
  child.stdout.on('close', () => (out.stdout.ended = true));
  child.stderr.on('close', () => (out.stderr.ended = true));
  child.stdin.on('error', () => {}); // EPIPE: it exited or closed its input; write() says so
  if (child.pid !== undefined) live.add(child.pid);
  const watch = child.pid !== undefined ? watchDescendants(child.pid) : null;
  const exit = (): string | null =>
    child.exitCode !== null ? `exit status ${child.exitCode}` : child.signalCode !== null ? `killed by ${child.signalCode}` : null;
  let stopping = false;
  const peer: Peer = {
    command,
    ended: () => {
      const how = exit();
      if (stopping || how === null) return null;
      const last = out.stderr.tail(1)[0];
      return `--with "${command}" exited (${how.replace('exit ', '')}) during the replay${last ? `: ${last}` : ''}`;
    },
    stderrTail: (n) => out.stderr.tail(n),
    write: (text) => {
      if (exit() !== null || !child.stdin.writable) return false;
      child.stdin.write(text);
      return true;
    },
    end: () => child.stdin.end(),
    lines: (stream) => ({ lines: out[stream].unchecked(), ended: out[stream].ended }),
    take: (stream, n) => out[stream].take(n),
    exit,
    stop: async () => {
      stopping = true;
      watch?.stop();
      if (child.pid === undefined) return { strays: [], stuck: null };
      const left = await endGroup(child.pid);
      // A daemon: it left the group, so the group's end said nothing of it.
      const found = strays(tag, watch?.known ?? new Set(), child.pid);
      const described = found.map((pid) => `pid ${pid}: ${terminalSafe(Buffer.from(commandLine(pid), 'latin1'))}`);
      const stuck = [...(left ?? []), ...(await killAll(found))];
      live.delete(child.pid);
      return {
        strays: described,
        stuck: stuck.length === 0 ? null : `--with "${command}" did not end after SIGKILL (still running: pid ${stuck.join(', ')})`,
      };
    },
  };
  return { peer, child, printedAt: () => printedAt };
}
