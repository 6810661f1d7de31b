/**
 * The language's protocol reads (recvline, recvuntil, recvexactly, peek; issue 13) against a
 * connection's receive queue: how many bytes one would take now, or why it cannot yet. The connection
 * (tcp-stream.ts) does the taking, the waiting and the end of the stream; this only matches.
 */
import type { ByteQueue } from './queues.js';
import type { StreamRead } from './types.js';

export type ReadMatch =
  /** Take this many bytes (the line with its delimiter, the exact count). */
  | { readonly kind: 'take'; readonly size: number }
  /** peek: these bytes, taking none. */
  | { readonly kind: 'peeked'; readonly data: Buffer }
  /** No delimiter in a queue that is full (reading stopped): it can never match. */
  | { readonly kind: 'full'; readonly queued: number }
  /** Not yet; for recvexactly, the queue must be let grow to `wanted` bytes (0: no change). */
  | { readonly kind: 'wait'; readonly wanted: number };

/** What read finds in queue now; paused: reading has stopped at the queue's limit. */
export function matchRead(queue: ByteQueue, read: StreamRead, paused: boolean): ReadMatch {
  switch (read.call) {
    case 'peek':
      if (queue.total > 0 || read.n === 0) return { kind: 'peeked', data: queue.peek(read.n) };
      return { kind: 'wait', wanted: 0 };
    case 'recvexactly':
      return queue.total >= read.n ? { kind: 'take', size: read.n } : { kind: 'wait', wanted: read.n };
    case 'recvline':
    case 'recvuntil': {
      const at = queue.indexOf(read.delim);
      if (at >= 0) return { kind: 'take', size: at + read.delim.length };
      return paused ? { kind: 'full', queued: queue.total } : { kind: 'wait', wanted: 0 };
    }
    default: {
      const exhaustive: never = read;
      return exhaustive;
    }
  }
}
