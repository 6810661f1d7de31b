import { spawn } from 'node:child_process';
import { terminalSafe } from '../render/terminal.js';
import { portSockets } from '../engine/index.js';
import { portBound, takenSince } from './port-probe.js';
import { holdings, ownSocket, portsInstead, servedBy, stdioSockets } from './program-ports.js';
import { missingFileWords } from './missing-file.js';
import { neverBound } from './never-bound.js';
import { endGroup, killGroupNow } from './process-group.js';
import { commandLine, killAll, newTag, startTime, strays, TAG_VARIABLE, watchDescendants } from './process-tree.js';
import { ProgramOutput } from './program-output.js';
import { Change } from './change.js';
import type { ProgramIo } from './program-replay.js';
import { exitSeen, FIRST_LOOK_MS, LAST_LOOK_MS, nextLook, pipesEnded } from './start-looks.js';
import { MOST_STRETCH, systemClock, type ReadyClock } from './ready-clock.js';
import { ADDRESS_IN_USE, explainBindFailure, hardCoded, portArgument, PortTaken, StartFailure, studentPort } from './start-failure.js';

/**
 * `sockshell test --with "COMMAND"`: a program under test, started before a transcript and stopped
 * after it by its process group, whatever happens. The one place sockshell starts a process.
 */
export interface Peer extends ProgramIo {
  readonly command: string;
  /** Why the program is no longer running (it crashed or exited before it was stopped), or null while it runs. */
  ended(): string | null;
  /** The last lines of its standard error, escaped. */
  stderrTail(n: number): string[];
  /** Its process group (the pid sockshell started), where it started. */
  readonly pgid: number | undefined;
  /** Resolves once Node has seen it exit. */
  readonly exited: Promise<void>;
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
  /** What the ready wait reads of time (a test's clock); the system's by default. */
  readonly clock?: ReadyClock;
}

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
  // The program, as a student knows it: how it was run is the instructor's business.
  const given = options.placeholder !== undefined ? portArgument(options.placeholder.command) : '';
  // A port already held would make any program look ready (a leftover server would be graded).
  // Closed connections in TIME_WAIT are no program: it is started, and told why if it cannot bind.
  if (options.port !== undefined && portBound(options.port) === true) {
    if (options.placeholder !== undefined) throw new PortTaken(options.placeholder.command, options.port, 'before it started');
    throw new StartFailure(
      [`port ${options.port} is in use before --with "${command}" started: another program (a leftover server?) holds it`],
      [`the program could not be graded: port ${options.port} was in use before it started, held by another program (not this one)`],
    );
  }
  // With {port}, the sockets on the transcript's port from the start (the student's own server, left
  // running; with -j, this program in a run beside this one) say nothing of this program; only a socket
  // that was not there then shows it chose its port itself. Told by socket, not by "the port was held":
  // a run beside this one can let the port go and this program take it between two looks, and this
  // run then waited out its ready timeout and said the program never bound its port.
  const recordedBefore = options.placeholder !== undefined ? portSockets(options.placeholder.recorded) : null;
  const clock = options.clock ?? systemClock;
  const { peer, child, printedAt } = spawnPeer(command, clock);
  const inherited = child.pid !== undefined ? stdioSockets(child.pid) : new Set<string>();
  const started = clock.now();
  const deadline = started + options.readyTimeoutMs;
  // --ready-timeout counts the program's own time: what it waited for a CPU that other programs held is
  // added to the deadline, up to MOST_STRETCH times --ready-timeout on the clock (ready-clock.ts).
  const waited = child.pid !== undefined ? clock.cpuWait(child.pid, started) : () => 0;
  const mostAdded = (MOST_STRETCH - 1) * options.readyTimeoutMs;
  let pause = FIRST_LOOK_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      // Its last words may still be in the pipes when the exit is seen: wait (bounded) for their ends.
      await pipesEnded(child, peer);
      const why = child.exitCode !== null ? `status ${child.exitCode}` : child.signalCode;
      const last = peer.stderrTail(1)[0];
      const inUse = last !== undefined && ADDRESS_IN_USE.test(peer.stderrTail(5).join('\n'));
      // It said it was ready (its first line) and ended: whether the port it bound was seen before the
      // end is a matter of timing, so it is graded as started, and fails where the transcript first
      // waits for it, the same way every run (user trial 5: "before it was ready" or "during the replay").
      if (printedAt() !== null && !inUse) return peer;
      await peer.stop();
      // Its port is held with the program stopped: another program took the fresh port first.
      if (inUse && options.placeholder !== undefined && options.port !== undefined && portBound(options.port) === true)
        throw new PortTaken(options.placeholder.command, options.port, 'before it could bind it');
      const explained = inUse ? explainBindFailure(command, options) : { instructor: [], student: [] };
      const words = `exited (${why}) before it was ready${last ? `: ${last}` : ''}`;
      // Not there: said in the submission's terms, without the grader's interpreter and folders.
      const missing = missingFileWords(peer.stderrTail(5));
      if (missing !== null) throw new StartFailure([`--with "${command}" ${words}`, missing.instructor], [missing.student]);
      throw new StartFailure(
        [`--with "${command}" ${words}`, ...explained.instructor],
        [`the program ${words}`, ...explained.student],
        inUse,
      );
    }
    // With {port} the port is known, so only a server on it counts: a program that printed its line but
    // bound a port of its own choosing would be graded against nothing. A TCP socket counts once it
    // listens: a connect between its bind and its listen is refused.
    const printed = printedAt() !== null;
    // One reading of the clock per look, so `late` and the deadline below agree (read twice, a look began
    // not late, took no holdings, then found the deadline past: "never bound", not the port it bound).
    const now = clock.now();
    const due = now > deadline + Math.min(waited(now), mostAdded);
    const settled = printed && now - printedAt()! > 500;
    // The kernel's tables are read once the program has a socket of its own (ownSocket), and always when
    // late, so a server that escaped its parent (a daemon) is still seen.
    const late = settled || due;
    const look = options.port !== undefined && (late || child.pid === undefined || ownSocket(child.pid, inherited) !== false);
    // Until late, a server on the fresh port counts only as the program's: not another program's that took it.
    const bound = look ? servedBy(options.port, options.placeholder !== undefined && !late ? child.pid : undefined) : false;
    if (bound === true || (printed && (options.placeholder === undefined || bound === null))) return peer;
    // Ready by its own account, half a second ago, and on the transcript's port: it chose its port itself.
    if (options.placeholder !== undefined && late && takenSince(options.placeholder.recorded, recordedBefore)) {
      await peer.stop();
      const advice = hardCoded(options.placeholder);
      throw new StartFailure(
        [`--with "${command}" did not bind the port {port} gave it,`, ...advice.instructor],
        [`the program did not bind ${given},`, ...advice.student],
      );
    }
    // Ready by its own account half a second ago, and a server on another port: it chose that port (one
    // written into it, or worked out wrong: serverPort + 1). Waiting out --ready-timeout changes nothing,
    // and "never bound" alone left the student to guess what it did bind.
    const held = late && child.pid !== undefined ? holdings(child.pid) : null;
    const elsewhere = options.placeholder !== undefined && held !== null ? portsInstead(held.ports, options.port) : '';
    if (elsewhere !== '') {
      await peer.stop();
      throw new StartFailure(
        [
          `--with "${command}" did not bind the port {port} gave it; it bound ${elsewhere} instead: does it read its port from its arguments?`,
        ],
        [`the program did not bind ${given}; it bound ${studentPort(elsewhere)} instead: does it read its port from its arguments?`],
      );
    }
    if (late && held?.running === 0 && (await exitSeen(child))) continue; // it ended as we looked: said at the top
    if (due) {
      await peer.stop();
      const seconds = `${options.readyTimeoutMs / 1000} s`;
      const clockNote = onTheClock(now - started, options.readyTimeoutMs, waited(now));
      if (options.placeholder !== undefined) {
        const said = neverBound(held, { command, given, seconds });
        throw new StartFailure([said.instructor + clockNote], [said.student]);
      }
      const bound = held !== null && options.port !== undefined ? portsInstead(held.ports, undefined) : '';
      const port = options.port !== undefined ? ` and port ${options.port} was not bound${bound !== '' ? ` (it bound ${bound})` : ''}` : '';
      throw new StartFailure(
        [
          `--with "${command}" was not ready after ${seconds}: it printed no line${port}; give --port PORT, or make it print when ready${clockNote}`,
        ],
        [`the program was not ready after ${seconds}: it printed no line${port}`],
      );
    }
    pause = (await nextLook(child, pause)) ? FIRST_LOOK_MS : Math.min(2 * pause, LAST_LOOK_MS);
  }
}

/**
 * For the instructor, where the ready wait lasted longer on the clock than --ready-timeout: how long, and
 * how much of it the program waited for a CPU (capped at MOST_STRETCH, the rest may be its own). '' where
 * it lasted at most half a second longer.
 */
function onTheClock(ms: number, readyTimeoutMs: number, waitedMs: number): string {
  if (ms - readyTimeoutMs <= 500) return '';
  return ` (${(ms / 1000).toFixed(1)} s on the clock, ${(waitedMs / 1000).toFixed(1)} s of it waiting for a CPU that other programs held)`;
}

/**
 * Starts the program, in its own process group, with its standard input, output and error piped,
 * and returns at once: a client started by `program> start` is not waited for. Its output is kept
 * (escaped) for `program> stdout` and reports; `printedAt` is when it first wrote to stdout.
 */
export function spawnPeer(
  command: string,
  clock: ReadyClock = systemClock,
): { peer: Peer; child: ReturnType<typeof spawn>; printedAt: () => number | null } {
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
  // What a `program> stdout` check waits on (ProgramIo.changed): settled by each of the events below.
  const change = new Change();
  child.stdout.on('data', (d: Buffer) => {
    printedAt ??= clock.now();
    out.stdout.add(d);
    change.happened();
  });
  child.stderr.on('data', (d: Buffer) => {
    out.stderr.add(d);
    change.happened();
  });
  for (const name of ['stdout', 'stderr'] as const)
    child[name].on('close', () => {
      out[name].ended = true;
      change.happened();
    });
  child.on('exit', () => change.happened());
  child.stdin.on('error', () => {}); // EPIPE: it exited or closed its input; write() says so
  if (child.pid !== undefined) live.add(child.pid);
  const watch = child.pid !== undefined ? watchDescendants(child.pid) : null;
  const since = child.pid !== undefined ? startTime(child.pid) : null;
  const exit = (): string | null =>
    child.exitCode !== null ? `exit status ${child.exitCode}` : child.signalCode !== null ? `killed by ${child.signalCode}` : null;
  let stopping = false;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const peer: Peer = {
    command,
    pgid: child.pid,
    exited,
    ended: () => {
      const how = exit();
      if (stopping || how === null) return null;
      const last = out.stderr.tail(1)[0];
      return `--with "${command}" exited (${how.replace('exit ', '')}) before it was stopped${last ? `: ${last}` : ''}`;
    },
    stderrTail: (n) => out.stderr.tail(n),
    write: (text) => {
      if (exit() !== null || !child.stdin.writable) return false;
      child.stdin.write(text);
      return true;
    },
    end: () => child.stdin.end(),
    lines: (stream) => ({ lines: out[stream].unchecked(), ended: out[stream].ended, unfinished: out[stream].unfinished() }),
    take: (stream, n) => out[stream].take(n),
    exit,
    changed: () => change.next(),
    stop: async () => {
      stopping = true;
      watch?.stop();
      if (child.pid === undefined) return { strays: [], stuck: null };
      const leaderExited = exit() !== null ? Promise.resolve() : new Promise((r) => child.once('exit', r));
      const left = await endGroup(child.pid, { leaderExited });
      // A daemon: it left the group, so the group's end said nothing of it.
      const found = strays(tag, watch?.known ?? new Set(), child.pid, since);
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
