/** What the engine's calls take beyond addresses, and what its stream reads give back: options for blocking, transfers, creation, TLS, shutdown. */

/**
 * Python's ssl.wrap_socket on a socket not yet connected or listening: a client verifies the server
 * (unless insecure) against the system's authorities or ca; a server presents cert and key (PEM).
 */
export type TlsSetup =
  | { readonly role: 'client'; readonly servername: string | null; readonly ca: Buffer | null; readonly insecure: boolean }
  | { readonly role: 'server'; readonly cert: Buffer; readonly key: Buffer };

export type ShutdownHow = 'rd' | 'wr' | 'rdwr';

/** Options every blocking call takes. */
export interface BlockOptions {
  /** Aborting cancels the wait (Ctrl-C): the call rejects with code 'EINTR'; the socket and its queue are untouched. */
  readonly signal?: AbortSignal;
  /**
   * An upper bound on the wait, on top of the socket's own settimeout; used by replay so that nothing
   * hangs. Expiry rejects with code 'ETIMEDOUT', like settimeout's.
   */
  readonly maxWaitMs?: number;
}

/**
 * BlockOptions of a caller that waits for the call and for nothing else (the interpreter running a
 * statement): with the native addon, a receive may wait in it before it returns, and give its value
 * itself (core/completion.ts). Every other caller gets a promise, made before the thread blocks: a test
 * that sends right after making the call must get to send.
 */
export interface HereOptions extends BlockOptions {
  readonly here: true;
}

/** Options of sendfile and recvfile: a blocking call that also reports how far it has got. */
export interface TransferOptions extends BlockOptions {
  /**
   * Called as the transfer goes: bytes done so far, and the total when it is known (the file's size
   * for sendfile, NBYTES for recvfile), else null. At most once per chunk; never after it settles.
   */
  readonly onProgress?: (done: number, total: number | null) => void;
  /**
   * recvfile: it stopped at the end of the connection; fin is false when the OS could not say
   * whether that was the peer's FIN or a reset (end-probe.ts).
   */
  readonly onEnd?: (fin: boolean) => void;
}

export interface CreateOptions {
  /** The preferred name (usually the variable it is assigned to); the engine makes it unique. */
  readonly name?: string;
  /** Who owns the socket (a job id, or 'main'); closeOwnedBy closes them together. */
  readonly owner: string;
  /**
   * The name is being (re)assigned, as in `x = udp.socket` when x is taken: the new socket takes
   * the name and the old one is relabelled x2 (event 'renamed'). Otherwise the new socket is x2.
   * 'tentative' (a shortcut, which may still fail): the new socket goes by the name at once in what
   * is said of it, but the socket holding the name keeps it (lookup, its own messages) until claim()
   * moves it aside and announces the move; closing the new socket first moves nothing.
   */
  readonly displace?: boolean | 'tentative';
}

/**
 * The reads of a TCP byte stream that recv alone cannot make: up to a delimiter (recvline, recvuntil),
 * exactly n bytes (recvexactly, Python's MSG_WAITALL), or a look without taking (peek, MSG_PEEK).
 */
export type StreamRead =
  | { readonly call: 'recvline' | 'recvuntil'; readonly delim: Buffer }
  | { readonly call: 'recvexactly'; readonly n: number }
  | { readonly call: 'peek'; readonly n: number };

/** What a StreamRead got. Only `data` took anything from the queue. */
export type StreamReadResult =
  /** The bytes asked for: for recvline and recvuntil, up to and including the delimiter. */
  | { readonly kind: 'data'; readonly data: Buffer }
  /** The stream ended (the peer's FIN, shutdown rd) first: `left` is a copy of what is still queued, untouched. */
  | { readonly kind: 'ended'; readonly left: Buffer }
  /** recvline/recvuntil: the receive queue is full (tcpQueueBytes) with no delimiter in it; nothing was taken. */
  | { readonly kind: 'full'; readonly queued: number };

/** The caller waits for this call and nothing else (HereOptions). */
export function isHere(options: BlockOptions): options is HereOptions {
  return (options as Partial<HereOptions>).here === true;
}
