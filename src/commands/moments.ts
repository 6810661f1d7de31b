import { setImmediate } from 'node:timers/promises';
import { SocketError, udpHolders } from '../engine/index.js';
import type { Address, SocketHandle, SocketInfo } from '../engine/types.js';
import { addressRepr } from '../lang/values.js';
import type { CallContext } from '../spec/command.js';

/**
 * The chapter's teachable moments: one `#` line at the call where a concept shows, said at the
 * prompt itself (not in a script or a job, whose lines would be noise or depend on timing).
 */

export function atPrompt(ctx: CallContext): boolean {
  return ctx.session.interactive && ctx.job === undefined && ctx.scope.owner === 'main';
}

/**
 * At the prompt, or in a script or piped session that was asked to say what happened underneath
 * (`sockshell -v run`, `trace`): where what an assigned read took is said (trial 8, Q: a saved interact
 * replayed with -v was silent). Not a job's: its lines would interleave with the script's.
 */
export function saysReads(ctx: CallContext): boolean {
  return atPrompt(ctx) || (!ctx.session.interactive && ctx.job === undefined && ctx.session.showsInfo());
}

/** The socket's row of the table, or null once it is closed. */
export function infoOf(ctx: CallContext, s: SocketHandle): SocketInfo | null {
  try {
    return ctx.session.engine.info(s);
  } catch {
    return null;
  }
}

/**
 * A TCP connect refused where the student expects "a server is running there": a UDP socket holds
 * the port (a UDP server, the textbook's 12000), or a TCP socket of this shell is bound to it but never
 * listened (the server that forgot listen). Said wherever it happens, as it explains the error.
 */
export async function refusedWhereUdp<T>(ctx: CallContext, port: number, connecting: Promise<T>): Promise<T> {
  try {
    return await connecting;
  } catch (e) {
    if (!(e instanceof SocketError && e.code === 'ECONNREFUSED')) throw e;
    const unlistened = ctx.session.engine
      .list()
      .find((s) => s.transport === 'tcp' && s.state === 'BOUND' && s.local !== null && s.local.port === port);
    if (unlistened !== undefined)
      ctx.info(
        `${unlistened.name} is bound to ${addressRepr(unlistened.local!)} but not listening: a connect there is refused until ${unlistened.name}.listen makes it a welcoming socket`,
      );
    else if ((udpHolders(port) ?? 0) > 0)
      ctx.info(
        `a UDP socket is bound to port ${port}, but TCP and UDP ports are separate: a TCP connect reaches only a TCP socket listening there`,
      );
    throw e;
  }
}

/** What close does on the wire, said before it closes: a FIN on a connection, nothing for UDP. */
/**
 * Before close at the prompt, an established connection gets a poll of the event loop, which reads
 * a FIN the kernel holds already: a block (the textbook's accept, recv, send, close loop) runs its
 * calls without one, and closingWords then said the peer would get b'' when it had closed already
 * (user trial 6; ss showed CLOSE-WAIT). Two immediates: when the last call ended in this turn's poll
 * phase (libuv reads the FIN after the data on the next poll), the first runs before any poll.
 * Null when there is nothing to wait for.
 */
export function finBeforeClosing(ctx: CallContext, s: SocketHandle): Promise<unknown> | null {
  if (!atPrompt(ctx) || infoOf(ctx, s)?.state !== 'ESTABLISHED') return null;
  return setImmediate().then(() => setImmediate());
}

/**
 * What close does, in the words said at the prompt: asked before the close (after it the socket has
 * no state to ask) and said after it, so that nothing (a slow terminal) comes between the state read
 * and the FIN it describes.
 */
export function closingWords(ctx: CallContext, s: SocketHandle): string[] {
  if (!atPrompt(ctx)) return [];
  const info = infoOf(ctx, s);
  if (info === null) return []; // already closed: close does nothing, as in Python
  if (info.transport === 'udp') return [`${s.name} closed; nothing is sent: UDP has no connection to end, and its port is free again`];
  switch (info.state) {
    case 'LISTEN':
      return [
        `the welcoming socket ${s.name} closed: new clients are refused; connection sockets it gave stay open`,
        ...(info.family === 'unix' && info.local !== null
          ? [
              `its socket file ${info.local.host}, which its listen created, is removed (Python's close leaves it: the next bind there fails with EADDRINUSE until os.unlink removes it)`,
            ]
          : []),
      ];
    case 'ESTABLISHED':
    case 'CLOSE_WAIT': {
      if (info.closeResets) return []; // its closed event says so
      if (info.family === 'unix')
        return [`${s.name} closed: the peer's recv returns b'' (end of stream) once it has read the rest; a Unix socket sends no packets`];
      const peer = info.peer ? ` to ${addressRepr(info.peer)}` : '';
      // After the peer's FIN there may be no recv to speak of: a peer that closed (not only shut down
      // writing) has no socket left, and this FIN ends the connection.
      return [
        info.state === 'CLOSE_WAIT'
          ? `${s.name} closed: it sends a FIN${peer} after any data still queued; the peer had sent its FIN already, so this ends the connection (a peer that only shut down writing gets b'' from recv once it has read the rest)`
          : `${s.name} closed: it sends a FIN${peer} after any data still queued; the peer's recv returns b'' (EOF) once it has read the rest`,
      ];
    }
    default:
      return []; // never connected, or its FIN went already (shutdown wr)
  }
}

/**
 * What shutdown sent, said after it, as close says what it sends: a TCP connection shut down for
 * writing (wr, rdwr) sends its FIN (user trial 5: shutdown wr said nothing). `before` is its row
 * before the call: a FIN went only from a connection whose own FIN had not gone yet.
 */
export function tellShutdown(ctx: CallContext, s: SocketHandle, how: 'rd' | 'wr' | 'rdwr', before: SocketInfo | null): void {
  if (atPrompt(ctx) && before?.transport === 'udp') return void ctx.info(udpShutdown(s.name, how));
  if (!atPrompt(ctx) || how === 'rd' || before === null || before.transport !== 'tcp' || before.family === 'unix') return;
  if (before.state !== 'ESTABLISHED' && before.state !== 'CLOSE_WAIT') return;
  const peer = before.peer ? ` to ${addressRepr(before.peer)}` : '';
  const fin = `it sends a FIN${peer} after any data still queued`;
  // Both ways: what the peer meets next depends on what it sends (Linux resets a connection that gets data after SHUT_RD).
  if (how === 'rdwr') {
    ctx.info(`${s.name} shut down both ways: ${fin}, and ${s.name} reads no more`);
    return;
  }
  const theirs =
    before.state === 'CLOSE_WAIT' ? "the peer's FIN had come already" : "the peer's recv returns b'' once it has read the rest";
  ctx.info(`${s.name} shut down for writing: ${fin}; ${theirs}; ${s.name} can still recv`);
}

/**
 * A connected UDP socket's shutdown (Linux allows it; an unconnected one's error says the same): what
 * it did not do, as a student expects TCP's FIN, and what it changed for this socket's own calls.
 */
function udpShutdown(name: string, how: 'rd' | 'wr' | 'rdwr'): string {
  const way = how === 'rd' ? 'reading' : how === 'wr' ? 'writing' : 'both ways';
  const wr = `its send and sendto now raise BrokenPipeError (EPIPE)`;
  const rd = `datagrams still arrive and recv returns them, but once none is queued recv returns b'' instead of waiting (with a timeout set, Python's recv still waits, then raises TimeoutError)`;
  const changed = how === 'rd' ? rd : how === 'wr' ? `${wr}; ${name} can still recv` : `${wr}; ${rd}`;
  return `${name} shut down ${how === 'rdwr' ? way : `for ${way}`}: nothing was sent, as UDP has no connection and no FIN (the peer knows nothing of it); ${changed}`;
}

/** After a UDP recvfrom: more datagrams already queued, each of which a recvfrom returns whole. */
export function tellMoreWaiting(ctx: CallContext, s: SocketHandle): void {
  if (!atPrompt(ctx)) return;
  const info = infoOf(ctx, s);
  if (info === null) return;
  const n = info.queued.count;
  if (info.transport !== 'udp' || n === 0) return;
  ctx.info(`${n} more datagram${n === 1 ? ' is' : 's are'} waiting on ${s.name}; each recvfrom returns one`);
}

/**
 * getsockname before the socket is bound: port 0 means the OS has not picked one yet; a TCP socket's
 * port after a failed connect is the one the OS had bound for that attempt (engine/connect-attempt.ts).
 */
export function tellUnbound(ctx: CallContext, s: SocketHandle, a: Address): void {
  if (!atPrompt(ctx) || a.family === 'unix') return; // AF_UNIX: '' is a client's name for good, not a pending pick
  if (a.port !== 0) {
    if (infoOf(ctx, s)?.state === 'UNBOUND')
      ctx.info(
        `${addressRepr(a)}: the port the OS bound for the connect that failed; the socket keeps it in its name, as Linux does, but the port is free again and the next connect picks one anew`,
      );
    return;
  }
  const first = ctx.session.engine.endpoints(s)?.transport === 'tcp' ? 'connect or listen' : 'sendto';
  ctx.info(`${addressRepr(a)}: not bound yet; the OS picks the address and a port on the first ${first} (or bind chooses them)`);
}
