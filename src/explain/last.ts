import type { Transport } from '../engine/types.js';
import type { Trouble } from '../record/trouble.js';
import { IDEAS } from './ideas.js';
import { UNIX_PARTS } from './codes.js';
import { topic, TOPICS } from './topics.js';

/**
 * A piece of what explain says: what the user was shown, kept whole as it was shown, or a paragraph,
 * which the command wraps to the width of its other paragraphs.
 */
export interface Said {
  readonly text: string;
  readonly paragraph: boolean;
}

const shown = (text: string): Said => ({ text, paragraph: false });
const paragraph = (text: string): Said => ({ text, paragraph: true });

/**
 * `explain` with no argument: the last thing that went wrong, as the user saw it, and the paragraph
 * for it. Every kind of trouble has its answer; a new kind does not compile until it has one here.
 */
export function explainTrouble(t: Trouble | null): readonly Said[] {
  if (t === null) return [shown('nothing has gone wrong yet. explain CODE or TOPIC, as in: explain ECONNREFUSED, explain welcoming')];
  switch (t.kind) {
    case 'error': {
      const found = t.code === null ? null : topic(t.code);
      if (found) return [paragraph(`${found.key}: ${t.unix ? found.text : withoutUnixPart(found.key, found.text)}`)];
      const why =
        t.code === null ? 'that error has no code to explain' : `there is no paragraph for ${t.code}; the message says what happened`;
      return [shown(t.message), shown(`(${why}; try explain with a topic: ${ideas()})`)];
    }
    case 'syntax':
      return [
        shown(t.message),
        paragraph(
          "The line did not run: it does not fit the language, or its command's usage. help COMMAND shows a command's arguments, its Python and an example.",
        ),
      ];
    case 'truncated':
      return [shown(t.message), paragraph(`truncated: ${IDEAS.truncated}`)];
    case 'dropped':
      return [shown(t.message), t.unit === 'datagrams' ? paragraph(`dropped: ${IDEAS.dropped}`) : paragraph(`backlog: ${IDEAS.backlog}`)];
    case 'reset': {
      const found = topic('ECONNRESET');
      return found ? [shown(t.message), paragraph(`${found.key} (at the peer): ${found.text}`)] : [shown(t.message)];
    }
    case 'arrived': {
      const found = topic(t.code);
      const lead = shown(`${t.code} arrived on ${t.socket} while no call was waiting; its next call on ${t.socket} reports it.`);
      return found ? [lead, paragraph(`${found.key}: ${found.text}`)] : [lead];
    }
    case 'cancelled':
      return [
        paragraph(
          t.unbound && t.transport === 'udp'
            ? `${t.call} was cancelled. Its socket was never bound, so it had no port and no datagram could reach it: it would have waited for ever, as Python's does. A UDP server binds its port first (bind '' 12000, or udp.bind 12000); a client gets a port from the OS at its first sendto.`
            : `${t.call} was cancelled. ${cancelled(t.call, t.transport)}`,
        ),
      ];
    default: {
      const exhaustive: never = t;
      return exhaustive;
    }
  }
}

/**
 * explainTrouble, with what the kernel dropped for UDP sockets (kernel: one line each, read when
 * explain asked). A trouble that said the kernel's drops already is superseded by the newer counts.
 */
export function explainWithKernelDrops(t: Trouble | null, kernel: readonly string[]): readonly Said[] {
  if (kernel.length === 0) return explainTrouble(t);
  const superseded = t === null || (t.kind === 'dropped' && t.message.includes(': the kernel dropped '));
  const before = superseded ? [] : explainTrouble(t);
  // The lines as shown first, then the paragraphs, the idea of dropping once.
  const lines = [...before.filter((s) => !s.paragraph), ...kernel.map(shown)];
  const ideas = before.filter((s) => s.paragraph);
  const idea = ideas.some((s) => s.text.startsWith('dropped: '));
  return [...lines, ...ideas, ...(idea ? [] : [paragraph(`dropped: ${IDEAS.dropped}`)])];
}

/** Why a waiting call may have waited in vain, by call. */
function cancelled(call: string, transport: Transport | null): string {
  const kept = 'The socket stays open and keeps whatever arrives.';
  switch (call) {
    case 'recvfrom':
    case 'recv':
    case 'recvline':
    case 'recvuntil':
    case 'recvexactly':
    case 'peek':
      return transport === 'tcp'
        ? `Nothing arrived while it waited: the peer sent nothing yet, or is itself waiting to receive first (two ends that both recv first wait for ever). ${kept}`
        : `No datagram arrived while it waited, and UDP says nothing of one that went astray: it may have gone to a port nobody bound (check the port the sender used; sockets shows this shell's), to another host's address, or been lost, which UDP does not repair. ${kept}`;
    case 'accept':
      return `No client connected while it waited: check that clients connect to this host and port (sockets shows them), and that the socket listens on an address they can reach. ${kept}`;
    case 'connect':
    case 'tcp.connect':
      return "The handshake did not finish: the server's host did not answer the SYN (it may be down, or a firewall drops it). A host that answers but has nothing listening refuses at once (ECONNREFUSED).";
    case 'send':
    case 'sendall':
    case 'sendfile':
      return "It waited for room to send: the peer does not read, so its receive buffer and this socket's send buffer are full (TCP flow control). What was sent before is still on its way.";
    case 'recvfile':
      return `It waited for more data or the peer's FIN. What arrived so far is in the file. ${kept}`;
    default:
      return 'Nothing went wrong: it was stopped while it waited.';
  }
}

/** A code's paragraph without its part about Unix domain sockets, for an error on an IP socket. */
function withoutUnixPart(code: string, text: string): string {
  const part = (UNIX_PARTS as Readonly<Record<string, string>>)[code];
  return part !== undefined && text.endsWith(` ${part}`) ? text.slice(0, -part.length - 1) : text;
}

/** The topics that are ideas, not codes, for a hint. */
function ideas(): string {
  return Object.keys(TOPICS)
    .filter((k) => k === k.toLowerCase())
    .join(', ');
}
