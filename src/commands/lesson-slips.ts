import type { Address } from '../engine/types.js';
import type { EngineEvent } from '../engine/types.js';
import type { Stmt, Word } from '../lang/ast.js';
import { compile } from './check.js';
import { collapse, type LessonStep } from './lesson-file.js';
import type { Failure } from './lesson-off-step.js';
import type { Peek } from './lesson-receive.js';

/**
 * A line that is nearly the step, and what is off in it: "Not this step" alone leaves a student who
 * sent to 12001 instead of 12000 to find the difference by eye (trial #9). The line is compared with
 * the step's own text, word by word, where both make the same call: the socket it is called on, the
 * port (a step's `$serverPort` against the number or variable typed), the host; and with what the
 * call did (where the datagram went, from the engine's events). A send on a TCP socket the step is
 * about to connect is the step's order missed. A port typed as its number (12000 for $serverPort)
 * is the step, spelled otherwise: `asStep` spells it as the step does.
 */

/** Calls that send; a slip among them is the same slip whatever the call (send for sendto). */
const SENDS: ReadonlySet<string> = new Set(['send', 'sendall', 'sendto']);
/** Hosts that are this host, as the steps write them. */
const HERE: ReadonlySet<string> = new Set(['localhost', '127.0.0.1']);
/** Errors of a call on a socket with no connection (send before connect). */
const UNCONNECTED = /\b(ENOTCONN|EPIPE|EDESTADDRREQ)\b/;
/** Errors of a host name the OS could not look up. */
const LOOKUP = /\b(ENOTFOUND|EAI_AGAIN|EAI_NONAME)\b/;

/** The sends the chunk made, by the engine's events: where each went. */
export class ChunkSends {
  private sent: { readonly serial: number; readonly to: Address | null }[] = [];

  hear(event: EngineEvent): void {
    if (event.kind === 'sent') this.sent.push({ serial: event.serial, to: event.to });
  }

  clear(): void {
    this.sent = [];
  }

  /** Where the chunk's last send from the socket went; undefined when it sent nothing from it. */
  to(serial: number | undefined): Address | null | undefined {
    return [...this.sent].reverse().find((s) => s.serial === serial)?.to;
  }
}

/** What the slip judge reads of the lesson under way. */
export interface SlipView {
  readonly peek: Peek;
  /** A lesson's name for a socket as the student calls it (clientSocket: c). */
  spell(role: string): string;
  /** The serial of the socket a lesson's name stands for in the line as judged. */
  serialOf(role: string): number | undefined;
  /** The role of the socket a name of the student's stands for now; undefined when it has none. */
  roleOfName(name: string): string | undefined;
  /** The socket is a connected one (TCP ESTABLISHED and after, a connected UDP socket). */
  connected(role: string): boolean;
  /** The lesson's socket (by role) bound to this port, if one is. */
  onPort(port: number): string | null;
}

/**
 * The line `typed` (as the lesson writes it) with each port typed as a number, where the step has a
 * variable holding that number, spelled as the variable: `c.sendto hi localhost 12000` is the step
 * `c.sendto hi localhost $serverPort` when serverPort is 12000. Otherwise the line as it was.
 */
export function asStep(typed: string, step: LessonStep, peek: Peek): string {
  const want = onlyCommand(step.step);
  const pair = want === null ? null : sameCall(want, compile(typed).program);
  if (pair === null) return typed;
  const lines = typed.split('\n');
  const edits = pair.step.call.args.flatMap((want, i) => {
    const got = pair.typed.call.args[i];
    const port = got?.kind === 'literal' ? portOf(got, peek) : null;
    if (want.kind !== 'var' || got === undefined || port === null || port !== portOf(want, peek)) return [];
    return [{ span: got.span, text: `$${want.name}` }];
  });
  for (const { span, text } of edits.reverse()) {
    const line = lines[span.line - 1]!;
    lines[span.line - 1] = line.slice(0, span.col - 1) + text + line.slice(span.col - 1 + span.width);
  }
  return lines.join('\n');
}

/**
 * What is off in a line that is not the step, in words after "Not this step: "; null when nothing
 * is known to be. typed: the line as the lesson writes it; source: as typed (its names the student's).
 */
export function slip(step: LessonStep, typed: string, source: string, failure: Failure, sends: ChunkSends, view: SlipView): string | null {
  const cased = caseSlip(step, typed, source);
  if (cased !== null) return cased;
  const stepStmt = onlyCommand(step.step);
  const target = stepStmt?.call.target?.name ?? null;
  if (stepStmt === null) return null;
  const program = compile(source).program;
  const on = (s: Stmt): string | null => (s.kind === 'command' && s.call.target !== null ? s.call.target.name : null);
  const isTarget = (name: string | null): boolean => name !== null && view.roleOfName(name) === target;
  // A send before the step's connect: the order missed.
  const early = program.some((s) => s.kind === 'command' && SENDS.has(s.call.name) && isTarget(on(s)));
  if (stepStmt.call.name === 'connect' && target !== null && early && failure !== null && UNCONNECTED.test(failure.message))
    return `${view.spell(target)} is not connected yet, so a send has nowhere to go: TCP sends over a connection, and this step makes it`;
  const sentTo = target === null ? undefined : sends.to(view.serialOf(target));
  const stepPort = stepStmt.call.args.map((w) => portOf(w, view.peek)).find((p) => p !== null) ?? null;
  const pair = sameCall(stepStmt, program);
  if (pair === null) {
    // Another form of send (an address as one word): where the datagram went says it.
    if (failure === null && sentTo != null && stepPort !== null && SENDS.has(stepStmt.call.name) && sentTo.port !== stepPort)
      return `that went to port ${sentTo.port}, and this step sends to ${stepPort}`;
    return null;
  }
  const used = on(pair.typed);
  if (target !== null && used !== null && !isTarget(used) && view.serialOf(target) !== undefined) {
    const verb = SENDS.has(stepStmt.call.name) ? 'sends from' : `calls ${stepStmt.call.name} on`;
    const other = used === target ? `, another socket than the one the lesson follows as ${view.spell(target)}` : '';
    return `this step ${verb} ${view.spell(target)}; that line used ${used}${other}`;
  }
  const off: string[] = [];
  pair.step.call.args.forEach((want, k) => {
    const got = pair.typed.call.args[k];
    if (got === undefined) return;
    const [wantPort, gotPort] = [portOf(want, view.peek), portOf(got, view.peek)];
    if (want.kind === 'var' && wantPort !== null && gotPort !== null && gotPort !== wantPort) {
      const where = view.onPort(wantPort);
      const gotWords = got.kind === 'var' ? `$${got.name}, ${gotPort}` : `${gotPort}`;
      off.push(
        `that line's port is ${gotWords}, and this step's is ${want.name}, ${wantPort}${where === null ? '' : `, where ${view.spell(where)} is bound`}`,
      );
    }
    if (want.kind === 'var' && got.kind === 'literal' && got.text === want.name)
      off.push(`${got.text} without a $ is the word itself; the variable is $${want.name}`);
    if (want.kind === 'literal' && HERE.has(want.text) && got.kind === 'literal' && !HERE.has(got.text)) {
      const unknown = failure !== null && LOOKUP.test(failure.message);
      off.push(
        `the server is on this host, localhost (127.0.0.1), and that line named ${got.text}${unknown ? ', a name the OS could not look up' : ''}`,
      );
    }
  });
  if (off.length === 0 && target !== null && failure !== null && UNCONNECTED.test(failure.message) && !view.connected(target))
    return `${view.spell(target)} is not connected: the error above says what it needs`;
  return off.length === 0 ? null : off.join('; ');
}

/** The line is the step but for the case of a name (`serverport = 12000`), or for the & that makes it a job. */
function caseSlip(step: LessonStep, typed: string, source: string): string | null {
  if (step.step.trim().endsWith('&') && step.expect.test(`${collapse(typed)} &`))
    return 'without the & at the end, it ran in the foreground, holding the prompt until Ctrl-C; with it, it runs as a job beside what you type';
  if (!new RegExp(step.expect.source, 'i').test(collapse(typed))) return null;
  const words = new Set(step.step.split(/[^\w]+/));
  for (const word of source.split(/[^\w]+/)) {
    const meant = [...words].find((w) => w !== word && w.toLowerCase() === word.toLowerCase());
    if (meant !== undefined) return `names are case-sensitive, and ${word} is not ${meant}`;
  }
  return null;
}

/** The step's command, and the line's command of the same call (or a send for a send), with as many words. */
function sameCall(want: Command, program: readonly Stmt[]): { step: Command; typed: Command } | null {
  const got = program.find(
    (s): s is Command =>
      s.kind === 'command' &&
      (s.call.name === want.call.name || (SENDS.has(s.call.name) && SENDS.has(want.call.name))) &&
      s.call.args.length === want.call.args.length,
  );
  return got === undefined ? null : { step: want, typed: got };
}

type Command = Extract<Stmt, { kind: 'command' }>;

function onlyCommand(text: string): Command | null {
  const [stmt, ...more] = compile(text).program;
  return stmt?.kind === 'command' && more.length === 0 ? stmt : null;
}

/** The port a word stands for: a number typed, or a variable holding one; null for any other word. */
function portOf(word: Word, peek: Peek): number | null {
  if (word.kind === 'literal') return /^\d{1,5}$/.test(word.text) ? Number(word.text) : null;
  if (word.kind !== 'var' || word.path !== undefined) return null;
  const value = peek(word.name);
  return value?.kind === 'int' ? value.value : null;
}
