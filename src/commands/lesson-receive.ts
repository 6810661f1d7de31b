import type { EngineEvent } from '../engine/types.js';
import type { Stmt } from '../lang/ast.js';
import { NONE, equal, itemsOf, repr, type Value } from '../lang/values.js';
import { compile } from './check.js';

/**
 * The lesson's receiving steps and their near misses. A receive takes data out of the socket: when
 * the student types a call that receives on the step's socket but is not the step (the assignment
 * left out, another name), the data the step was for is gone, and typing the step then waits for
 * data that already came. So the lesson judges a receiving step by its effect too: the step is done
 * when the step's variables hold what came, however the student got it there (`sentence = $_` after
 * a bare `connectionSocket.recv 1024`). It never assigns for the student: it says what is missing and
 * the one line that keeps what arrived, and warns before a receive that would wait for data already
 * taken (lesson-run.ts `before`).
 */

const RECEIVES: ReadonlySet<string> = new Set(['recv', 'recvfrom', 'recvline', 'recvuntil', 'recvexactly']);

/** A step that receives, read from its own text: `message, clientAddress = serverSocket.recvfrom 2048`. */
export interface ReceiveStep {
  /** The socket's label, as the lesson names it (serverSocket). */
  readonly socket: string;
  readonly call: string;
  /** The names the step keeps the result in; empty when it only looks (`clientSocket.recv 1024` for the EOF). */
  readonly targets: readonly string[];
}

export function receiveStep(text: string): ReceiveStep | null {
  const [stmt, ...more] = compile(text).program;
  const on = stmt === undefined || more.length > 0 ? null : receivesOn(stmt);
  if (stmt?.kind !== 'command' || on === null) return null;
  return { socket: on, call: stmt.call.name, targets: stmt.targets.map((t) => t.name) };
}

/** What receiving calls handed the application, by socket label, since the last `take`. */
export class Receipts {
  private got: { readonly socket: string; readonly data: Buffer }[] = [];

  hear(event: EngineEvent): void {
    if (event.kind === 'returned' && RECEIVES.has(event.call)) this.got.push({ socket: event.socket, data: Buffer.from(event.data) });
  }

  has(socket: string): boolean {
    return this.got.some((g) => g.socket === socket);
  }

  clear(): void {
    this.got = [];
  }

  /** The data received on socket since the last take (null: none was), and forgets all. */
  take(socket: string): Buffer | null {
    const mine = this.got.filter((g) => g.socket === socket);
    this.got = [];
    return mine.length === 0 ? null : Buffer.concat(mine.map((g) => g.data));
  }
}

/** Reads a variable of the student's scope; undefined when it is not set. */
export type Peek = (name: string) => Value | undefined;

/** A receiving step's data taken by another command: what it was, and where it still is. */
export interface NearMiss {
  /** The index of the step it was for. */
  readonly at: number;
  /** The line that took it. */
  readonly typed: string;
  readonly data: Buffer;
  /** The names the line kept the result in (none: it was only shown). */
  readonly into: readonly string[];
  /** The variable holding that command's result right after it ($_ or the student's own name), and its value; null when none does. */
  readonly holder: { readonly name: string; readonly value: Value } | null;
}

/** The near miss of step `rs` by the chunk `source`, which received `data` on the step's socket. */
export function nearMiss(at: number, rs: ReceiveStep, source: string, data: Buffer, peek: Peek): NearMiss {
  const stmt = compile(source).program.find((s) => receivesOn(s) === rs.socket);
  // A result nobody took is $_; one name holds it; several unpacked it, and $_ still has it whole.
  const name = stmt?.kind !== 'command' ? null : stmt.targets.length === 1 ? stmt.targets[0]!.name : '_';
  const value = name === null ? undefined : peek(name);
  const into = stmt?.kind === 'command' ? stmt.targets.map((t) => t.name) : [];
  return { at, typed: source.trim(), data, into, holder: name === null || value === undefined ? null : { name, value } };
}

/** The step's variables hold what the near miss received (a single name the whole result, or one item each). */
export function kept(rs: ReceiveStep, miss: NearMiss, peek: Peek): boolean {
  if (miss.holder === null || rs.targets.length === 0) return false;
  const whole = miss.holder.value;
  const parts = rs.targets.length === 1 ? [whole] : itemsOf(whole);
  if (parts === null || parts.length !== rs.targets.length) return false;
  return rs.targets.every((t, i) => same(peek(t), parts[i]!));
}

/** The line that keeps what arrived under the step's names, or null when none can (recv gave no address for recvfrom's two names). */
export function keepLine(rs: ReceiveStep, miss: NearMiss, peek: Peek): string | null {
  const holder = miss.holder;
  if (holder === null || rs.targets.length === 0 || !same(peek(holder.name), holder.value)) return null;
  if (rs.targets.length > 1 && itemsOf(holder.value)?.length !== rs.targets.length) return null;
  return `${rs.targets.join(', ')} = $${holder.name}`;
}

/** What the lesson says at the near miss: what came, what is missing, and how to go on. */
export function nearMissWords(rs: ReceiveStep, step: string, miss: NearMiss, queued: number | null, peek: Peek): string {
  const keep = keepLine(rs, miss, peek);
  const names = rs.targets.join(', ');
  const into = miss.into;
  const pair = into.length === 1 && rs.targets.length > 1 && itemsOf(miss.holder?.value ?? NONE)?.length === rs.targets.length;
  const missing =
    into.length === 0
      ? `Nothing kept it, and the next steps need it in ${names}: ${step}.`
      : pair
        ? `${into[0]} holds it with the sender's address, as one pair: ${rs.call} returns both, and the textbook unpacks them into two names: ${step}.`
        : `It went into ${into.join(', ')}, and the next steps need it in ${names}: ${step}.`;
  const gone =
    queued === 0
      ? `It is out of ${rs.socket} now, so typing the step would wait for data that already came.`
      : `Typing the step now would take the next data waiting instead.`;
  const noAddress =
    keep === null && rs.targets.length > 1 && miss.holder !== null
      ? ` That call gave the data alone; ${rs.call} gives the sender's address too, which the server needs to reply.`
      : '';
  const go =
    keep === null
      ? `Send again from the client, then type the step.`
      : `Keep what arrived: ${keep}${miss.holder?.name === '_' ? ' ($_ is the last result)' : ''}`;
  return `Nearly: ${miss.typed} received ${repr({ kind: 'bytes', value: miss.data })}, the data this step is for. ${missing} ${gone}${noAddress} ${go}`;
}

/** The words before a receive that would wait for data a near miss already took. */
export function takenWords(rs: ReceiveStep, miss: NearMiss, peek: Peek): string {
  const keep = keepLine(rs, miss, peek);
  return (
    `Nothing is waiting on ${rs.socket}: what came (${repr({ kind: 'bytes', value: miss.data })}) was taken by ${miss.typed}. ` +
    `This call waits until the other end sends again (Ctrl-C cancels)` +
    (keep === null ? '.' : `; to go on with what came instead: Ctrl-C, then ${keep}`)
  );
}

/** The socket a statement receives on (NAME.recv ...), or null. */
function receivesOn(stmt: Stmt): string | null {
  if (stmt.kind !== 'command' || stmt.call.target === null || !RECEIVES.has(stmt.call.name)) return null;
  return stmt.call.target.name;
}

function same(a: Value | undefined, b: Value): boolean {
  return a !== undefined && (a === b || (a.kind === b.kind && equal(a, b)));
}
