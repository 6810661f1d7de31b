import type { LessonStep } from './lesson-file.js';
import type { Peek } from './lesson-receive.js';

/**
 * Words the lesson says of its own, beside the lesson file's: the mark before each of its lines,
 * and what it says when a step's call did something else than the step's text tells (it worked where
 * it should fail; a close reset the connection instead of sending a FIN).
 */

export const MARK = '» ';

/** What it likely means when a step that should fail with this code worked. */
export const UNFAILED: Readonly<Record<string, string>> = {
  ECONNREFUSED: ': is a server already running on that port?',
  ETIMEDOUT:
    ': a datagram was there before the timeout: the relay let this one through, or one sent earlier was still waiting in the queue.',
};

/** Said for a step whose call failed with ECONNRESET after the lesson saw a connection reset. */
export const RESET_INSTEAD =
  'ECONNRESET (Python: ConnectionResetError): the connection was reset, not closed with a FIN, so there is no end of stream to read; that is what a close with bytes unread does. The step is done: this end is finished with the connection too.';

/** A close during the chunk that reset its connection: the socket, and the bytes left unread (0: SO_LINGER 0). */
export interface ResetNow {
  readonly socket: string;
  readonly unread: number;
}

/** What the step did, given its `then` text: that, or its `reset:` when its close reset the connection (never a FIN told for a reset). */
export function thenOrReset(step: LessonStep, then: string, reset: ResetNow | null): string {
  if (reset === null) return then;
  const why =
    reset.unread > 0
      ? `${reset.unread} byte${reset.unread === 1 ? ' was' : 's were'} unread on ${reset.socket}`
      : `${reset.socket} had SO_LINGER 0`;
  return step.reset ?? `Here the close reset the connection (RST) instead, because ${why}: the warning above says so. ${then}`;
}

/** Why a connect the step expected to be refused worked, when a socket of this shell listens on the step's port; null when none does. */
export function unfailedWhy(step: LessonStep, peek: Peek, listenerOn: (port: number) => string | null): string | null {
  if (step.fails !== 'ECONNREFUSED') return null;
  const port = [...step.step.matchAll(/\$(\w+)/g)].map((m) => peek(m[1]!)).find((v) => v?.kind === 'int');
  const listener = port?.kind === 'int' ? listenerOn(port.value) : null;
  return listener === null ? null : `: ${listener} listens on that port already (made before its step), so the handshake completed.`;
}
