import { spawn } from 'node:child_process';
import { portBound } from './port-probe.js';
import { endGroup, killGroupNow } from './process-group.js';
import { timeWaitExplanation } from './time-wait.js';

/**
 * `sockshell test --with "COMMAND"`: a program under test, started before a transcript and stopped
 * after it by its process group, whatever happens. The one place sockshell starts a process.
 */
export interface Peer {
  readonly command: string;
  /** Why the program is no longer running (it crashed or exited during the replay), or null while it runs. */
  ended(): string | null;
  /**
   * Ends the program's whole process group and waits (bounded) until none of it runs, so its ports
   * are free for the next transcript. Resolves with null, or with what is still running after the bound.
   */
  stop(): Promise<string | null>;
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
  // With {port}, the transcript's port held from the start (the student's own server, left running)
  // says nothing of this program; only one that this program took shows it chose its port itself.
  const recordedHeldBefore = options.placeholder !== undefined && portBound(options.placeholder.recorded) === true;
  // A process group of its own, so `sh -c` and whatever it starts are stopped together.
  const child = spawn(command, {
    shell: true,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
  });
  let stderr = '';
  let printed = false;
  let printedAt = 0;
  child.stdout.on('data', () => {
    if (!printed) printedAt = Date.now();
    printed = true;
  });
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  if (child.pid !== undefined) live.add(child.pid);
  let stopping = false;
  const peer: Peer = {
    command,
    ended: () => {
      if (stopping || (child.exitCode === null && child.signalCode === null)) return null;
      const why = child.exitCode !== null ? `status ${child.exitCode}` : child.signalCode;
      return `--with "${command}" exited (${why}) during the replay${stderr ? `: ${lastLine(stderr)}` : ''}`;
    },
    stop: async () => {
      stopping = true;
      if (child.pid === undefined) return null;
      const left = await endGroup(child.pid);
      live.delete(child.pid);
      return left === null ? null : `--with "${command}" did not end after SIGKILL (still running: pid ${left.join(', ')})`;
    },
  };
  const deadline = Date.now() + options.readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const why = child.exitCode !== null ? `status ${child.exitCode}` : child.signalCode;
      const explained = ADDRESS_IN_USE.test(stderr) ? explainBindFailure(command, options) : [];
      throw new Error(
        [`--with "${command}" exited (${why}) before it was ready${stderr ? `: ${lastLine(stderr)}` : ''}`, ...explained].join(MORE),
      );
    }
    // With {port} the port is known, so only binding it counts: a program that printed its line but
    // bound a port of its own choosing would be graded against nothing.
    const bound = options.port !== undefined ? portBound(options.port) : false;
    if (bound === true || (printed && (options.placeholder === undefined || bound === null))) return peer;
    // Ready by its own account, half a second ago, and on the transcript's port: it chose its port itself.
    const settled = printed && Date.now() - printedAt > 500;
    if (
      options.placeholder !== undefined &&
      !recordedHeldBefore &&
      (settled || Date.now() > deadline) &&
      portBound(options.placeholder.recorded) === true
    ) {
      await peer.stop();
      throw new Error(
        [`--with "${command}" did not bind port ${options.port}, the one {port} gave it,`, ...hardCoded(options.placeholder)].join(MORE),
      );
    }
    if (Date.now() > deadline) {
      await peer.stop();
      if (options.placeholder !== undefined) {
        throw new Error(
          `--with "${command}" never bound port ${options.port}, the one {port} gave it, in ${options.readyTimeoutMs / 1000} s: does it read its port from its arguments?`,
        );
      }
      const port = options.port !== undefined ? ` and port ${options.port} was not bound` : '';
      throw new Error(
        `--with "${command}" was not ready after ${options.readyTimeoutMs / 1000} s: it printed no line${port}; give --port PORT, or make it print when ready`,
      );
    }
    await new Promise((r) => setTimeout(r, 20));
  }
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
    const tried =
      timeWaitExplanation(recorded, options.placeholder.command) !== null
        ? `port ${recorded}, the transcript's, which closed connections still hold in TIME_WAIT`
        : 'another port, one in use';
    return [`it was given port ${options.port}, which was free, so it tried ${tried};`, ...hardCoded(options.placeholder).slice(1)];
  }
  const inCommand = command.match(/\b\d{2,5}\b/g)?.map(Number) ?? [];
  const ports = [...(options.port !== undefined ? [options.port] : []), ...inCommand, ...(options.transcriptPorts ?? [])];
  for (const port of new Set(ports.filter((p) => p > 0 && p < 65536))) {
    const lines = timeWaitExplanation(port, command);
    if (lines) return lines;
  }
  return [];
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop() ?? '';
}
