/**
 * Streaming, as nc does it: bytes from an input go to one socket, and what the socket receives goes
 * to an output, both at once, until both directions are done. Every byte passes through the engine's
 * own calls (sendall/send/sendto, recv/recvfrom), so the socket table, the diagram and the traffic
 * log see a stream as they see single calls. Used by `interact` at the prompt and by
 * `sockshell connect` / `sockshell listen` on the command line.
 *
 * When it ends (nc's rules, made predictable):
 * - The input ends (Ctrl-D, end of a file): a TCP socket is half-closed (shutdown SHUT_WR, a FIN);
 *   what the peer still sends keeps arriving.
 * - The peer's FIN (recv returns b''): nothing more will arrive; the pump still sends what the input
 *   has until the input ends, as the other direction is still open.
 * - Both are done: the pump is done. UDP has no end of stream: it ends on the idle timeout or a cancel,
 *   or (inputEndsAll: interact) at the end of input.
 * - No byte either way for idleMs (nc -w): 'idle'. The signal (Ctrl-C): 'cancelled'.
 * - A failed send (EPIPE: the peer is gone) ends the input side, and the result says so (unsent); a
 *   failed receive (ECONNRESET) ends the whole pump with that error.
 */
import { cancellable } from '../core/cancellable.js';
import { Cancelled } from '../core/errors.js';
import { SocketError } from '../engine/index.js';
import type { Address, BulkPath } from '../engine/types.js';
import { CrlfState } from './crlf.js';

export interface PumpEnds {
  /** The next bytes to send; null at the end of input. May reject when signal aborts. Null: no input side. */
  readonly input: ((signal: AbortSignal) => Promise<Buffer | null>) | null;
  /**
   * Sends one chunk whole (sendall on TCP, datagrams on UDP); resolves with the bytes that went, which
   * the totals count: fewer where input was dropped (an unconnected UDP socket nobody has sent to yet).
   */
  readonly transmit: (data: Buffer, signal: AbortSignal) => Promise<number>;
  /**
   * The end of input: a TCP socket shuts down writing (FIN); nothing for UDP. peerClosed: the peer's
   * FIN has come (receive gave its end), so a reset since is the peer's answer to data sent after it.
   * Throws (a SocketError) when no FIN can go: the pump then fails with it.
   */
  readonly endInput: (peerClosed: boolean) => void;
  /** The next bytes received and their sender; `end` is true at the end of the stream (TCP FIN or reset seen as end). */
  readonly receive: (signal: AbortSignal) => Promise<{ readonly data: Buffer; readonly from: Address | null; readonly end: boolean }>;
  /**
   * The peer's end of stream as the pump tells it: a TCP peer's FIN, or an AF_UNIX peer's shutdown
   * (a Unix socket has no FIN). Absent: TCP's words.
   */
  readonly peerEndWords?: string;
  /** Where received bytes go; a promise makes the pump wait for it (stdout's backpressure). */
  readonly output: (data: Buffer, from: Address | null) => void | Promise<void>;
  /** nc -C: a line feed the input sends without a carriage return before it becomes CR LF. */
  readonly crlf: boolean;
  /**
   * The end of input ends the whole pump ('done'), not only the sending side: interact on UDP, which has
   * no FIN to send and nothing more to read from the keyboard. Absent: the receiving side goes on.
   */
  readonly inputEndsAll?: boolean;
  /** nc -w: end after this long without a byte either way; null waits forever. */
  readonly idleMs: number | null;
  /** Told as the stream goes: the peer's FIN, the input's end. One line each, no `# `. */
  readonly say: (text: string) => void;
  readonly signal: AbortSignal;
  /**
   * The bulk path (sockshell connect/listen with the addon: engine/bulk-pump.ts): input to the socket
   * and the socket to output inside the kernel, while each direction is plain bytes. What it leaves
   * (the FIN, a reset, trouble with input or output) the ends above meet and tell, as without it.
   */
  readonly bulk?: BulkPath | null;
  /** Told the totals as the pump ends, however it ends: a failure (a reset) rejects with no result to carry them. */
  readonly counted?: (totals: { readonly sent: number; readonly received: number }) => void;
}

export type PumpEnd = 'done' | 'idle' | 'cancelled';

export interface PumpResult {
  readonly end: PumpEnd;
  readonly sent: number;
  readonly received: number;
  /** The error code of a send that failed and so ended the input side before its end (EPIPE); null when none did. */
  readonly unsent: string | null;
}

/**
 * The bulk path could not write into the output (engine/bulk-pump.ts): bytes received are lost, so the
 * output ends with `cause`, its write error (code ENOSPC, EFBIG...), as a failed write of the output's own would end it.
 */
export class OutputFailed extends Error {
  constructor(override readonly cause: Error) {
    super(cause.message);
  }
}

/**
 * Runs both directions until both are done (see the file comment). Rejects only with a receive's error,
 * or OutputFailed.
 */
export async function pump(ends: PumpEnds): Promise<PumpResult> {
  const stop = new AbortController();
  const cancel = () => stop.abort();
  ends.signal.addEventListener('abort', cancel, { once: true });
  let end: PumpEnd = 'done';
  let idle: NodeJS.Timeout | null = null;
  const touch = (): void => {
    if (ends.idleMs === null) return;
    if (idle) clearTimeout(idle);
    idle = setTimeout(() => {
      end = 'idle';
      stop.abort();
    }, ends.idleMs);
  };
  touch();
  let sent = 0;
  let received = 0;
  let unsent: string | null = null;
  const lf = new CrlfState();

  let inputDone = ends.input === null;
  /** The send in flight, while one is: a reset the receiving side meets fails it too. */
  let transmitting: Promise<unknown> | null = null;
  let peerClosed = false;
  const path = ends.bulk ?? null;
  // Each direction the bulk path takes is handed back (resolved) when it leaves it to the ends.
  let bulkIn = path !== null && path.input && ends.input !== null && !ends.crlf && path.canSend();
  let bulkOut = path !== null && path.output && path.takeReading();
  const inputBack = handBack();
  const outputBack = handBack();
  if (!bulkIn) inputBack.give();
  if (!bulkOut) outputBack.give();
  const inBulk = async (): Promise<void> => {
    if (path === null) return;
    try {
      while ((bulkIn || bulkOut) && !stop.signal.aborted) {
        const step = path.step(bulkIn, bulkOut);
        sent += step.sent;
        received += step.received;
        if (step.sent + step.received > 0) touch();
        switch (step.event) {
          case 'moved':
            await Promise.resolve(); // what JavaScript queued meanwhile runs
            break;
          case 'quiet': // a slice with nothing to move: a turn costs nothing, and lets a watcher started meanwhile in
          case 'loop':
            await loopTurn(); // a timer, a signal, Node's reading...
            break;
          case 'input-end':
            bulkIn = false;
            inputDone = true;
            ends.endInput(peerClosed);
            break;
          case 'send-failed':
            bulkIn = false;
            inputDone = true;
            ends.say(step.error?.message ?? 'sending failed');
            unsent = step.error instanceof SocketError ? step.error.code : 'EPIPE';
            break;
          // A direction handed back starts Node's own reading (stdin's, or the socket's, for its FIN or
          // reset). libuv watches a descriptor only from the loop's next turn, and the path's waits see
          // only what the loop watches: without a turn here, a reset waits for the other direction to end.
          case 'input-off':
            bulkIn = false;
            inputBack.give();
            await loopTurn();
            break;
          case 'output-off':
            bulkOut = false;
            outputBack.give();
            await loopTurn();
            break;
          case 'output-failed':
            bulkOut = false;
            throw new OutputFailed(step.error ?? new Error('write failed'));
          default: {
            const exhaustive: never = step.event;
            throw new Error(String(exhaustive));
          }
        }
      }
    } finally {
      // Ended or stopped: a direction still the path's ends with it (the ends see the stop at once).
      if (bulkIn && !stop.signal.aborted) inputBack.give();
      else inputBack.end();
      if (bulkOut && !stop.signal.aborted) outputBack.give();
      else outputBack.end();
    }
  };
  const sending = async (): Promise<void> => {
    if (ends.input === null || !(await inputBack.given) || inputDone) return;
    for (;;) {
      // Bounded by the stop even if the input ignores its signal: a read that never returns must not hold the pump.
      const chunk = await cancellable(ends.input(stop.signal), stop.signal, 'read');
      if (chunk === null) {
        inputDone = true;
        ends.endInput(peerClosed);
        if (ends.inputEndsAll === true) stop.abort(); // the receiving side's wait ends as a stop does
        return;
      }
      touch();
      const data = ends.crlf ? lf.convert(chunk) : chunk;
      let went: number;
      try {
        went = await (transmitting = ends.transmit(data, stop.signal));
      } catch (e) {
        // The peer is gone: nothing more can be sent, but what it sent before may still be queued.
        if (e instanceof SocketError && e.code !== 'EINTR' && e.code !== 'ETIMEDOUT') {
          ends.say(e.message);
          unsent = e.code;
          inputDone = true;
          return;
        }
        throw e;
      }
      transmitting = null;
      sent += went;
      touch();
    }
  };
  const receiving = async (): Promise<void> => {
    if (!(await outputBack.given)) return;
    for (;;) {
      let got;
      try {
        got = await ends.receive(stop.signal);
      } catch (e) {
        // The engine hands a send's refusal (EPIPE: the peer is gone) to a recv waiting beside it, which
        // Linux's recv never returns. The send that met it says so and ends the input: reading ends here.
        if (e instanceof SocketError && e.code === 'EPIPE') return;
        // A reset ends a send in flight as well, which says how much of its chunk had gone out: let it
        // fail on its own (bounded) before the stop would cancel it unsaid. Which side meets a reset
        // first is the event loop's order, so the count was said in some runs and not in others.
        if (e instanceof SocketError && e.code === 'ECONNRESET' && transmitting !== null) await settled(sendingSide, SEND_SETTLE_MS);
        throw e;
      }
      const { data, from, end: atEnd } = got;
      if (atEnd) {
        peerClosed = true;
        if (!inputDone)
          ends.say(
            `${ends.peerEndWords ?? 'the peer closed its side (FIN)'}: nothing more will arrive; sending goes on until the input ends`,
          );
        return;
      }
      touch();
      received += data.length;
      await ends.output(data, from);
    }
  };

  const sendingSide = sending();
  try {
    await Promise.all([inBulk(), sendingSide, receiving()].map((side) => side.catch(stopped)));
  } catch (e) {
    stop.abort(); // the other side is waiting on a call of its own: end it
    throw e;
  } finally {
    if (idle) clearTimeout(idle);
    ends.signal.removeEventListener('abort', cancel);
    ends.counted?.({ sent, received });
  }
  if (ends.signal.aborted) end = 'cancelled';
  return { end, sent, received, unsent };

  /** A side cut short by the stop (idle, cancel) ended as the pump ends; anything else fails the pump. */
  function stopped(e: unknown): void {
    if (stop.signal.aborted && (e instanceof Cancelled || (e instanceof SocketError && e.code === 'EINTR'))) return;
    throw e;
  }
}

/** How long a send in flight gets to fail on its own after the receiving side met a reset: a bound, never reached in practice. */
const SEND_SETTLE_MS = 1000;

/** Resolves when promise settles, either way, or after ms. */
function settled(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  return Promise.race([promise.then(noop, noop), bound]).finally(() => clearTimeout(timer));
}

const noop = (): void => undefined;

/** One turn of the event loop: its timers, its I/O (and the watchers started since the last turn). */
const loopTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A direction the bulk path hands back to the ends (given: true) or ends itself (false). */
function handBack(): { given: Promise<boolean>; give: () => void; end: () => void } {
  let settle: (given: boolean) => void = () => undefined;
  const given = new Promise<boolean>((resolve) => (settle = resolve));
  return { given, give: () => settle(true), end: () => settle(false) };
}
