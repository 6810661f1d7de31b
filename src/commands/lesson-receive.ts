import type { EngineEvent } from '../engine/types.js';
import type { Stmt } from '../lang/ast.js';
import { NONE, clientRepr, equal, itemsOf, repr, type Value } from '../lang/values.js';
import { compile } from './check.js';

/**
 * The lesson's taking steps and their near misses. recv takes data out of a socket, and accept takes
 * a connection out of the welcoming socket's queue: when the student types a call that takes from
 * the step's socket but is not the step (the assignment left out, one name for a pair, another
 * name), what the step was for is gone, and typing the step then waits for something that already
 * came. So the lesson judges such a step by its effect too: it is done when the step's names hold
 * what came, however the student got it there (`sentence = $_` after a bare
 * `connectionSocket.recv 1024`), and warns before a call that would wait for what was already taken
 * (lesson-run.ts `before`).
 *
 * Why this and not the alternatives. Counting the near miss as the step would leave the next step
 * (`upper $sentence`) failing on a variable that was never set, and setting it for the student
 * breaks the lesson's rule that the student types everything. Refusing to run the step would make
 * the lesson stop a real call, and in two terminals waiting is right once the other side sends
 * again. Sending again is offered too, but it needs the other program (another terminal, with two),
 * while the keep line needs nothing but what is already on the screen: the data arrived and is shown,
 * only the name is missing, which is the thing to learn.
 */

const RECEIVES: ReadonlySet<string> = new Set(['recv', 'recvfrom', 'recvline', 'recvuntil', 'recvexactly']);

/** What a step takes, and how the lesson speaks of it. */
type Takes = 'data' | 'connection';

const WORDS: Readonly<Record<Takes, { readonly out: string; readonly waits: string; readonly instead: string; readonly again: string }>> = {
  data: {
    out: ' now, so typing the step would wait for data that already came',
    waits: 'until the other end sends again',
    instead: 'the next data waiting',
    again: 'Send again from the client, then type the step.',
  },
  connection: {
    out: "'s accept queue now, so typing the step would wait for a client that already came",
    waits: 'until another client connects',
    instead: 'the next client waiting',
    again: 'Connect another client, then type the step.',
  },
};

/** A step that takes, read from its own text: `message, clientAddress = serverSocket.recvfrom 2048`. */
export interface ReceiveStep {
  /** The socket's label, as the lesson names it (serverSocket). */
  readonly socket: string;
  readonly call: string;
  readonly takes: Takes;
  /** The names the step keeps the result in; empty when it only looks (`clientSocket.recv 1024` for the EOF). */
  readonly targets: readonly string[];
}

export function receiveStep(text: string): ReceiveStep | null {
  const [stmt, ...more] = compile(text).program;
  const on = stmt === undefined || more.length > 0 ? null : takesFrom(stmt);
  if (stmt?.kind !== 'command' || on === null) return null;
  const call = stmt.call.name;
  return { socket: on, call, takes: call === 'accept' ? 'connection' : 'data', targets: stmt.targets.map((t) => t.name) };
}

/** What taking calls handed the application, by socket serial, since the last `take`, as the lesson shows it. */
export class Receipts {
  private got: { readonly serial: number; readonly shown: string }[] = [];

  hear(event: EngineEvent): void {
    if (event.kind === 'returned' && RECEIVES.has(event.call))
      this.got.push({ serial: event.serial, shown: repr({ kind: 'bytes', value: Buffer.from(event.data) }) });
    else if (event.kind === 'accepted') this.got.push({ serial: event.serial, shown: `the connection from ${clientRepr(event.peer)}` });
  }

  has(serial: number | undefined): boolean {
    return this.got.some((g) => g.serial === serial);
  }

  clear(): void {
    this.got = [];
  }

  /** What was taken from the socket since the last take (null: nothing was), and forgets all. */
  take(serial: number | undefined): string | null {
    const mine = this.got.filter((g) => g.serial === serial);
    this.got = [];
    return mine.length === 0 ? null : mine.map((g) => g.shown).join(' and ');
  }
}

/** Reads a variable of the student's scope; undefined when it is not set. */
export type Peek = (name: string) => Value | undefined;

/** A taking step's data or connection taken by another command: what it was, and where it still is. */
export interface NearMiss {
  /** The line that took it. */
  readonly typed: string;
  /** What it took, as the lesson shows it: b'hello', the connection from ('127.0.0.1', 45734). */
  readonly shown: string;
  /** The names the line kept the result in (none: it was only shown). */
  readonly into: readonly string[];
  /** The variable holding that command's result right after it ($_ or the student's own name), and its value; null when none does. */
  readonly holder: { readonly name: string; readonly value: Value } | null;
}

/** The near miss of step `rs` by the chunk `source` (`asLesson`: with the lesson's names for its sockets), which took `shown` from the step's socket. */
export function nearMiss(rs: ReceiveStep, source: string, asLesson: string, shown: string, peek: Peek): NearMiss {
  const stmt = compile(asLesson).program.find((s) => takesFrom(s) === rs.socket);
  // A result nobody took is $_; one name holds it; several unpacked it, and $_ still has it whole.
  const name = stmt?.kind !== 'command' ? null : stmt.targets.length === 1 ? stmt.targets[0]!.name : '_';
  const value = name === null ? undefined : peek(name);
  const into = stmt?.kind === 'command' ? stmt.targets.map((t) => t.name) : [];
  return { typed: source.trim(), shown, into, holder: name === null || value === undefined ? null : { name, value } };
}

/** The step's names hold what the near miss took (a single name the whole result, or one item each). */
export function kept(rs: ReceiveStep, miss: NearMiss, peek: Peek): boolean {
  if (miss.holder === null || rs.targets.length === 0) return false;
  const whole = miss.holder.value;
  const parts = rs.targets.length === 1 ? [whole] : itemsOf(whole);
  if (parts === null || parts.length !== rs.targets.length) return false;
  return rs.targets.every((t, i) => same(peek(t), parts[i]!));
}

/** The line that keeps what came under the step's names, or null when none can (recv gave no address for recvfrom's two names). */
export function keepLine(rs: ReceiveStep, miss: NearMiss, peek: Peek): string | null {
  const holder = miss.holder;
  if (holder === null || rs.targets.length === 0 || !same(peek(holder.name), holder.value)) return null;
  if (rs.targets.length > 1 && itemsOf(holder.value)?.length !== rs.targets.length) return null;
  return `${rs.targets.join(', ')} = $${holder.name}`;
}

/** The hint after a near miss: keep what came, or make it come again; null when nothing can keep it. */
export function keepHint(rs: ReceiveStep, miss: NearMiss, peek: Peek, step: string): string | null {
  const keep = keepLine(rs, miss, peek);
  const again = rs.takes === 'connection' ? 'connect another client' : 'send again from the client';
  return keep === null ? null : `Keep what came: ${keep}; or ${again} and type ${step}`;
}

/** What the lesson says at the near miss: what came, what is missing, and how to go on. */
export function nearMissWords(rs: ReceiveStep, step: string, miss: NearMiss, queued: number | null, peek: Peek): string {
  const keep = keepLine(rs, miss, peek);
  const names = rs.targets.join(', ');
  const into = miss.into;
  const other = rs.takes === 'connection' ? "the client's" : "the sender's";
  const pair = into.length === 1 && rs.targets.length > 1 && itemsOf(miss.holder?.value ?? NONE)?.length === rs.targets.length;
  const missing =
    into.length === 0
      ? `Nothing kept it, and the next steps need it in ${names}: ${step}.`
      : pair
        ? `${into[0]} holds it with ${other} address, as one pair: ${rs.call} returns both, and the textbook unpacks them into two names: ${step}.`
        : `It went into ${into.join(', ')}, and the next steps need it in ${names}: ${step}.`;
  const gone =
    queued === 0
      ? `It is out of ${rs.socket}${WORDS[rs.takes].out}.`
      : `Typing the step now would take ${WORDS[rs.takes].instead} instead.`;
  const noAddress =
    keep === null && rs.targets.length > 1 && miss.holder !== null
      ? ` That call gave the data alone; ${rs.call} gives the sender's address too, which the server needs to reply.`
      : '';
  const go =
    keep === null ? WORDS[rs.takes].again : `Keep what came: ${keep}${miss.holder?.name === '_' ? ' ($_ is the last result)' : ''}`;
  return `Nearly: ${miss.typed} took ${miss.shown}, what this step is for. ${missing} ${gone}${noAddress} ${go}`;
}

/** The words before a call that would wait for what a near miss already took. */
export function takenWords(rs: ReceiveStep, miss: NearMiss, peek: Peek): string {
  const keep = keepLine(rs, miss, peek);
  return (
    `Nothing is waiting on ${rs.socket}: what came (${miss.shown}) was taken by ${miss.typed}. ` +
    `This call waits ${WORDS[rs.takes].waits} (Ctrl-C cancels)` +
    (keep === null ? '.' : `; to go on with what came instead: Ctrl-C, then ${keep}`)
  );
}

/** The socket a statement takes from (NAME.recv ..., NAME.accept), or null. */
function takesFrom(stmt: Stmt): string | null {
  if (stmt.kind !== 'command' || stmt.call.target === null) return null;
  return RECEIVES.has(stmt.call.name) || stmt.call.name === 'accept' ? stmt.call.target.name : null;
}

function same(a: Value | undefined, b: Value): boolean {
  return a !== undefined && (a === b || (a.kind === b.kind && equal(a, b)));
}
