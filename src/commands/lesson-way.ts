import type { SocketInfo } from '../engine/types.js';
import { compile } from './check.js';
import type { LessonStep } from './lesson-file.js';
import type { Peek } from './lesson-receive.js';
import { makes } from './lesson-roles.js';

/**
 * A line on the way to the step that makes the server's socket. That step is done by the socket
 * however it was made (lesson-roles.ts makes), so the textbook's calls one at a time, socket, then
 * bind, then (TCP) listen, do it; the calls before the last are not a wrong step, and "Not this
 * step" told a student typing TCPServer.py's first line that it was (newuser trial 3). The words
 * say where the line got to and what comes next, in the student's name for the socket.
 */

/** What the judge reads: the student's socket by their name, and their variables. */
export interface WayView {
  /** The engine's record of the socket a name of the student's stands for, when it has no role yet. */
  unclaimed(name: string): SocketInfo | undefined;
  /** The socket had an address when the line began. */
  wasBound(serial: number): boolean;
  readonly peek: Peek;
}

/** The words after "On the way: ", or null when the line is not a step towards the server's socket. */
export function onTheWay(step: LessonStep, source: string, view: WayView): string | null {
  const m = makes(step);
  const [stmt, ...more] = compile(source).program;
  if (m === null || m.host !== null || stmt?.kind !== 'command' || more.length > 0) return null;
  const port = view.peek(m.port);
  if (port?.kind !== 'int') return null;
  const tcp = m.transport === 'tcp';
  const whole = `${m.role} = ${m.transport}.${tcp ? 'listen' : 'bind'} $${m.port}`;
  if (stmt.call.name === `${m.transport}.socket` && stmt.call.args.length === 0 && stmt.targets.length === 1) {
    const name = stmt.targets[0]!.name;
    const info = view.unclaimed(name);
    if (info === undefined || info.state !== 'UNBOUND') return null;
    const python = tcp ? 'SOCK_STREAM' : 'SOCK_DGRAM';
    const bind = `${name}.bind '' $${m.port}`;
    const next = tcp ? `${bind}, then ${name}.listen 1: the step is done once it listens` : `${bind}: the step is done once it is bound`;
    return `${name} is a ${m.transport.toUpperCase()} socket, Python's socket(AF_INET, ${python}). Next bind it to the server's port, ${next} (${whole} is the ${tcp ? 'three' : 'two'} calls in one)`;
  }
  const name = stmt.call.target?.name;
  if (!tcp || stmt.call.name !== 'bind' || name === undefined) return null;
  const info = view.unclaimed(name);
  const local = info?.local;
  if (info?.transport !== 'tcp' || info.state !== 'BOUND' || local == null) return null;
  if (local.port !== port.value || (local.host !== '0.0.0.0' && local.host !== '::')) return null;
  return `${name} is bound to ('${local.host}', ${local.port}), Python's bind(('', ${m.port})). Next ${name}.listen 1 makes it the welcoming socket, and the step is done`;
}

/**
 * The bind left out on the way: `listen` on a socket never bound listens on a port the OS picked
 * (Linux binds it as connect would), not on the server's. What is off, in words after "Not this
 * step: "; null for any other line.
 */
export function listenedUnbound(step: LessonStep, source: string, view: WayView): string | null {
  const m = makes(step);
  const [stmt, ...more] = compile(source).program;
  if (m?.transport !== 'tcp' || stmt?.kind !== 'command' || more.length > 0 || stmt.call.name !== 'listen') return null;
  const name = stmt.call.target?.name;
  const info = name === undefined ? undefined : view.unclaimed(name);
  const port = view.peek(m.port);
  if (info?.state !== 'LISTEN' || info.local == null || port?.kind !== 'int' || view.wasBound(info.serial)) return null;
  return `${name} was never bound, so listen bound it to a port the OS picked, ${info.local.port}, and clients go to ${m.port}, ${port.value}. A listening socket cannot be bound again: close it, and bind the next one before its listen`;
}
