import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { endGroup, killGroupNow } from './process-group.js';

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
}

/** Process groups still running; killed if sockshell itself ends first (a second Ctrl-C, kill, a closed terminal). */
const live = new Set<number>();
let guarded = false;

function guard(): void {
  if (guarded) return;
  guarded = true;
  process.on('exit', () => {
    for (const pid of live) killGroupNow(pid);
  });
  // Without handlers these signals end Node without running 'exit' handlers.
  for (const [signal, code] of [['SIGTERM', 143], ['SIGHUP', 129]] as const) process.on(signal, () => process.exit(code));
}

export async function startPeer(command: string, options: PeerOptions): Promise<Peer> {
  guard();
  // A port already held would make any program look ready (a leftover server would be graded).
  if (options.port !== undefined && (await portInUse(options.port))) {
    throw new Error(`port ${options.port} is in use before --with "${command}" started: another program (a leftover server?) holds it`);
  }
  // A process group of its own, so `sh -c` and whatever it starts are stopped together.
  const child = spawn(command, { shell: true, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PYTHONUNBUFFERED: '1' } });
  let stderr = '';
  let printed = false;
  child.stdout!.on('data', () => (printed = true));
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
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
      throw new Error(`--with "${command}" exited (${why}) before it was ready${stderr ? `: ${lastLine(stderr)}` : ''}`);
    }
    if (printed || (options.port !== undefined && (await portInUse(options.port)))) return peer;
    if (Date.now() > deadline) {
      await peer.stop();
      const port = options.port !== undefined ? ` and port ${options.port} was not bound` : '';
      throw new Error(`--with "${command}" was not ready after ${options.readyTimeoutMs / 1000} s: it printed no line${port}; give --port PORT, or make it print when ready`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop() ?? '';
}

/** Someone has this port: binding it ourselves fails with EADDRINUSE (TCP or UDP). */
async function portInUse(port: number): Promise<boolean> {
  const tcp = await new Promise<boolean>((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(true));
    s.listen({ port, host: '0.0.0.0', exclusive: true }, () => s.close(() => resolve(false)));
  });
  if (tcp) return true;
  return new Promise<boolean>((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => resolve(true));
    s.bind({ port, address: '0.0.0.0', exclusive: true }, () => s.close(() => resolve(false)));
  });
}
