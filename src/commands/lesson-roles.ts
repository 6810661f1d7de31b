import type { Span, Stmt, Word } from '../lang/ast.js';
import { compile } from './check.js';
import type { LessonStep } from './lesson-file.js';

/**
 * A lesson writes its sockets under the textbook's names (serverSocket, clientSocket), but a name is
 * only a label: the student may call the server's socket s or srv. So each of the lesson's socket
 * names is a role, bound to the engine serial of the socket the student made at the step that names
 * it, under whatever label they gave it. A typed line is judged as the lesson would write it: each
 * name standing for a role's socket spelled as the role (and a role's name standing for another
 * socket spelled as not that role), so `s.recvfrom 2048` is the step `serverSocket.recvfrom 2048`
 * when s is that socket, and a second socket named serverSocket is not. What the lesson says names
 * the sockets as the student did.
 */

/** Commands whose result is a new socket: the first name they assign is a socket's. */
const MAKES = /^(udp|tcp|tls|unix)\.|^accept$/;

/** A role's socket: its serial, and the name the student gave it when the role was taken. */
export interface RoleSocket {
  readonly serial: number;
  readonly name: string;
}

/** The roles of a lesson's steps: the names they call sockets' methods on, make sockets under, or watch. */
export function rolesOf(steps: readonly LessonStep[]): ReadonlySet<string> {
  const roles = new Set<string>();
  for (const step of steps) {
    if (step.seen !== null) roles.add(step.seen.socket);
    for (const stmt of compile(step.step).program) {
      if (stmt.kind !== 'command') continue;
      if (stmt.call.target !== null) roles.add(stmt.call.target.name);
      const first = stmt.targets[0];
      if (first !== undefined && MAKES.test(stmt.call.name)) roles.add(first.name);
    }
  }
  return roles;
}

/**
 * A step that makes a server's socket (`serverSocket = udp.bind $serverPort`, `serverSocket =
 * tcp.listen $serverPort`), read from its text as what the socket must be once it is done: a UDP
 * socket bound, or a TCP socket listening, on the port the variable holds, on every interface where
 * the step names no host. The student may make it in the Python way, a call at a time (`s =
 * udp.socket`, then `s.bind '' $serverPort`): the step is done by the socket, not by the spelling.
 */
export interface Makes {
  readonly role: string;
  readonly transport: 'udp' | 'tcp';
  readonly state: 'BOUND' | 'LISTEN';
  /** The variable holding the port. */
  readonly port: string;
  /** The host the step names; null: none or '' (every interface). */
  readonly host: string | null;
}

export function makes(step: LessonStep): Makes | null {
  const [stmt, ...more] = compile(step.step).program;
  if (stmt?.kind !== 'command' || more.length > 0 || stmt.targets.length !== 1) return null;
  const kind = stmt.call.name === 'udp.bind' ? 'udp' : stmt.call.name === 'tcp.listen' ? 'tcp' : null;
  const portAt = stmt.call.args.findIndex((w) => w.kind === 'var');
  const port = stmt.call.args[portAt];
  if (kind === null || port?.kind !== 'var') return null;
  const hostWord = portAt > 0 ? stmt.call.args[0] : undefined;
  const host = hostWord?.kind === 'literal' && hostWord.text !== '' ? hostWord.text : null;
  return { role: stmt.targets[0]!.name, transport: kind, state: kind === 'udp' ? 'BOUND' : 'LISTEN', port: port.name, host };
}

export class Roles {
  /** The role the current step's line would take, and the socket: kept when the step is done. */
  private candidate: { readonly role: string; readonly socket: RoleSocket } | null = null;

  constructor(
    private readonly all: ReadonlySet<string>,
    /** The roles taken so far (kept by the session across `lesson stop` and back). */
    private readonly bound: Map<string, RoleSocket>,
    /** The serial of the socket a name stands for now (a variable holding one, or a socket's label). */
    private readonly resolve: (name: string) => number | undefined,
    /** The socket is open: a role whose socket was closed is free for the next socket a step makes for it. */
    private readonly live: (serial: number) => boolean,
  ) {}

  /** The role is held by an open socket. */
  held(role: string): boolean {
    const socket = this.bound.get(role);
    return socket !== undefined && this.live(socket.serial);
  }

  serial(role: string): number | undefined {
    return this.bound.get(role)?.serial;
  }

  /**
   * The chunk `source` as the lesson writes its lines: names standing for a role's socket spelled as
   * the role. A socket no role has, in a line for a step that names one role not yet taken, is
   * spelled as that role, and takes it if the step is done (keep).
   */
  asLesson(source: string, step: LessonStep | undefined): string {
    this.candidate = null;
    const open = step === undefined ? [] : [...namesIn(step.step)].filter((n) => this.all.has(n) && !this.held(n));
    const edits: { span: Span; text: string }[] = [];
    for (const { name, span, dollar } of occurrences(compile(source).program)) {
      const serial = this.resolve(name);
      if (serial === undefined) continue;
      const role = this.roleOf(serial);
      let as: string | null = null;
      if (role !== undefined) as = role;
      else if (this.held(name)) as = `${name}(another socket)`;
      else if (open.length === 1 && (this.candidate === null || this.candidate.socket.serial === serial)) {
        as = open[0]!;
        this.candidate = { role: as, socket: { serial, name } };
      }
      if (as !== null && as !== name) edits.push({ span, text: `${dollar ? '$' : ''}${as}` });
    }
    return applyEdits(source, edits);
  }

  /** The sockets a chunk names that no role has yet, with the student's name for each. */
  unclaimedIn(source: string): RoleSocket[] {
    const out: RoleSocket[] = [];
    for (const { name } of occurrences(compile(source).program)) {
      const serial = this.resolve(name);
      if (serial !== undefined && this.roleOf(serial) === undefined && !out.some((s) => s.serial === serial)) out.push({ serial, name });
    }
    return out;
  }

  /** The socket takes the role from now on (a step done by what the socket is, not by the line's spelling). */
  take(role: string, socket: RoleSocket): void {
    this.bound.set(role, socket);
    this.candidate = null;
  }

  /** The student's name for a role's socket: taken, or being taken by the line asLesson last judged. */
  nameOf(role: string): string | undefined {
    return this.bound.get(role)?.name ?? (this.candidate?.role === role ? this.candidate.socket.name : undefined);
  }

  /** The step the last asLesson line was judged for is done: the role it took is the socket's from now on. */
  keep(): void {
    if (this.candidate !== null) this.bound.set(this.candidate.role, this.candidate.socket);
    this.candidate = null;
  }

  /** The lesson's text with each taken role called by the student's name for its socket. */
  spell(text: string): string {
    let out = text;
    for (const [role, { name }] of this.bound) if (name !== role) out = out.replace(new RegExp(`\\b${role}\\b`, 'g'), name);
    return out;
  }

  /** The role the socket has, if it has one. */
  roleOf(serial: number): string | undefined {
    for (const [role, socket] of this.bound) if (socket.serial === serial) return role;
    return undefined;
  }
}

/** The names a step's text uses, as words. */
function namesIn(text: string): Set<string> {
  return new Set(occurrences(compile(text).program).map((o) => o.name));
}

interface Occurrence {
  readonly name: string;
  readonly span: Span;
  /** A `$name` word: its span holds the `$`. */
  readonly dollar: boolean;
}

/** Every place a statement names a variable or a socket: assigned names, NAME.call, $name words. */
function occurrences(program: readonly Stmt[]): Occurrence[] {
  const out: Occurrence[] = [];
  const word = (w: Word): void => {
    if (w.kind === 'var') out.push({ name: w.name, span: w.span, dollar: true });
  };
  const visit = (stmt: Stmt): void => {
    switch (stmt.kind) {
      case 'command':
        for (const t of stmt.targets) out.push({ name: t.name, span: t.span, dollar: false });
        if (stmt.call.target !== null) out.push({ name: stmt.call.target.name, span: stmt.call.target.span, dollar: false });
        stmt.call.args.forEach(word);
        return;
      case 'assign':
        for (const t of stmt.targets) out.push({ name: t.name, span: t.span, dollar: false });
        word(stmt.value);
        return;
      case 'show':
        word(stmt.word);
        return;
      case 'while':
      case 'repeat':
        stmt.body.forEach(visit);
        return;
      case 'if':
        stmt.then.forEach(visit);
        stmt.otherwise.forEach(visit);
        return;
      case 'break':
      case 'continue':
        return;
      default: {
        const exhaustive: never = stmt;
        return exhaustive;
      }
    }
  };
  program.forEach(visit);
  return out;
}

/** The text with each span replaced, the later ones first so the earlier spans still hold. */
function applyEdits(source: string, edits: readonly { span: Span; text: string }[]): string {
  const lines = source.split('\n');
  const sorted = [...edits].sort((a, b) => b.span.line - a.span.line || b.span.col - a.span.col);
  for (const { span, text } of sorted) {
    const line = lines[span.line - 1];
    if (line === undefined) continue;
    lines[span.line - 1] = line.slice(0, span.col - 1) + text + line.slice(span.col - 1 + span.width);
  }
  return lines.join('\n');
}
