import { socketRows, TCP_LISTEN } from '../engine/index.js';
import type { Engine, SocketHandle, SocketInfo, SocketState } from '../engine/types.js';
import { compile } from './check.js';
import type { LessonStep } from './lesson-file.js';
import type { Peek } from './lesson-receive.js';
import { makes, Roles, type Makes, type RoleSocket } from './lesson-roles.js';
import type { Facts } from './lesson-variants.js';

/**
 * The peer's FIN has come (CLOSE_WAIT; SHUT_DOWN: this end's FIN went too, or it shut both ways) or
 * its reset (RESET): recv returns what is queued, then b'' or the error, without waiting.
 */
const peerEnded = (state: SocketState): boolean => state === 'CLOSE_WAIT' || state === 'SHUT_DOWN' || state === 'RESET';

/**
 * The sockets of a lesson under way: its roles (lesson-roles.ts), and the student's sockets found as
 * NAME.call finds them (a variable holding one, else a socket's label), by the lesson's names.
 */
export class LessonSockets {
  readonly roles: Roles;

  constructor(
    private readonly engine: Engine,
    /** The student's variables. */
    private readonly peek: Peek,
    all: ReadonlySet<string>,
    bound: Map<string, RoleSocket>,
  ) {
    this.roles = new Roles(
      all,
      bound,
      (name) => this.serialOf(name),
      (serial) => this.engine.list().some((s) => s.serial === serial),
    );
  }

  /** The sockets that had an address when the chunk being judged began, by serial. */
  private boundAtStart = new Set<number>();

  /** The sockets whose peer had closed its end when the chunk being judged began, by serial. */
  private peerClosedAtStart = new Set<number>();
  /** The sockets with something in their queue when the chunk being judged began, by serial. */
  private queuedAtStart = new Set<number>();

  /** A chunk begins: what its sockets are now is what `was` conditions ask (lesson-variants.ts). */
  chunkBegins(): void {
    const all = this.engine.list();
    this.boundAtStart = new Set(all.flatMap((s) => (s.local === null ? [] : [s.serial])));
    this.peerClosedAtStart = new Set(all.flatMap((s) => (peerEnded(s.state) ? [s.serial] : [])));
    this.queuedAtStart = new Set(all.flatMap((s) => (s.queued.count > 0 ? [s.serial] : [])));
  }

  /** What the lesson's variants and placeholders read: the sockets in its roles and the student's variables, now. */
  readonly facts: Facts = {
    local: (role) => this.roleInfo(role)?.local,
    wasBound: (role) => this.wasIn(this.boundAtStart, role),
    queued: (role) => this.roleInfo(role)?.queued.count,
    wasQueued: (role) => this.wasIn(this.queuedAtStart, role),
    peerClosed: (role) => {
      const info = this.roleInfo(role);
      return info !== undefined && peerEnded(info.state);
    },
    wasPeerClosed: (role) => this.wasIn(this.peerClosedAtStart, role),
    variable: (name) => this.peek(name),
    // The OS's tables (/proc/net/udp, tcp: any program's sockets); null where they cannot be read.
    portInUseOnHost: (port, transport) => {
      const rows = socketRows(transport, port);
      return rows === null ? undefined : rows.some((r) => transport === 'udp' || r.state === TCP_LISTEN);
    },
    portInUse: (port, transport) =>
      this.engine
        .list()
        .some(
          (s) =>
            s.local?.port === port && (transport === null || (s.transport === transport && (transport === 'udp' || s.state === 'LISTEN'))),
        ),
  };

  /** The open socket in a role, as the engine lists it; undefined when the role has none. */
  private roleInfo(role: string): SocketInfo | undefined {
    const serial = this.roleSerial(role);
    return serial === undefined ? undefined : this.engine.list().find((s) => s.serial === serial);
  }

  /** The role's socket was in the set taken when the chunk began (chunkBegins). */
  private wasIn(atStart: ReadonlySet<number>, role: string): boolean {
    const serial = this.roleSerial(role);
    return serial !== undefined && atStart.has(serial);
  }

  /** A variable by the lesson's name for it: a role's by the student's name for its socket (taken, or being taken by this line). */
  readonly peekAs: Peek = (name) => this.peek(this.roles.nameOf(name) ?? name);

  /** The socket a lesson's name stands for: its role's socket once taken, else as NAME.call finds it. */
  handleOf(name: string): SocketHandle | null {
    const serial = this.roles.serial(name);
    if (serial !== undefined) {
      const info = this.engine.list().find((s) => s.serial === serial);
      return info === undefined ? null : { name: info.name, serial };
    }
    const value = this.peek(name);
    return value?.kind === 'socket' ? value.handle : this.engine.lookup(name);
  }

  /** Data, datagrams or connections waiting on the socket the lesson names; null when no open socket has that name. */
  queued(name: string): number | null {
    const handle = this.handleOf(name);
    return handle === null ? null : this.engine.info(handle).queued.count;
  }

  /** The socket in a role: the one the student made for it, else one labelled so (a role not taken yet). */
  roleSerial(role: string): number | undefined {
    return this.roles.serial(role) ?? this.serialOf(role);
  }

  /** The socket a lesson's name stands for has a connection (TCP ESTABLISHED and after, or a connected UDP socket). */
  connected(name: string): boolean {
    const handle = this.handleOf(name);
    const state = handle === null ? null : this.engine.list().find((s) => s.serial === handle.serial)?.state;
    return state !== undefined && state !== null && !['UNBOUND', 'BOUND', 'LISTEN', 'SYN_SENT'].includes(state);
  }

  /** The role of the socket a name of the student's stands for now (a variable's socket, else a label); undefined when it has none. */
  roleOfName(name: string): string | undefined {
    const serial = this.serialOf(name);
    return serial === undefined ? undefined : this.roles.roleOf(serial);
  }

  /** The socket had an address when the chunk being judged began (a listen on it did not bind it). */
  wasBoundAtStart(serial: number): boolean {
    return this.boundAtStart.has(serial);
  }

  /** The engine's record of the socket a name of the student's stands for, when no role has it yet. */
  unclaimed(name: string): SocketInfo | undefined {
    const serial = this.serialOf(name);
    if (serial === undefined || this.roles.roleOf(serial) !== undefined) return undefined;
    return this.engine.list().find((s) => s.serial === serial);
  }

  /** The role of the lesson's socket bound to this local port, if one is. */
  roleOnPort(port: number): string | null {
    for (const info of this.engine.list()) {
      const role = info.local?.port === port ? this.roles.roleOf(info.serial) : undefined;
      if (role !== undefined) return role;
    }
    return null;
  }

  /**
   * The step makes a server's socket and the chunk `source` made it, however spelled: a socket it
   * names, of no role yet, is now what the step's socket must be (lesson-roles.ts makes). It takes
   * the role.
   */
  madeHere(step: LessonStep, source: string): boolean {
    return this.takeFitting(step, this.roles.unclaimedIn(source));
  }

  /**
   * The step makes a server's socket, and one of no role already is what it must be: made ahead of
   * its step (the server started before the client's failed connect). It takes the role; its label, or null.
   */
  madeAhead(step: LessonStep): string | null {
    const unclaimed = this.engine
      .list()
      .filter((s) => this.roles.roleOf(s.serial) === undefined)
      .map((s) => ({ serial: s.serial, name: s.name }));
    const m = makes(step);
    if (m === null) return null;
    const held = this.roles.serial(m.role);
    // Taken already (claimed when the step before it was told), by a socket that is still what the step makes.
    if (this.roles.held(m.role) && held !== undefined)
      return this.fits(m, { serial: held, name: '' }) ? (this.roles.nameOf(m.role) ?? null) : null;
    return this.takeFitting(step, unclaimed) ? (this.roles.nameOf(m.role) ?? null) : null;
  }

  /** The student's name for the step's socket (NAME.call) when its role was taken and the socket is closed now; else null. */
  closedTarget(step: LessonStep): string | null {
    const [stmt] = compile(step.step).program;
    const role = stmt?.kind === 'command' ? stmt.call.target?.name : undefined;
    if (role === undefined || this.roles.serial(role) === undefined || this.roles.held(role)) return null;
    return this.roles.nameOf(role) ?? role;
  }

  /** The label of a socket of this shell listening on the port, if one does. */
  listenerOn(port: number): string | null {
    return this.engine.list().find((s) => s.state === 'LISTEN' && s.local?.port === port)?.name ?? null;
  }

  /** The socket is what the server-making step must make: bound (UDP) or listening (TCP) on the port, on the step's host. */
  private fits(m: Makes, s: RoleSocket): boolean {
    const port = this.peek(m.port);
    const info = this.engine.list().find((i) => i.serial === s.serial);
    const wildcard = (host: string): boolean => host === '0.0.0.0' || host === '::';
    return (
      port?.kind === 'int' &&
      info !== undefined &&
      info.transport === m.transport &&
      info.state === m.state &&
      info.local?.port === port.value &&
      (m.host === null ? wildcard(info.local.host) : info.local.host === m.host)
    );
  }

  /** Of `candidates`, the first socket that is what the server-making step must make takes its role. */
  private takeFitting(step: LessonStep, candidates: readonly RoleSocket[]): boolean {
    const m = makes(step);
    if (m === null || this.roles.held(m.role)) return false;
    const socket = candidates.find((s) => this.fits(m, s));
    if (socket === undefined) return false;
    this.roles.take(m.role, socket);
    return true;
  }

  /**
   * The serial of the socket a name of the student's stands for now: a variable's socket, else (no
   * variable of that name) a socket's label. A variable holding something else is no socket, though a
   * socket has its label (`conn = serverSocket.accept` holds a pair; its socket is labelled conn).
   */
  private serialOf(name: string): number | undefined {
    const value = this.peek(name);
    if (value !== undefined) return value.kind === 'socket' ? value.handle.serial : undefined;
    return this.engine.lookup(name)?.serial;
  }
}
