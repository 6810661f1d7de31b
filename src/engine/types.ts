/**
 * The socket engine's contract. The engine owns every live dgram.Socket / net.Socket / net.Server,
 * refers to them only by name, never prints, and knows nothing of the REPL or the language.
 * Callers get values back, typed SocketErrors thrown, and EngineEvents pushed to an injected sink.
 */

export type Transport = 'udp' | 'tcp';
export type Family = 4 | 6;

/** A socket address as Python shows it: ('127.0.0.1', 53012) or ('::1', 53012, 0, 0). */
export interface Address {
  readonly host: string;
  readonly port: number;
  readonly family: Family;
}

/**
 * A reference to one socket. Names are reused once a socket is closed (every accepted socket in a
 * server loop can be called connectionSocket), so the serial tells a stale handle from the live one.
 */
export interface SocketHandle {
  readonly name: string;
  readonly serial: number;
}

/** TCP-style states for the socket table; UDP uses UNBOUND, BOUND and CONNECTED. */
export type SocketState =
  | 'UNBOUND'
  | 'BOUND'
  | 'LISTEN'
  | 'SYN_SENT'
  | 'ESTABLISHED'
  | 'FIN_WAIT' // we shut down writing; the peer may still send
  | 'CLOSE_WAIT' // the peer sent FIN; recv returns b'' once the queue is empty
  | 'SHUT_DOWN' // both directions shut down, socket not yet closed
  | 'CONNECTED' // a connected UDP socket
  | 'RESET'; // the connection failed (ECONNRESET and friends); the error is reported on the next call

export type ShutdownHow = 'rd' | 'wr' | 'rdwr';

export type SocketOption = 'SO_REUSEADDR' | 'SO_BROADCAST' | 'SO_KEEPALIVE' | 'TCP_NODELAY' | 'SO_RCVBUF' | 'SO_SNDBUF';

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
   * the name and the old one is renamed x2 (event 'renamed'). Otherwise the new socket is x2.
   */
  readonly displace?: boolean;
}

export interface SocketInfo {
  readonly name: string;
  readonly serial: number;
  readonly transport: Transport;
  readonly family: Family;
  readonly owner: string;
  readonly state: SocketState;
  readonly local: Address | null; // null until bound (explicitly or implicitly)
  readonly peer: Address | null;
  /** Listening sockets count connections waiting for accept; TCP counts bytes; UDP counts datagrams. */
  readonly queued: { readonly unit: 'bytes' | 'datagrams' | 'connections'; readonly count: number; readonly bytes: number };
  readonly dropped: number; // UDP datagrams dropped past the queue cap
  readonly bytesSent: number;
  readonly bytesReceived: number; // counted when they reach the queue, not when recv takes them
  readonly arrivals: number; // pieces they arrived in: datagrams (UDP) or reads off the connection (TCP)
  readonly timeout: number | null; // seconds; null = blocking forever, 0 = non-blocking
  readonly waiting: string | null; // the pending blocking call ('recv', 'accept', ...) if any
}

/** A socket's kind and addresses, as SocketInfo has them. */
export interface Endpoints {
  readonly transport: Transport;
  readonly family: Family;
  readonly local: Address | null;
  readonly peer: Address | null;
}

/** Everything the engine tells the outside without being asked. Consumers switch on kind. */
export type EngineEvent =
  | { kind: 'bound'; socket: string; address: Address; implicit: boolean } // implicit: the OS picked it on first sendto/connect
  | { kind: 'connected'; socket: string; local: Address; remote: Address } // TCP handshake completed, or UDP connect
  | { kind: 'incoming'; socket: string; from: Address; pending: number; taken: boolean } // a completed handshake on a listening socket
  | { kind: 'received'; socket: string; transport: Transport; bytes: number; from: Address | null; queued: number; taken: boolean } // taken: a waiting recv got it at once; queued counts datagrams (UDP) or bytes (TCP)
  | { kind: 'eof'; socket: string; queued: number; taken: boolean; fin: boolean } // the connection ended: the peer's FIN when fin, else FIN or reset, the OS did not say which (end-probe.ts); taken: a waiting recv returns b'' for it
  | { kind: 'dropped'; socket: string; bytes: number; total: number } // UDP queue full
  | { kind: 'paused'; socket: string; queued: number; again: boolean; taken: boolean } // TCP queue full: stopped reading (backpressure); again: not the first time since the queue was last empty; taken: a call under way (recvfile) is draining it
  | { kind: 'truncated'; socket: string; size: number; bufsize: number } // recvfrom/recv on UDP cut a datagram
  | { kind: 'joined'; socket: string; bytes: number; pieces: number } // one TCP recv returned bytes that arrived in several pieces
  | { kind: 'failed'; socket: string; code: string; taken: boolean } // an asynchronous error (ECONNRESET, ICMP ECONNREFUSED) stored for the next call; taken: a waiting call reports it now
  | { kind: 'closed'; socket: string; by: 'us' | 'owner' }
  | { kind: 'renamed'; socket: string; from: string }; // a new socket took `from`; the old one is now `socket`

export type EventSink = (event: EngineEvent) => void;

export interface EngineOptions {
  readonly sink: EventSink;
  /** UDP: datagrams beyond this many queued are dropped and counted. Default 4096. */
  readonly udpQueueDatagrams?: number;
  /**
   * UDP: a datagram that would take the queue past this many bytes is dropped and counted, as the
   * kernel's SO_RCVBUF does. Default 4 MiB: without it, 4096 datagrams of 64 kB would hold 256 MiB.
   */
  readonly udpQueueBytes?: number;
  /** TCP: stop reading when this many bytes are queued, resume below it. Default 1 MiB. */
  readonly tcpQueueBytes?: number;
}

/**
 * Every method that names a socket throws SocketError('EBADF') for a closed or stale handle.
 * Methods mirror Python's socket methods one to one; see each comment for the Python call.
 */
export interface Engine {
  /** socket(AF_INET|AF_INET6, SOCK_DGRAM|SOCK_STREAM). Opens nothing yet; Node needs options first. */
  create(transport: Transport, family: Family, options: CreateOptions): SocketHandle;
  /** Give a socket a name (a shortcut succeeded: its result takes the name it is assigned to); a socket holding it moves aside, as with CreateOptions.displace. */
  claim(socket: SocketHandle, name: string): void;
  /** Find an open socket by name (for `use NAME`, `NAME.call`). */
  lookup(name: string): SocketHandle | null;
  /** bind((host, port)). host '' = every interface; names resolve in the socket's family. Returns the bound address. */
  bind(socket: SocketHandle, host: string, port: number): Promise<Address>;
  /** listen(backlog) on a TCP socket (binds to an ephemeral port first if unbound). Returns the local address. */
  listen(socket: SocketHandle, backlog: number): Promise<Address>;
  /** accept(): waits for a connection; the new socket is named from options.name. */
  accept(socket: SocketHandle, options: BlockOptions & CreateOptions): Promise<{ socket: SocketHandle; address: Address }>;
  /** connect((host, port)): TCP handshake, or UDP default peer. */
  connect(socket: SocketHandle, host: string, port: number, options: BlockOptions): Promise<{ local: Address; remote: Address }>;
  /**
   * send(data) → bytes sent: a number when the data went at once, a promise when send had to wait for
   * 'drain' (the kernel buffer was full: backpressure). Errors always come as a rejected promise.
   */
  send(socket: SocketHandle, data: Buffer, options: BlockOptions): number | Promise<number>;
  /** sendall(data) → None. */
  sendall(socket: SocketHandle, data: Buffer, options: BlockOptions): Promise<void>;
  /** sendto(data, (host, port)) → bytes sent. UDP only. Binds implicitly (event 'bound', implicit) if unbound. */
  sendto(socket: SocketHandle, data: Buffer, host: string, port: number, options: BlockOptions): Promise<number>;
  /** recv(bufsize): TCP: up to bufsize bytes, b'' after FIN. UDP: one datagram, truncated to bufsize. */
  recv(socket: SocketHandle, bufsize: number, options: BlockOptions): Promise<Buffer>;
  /** recvfrom(bufsize) → (data, address). On TCP the address is null, as Python's is None. */
  recvfrom(socket: SocketHandle, bufsize: number, options: BlockOptions): Promise<{ data: Buffer; address: Address | null }>;
  /**
   * sendfile(file) → bytes sent: the whole file at path on a connected TCP socket, read in large chunks
   * only as fast as the connection takes them (never the whole file in memory). Resolves when every
   * byte has been handed to the kernel. settimeout bounds each wait for the connection to take more.
   */
  sendfile(socket: SocketHandle, path: string, options: TransferOptions): Promise<number>;
  /**
   * recvfile(path, nbytes) → bytes written: receives into the file at path (created or truncated) until
   * the peer's FIN, or until nbytes when not null; bytes beyond nbytes stay queued for recv. Stops
   * reading the socket while the file falls behind. settimeout bounds each wait for more data.
   * Python has no such call: it is `while data := s.recv(65536): f.write(data)`.
   */
  recvfile(socket: SocketHandle, path: string, nbytes: number | null, options: TransferOptions): Promise<number>;
  shutdown(socket: SocketHandle, how: ShutdownHow): void;
  /** close(). Closing a closed socket does nothing, as in Python. */
  close(socket: SocketHandle): void;
  /** settimeout(seconds|None). 0 makes calls fail at once with EAGAIN when nothing is ready. */
  settimeout(socket: SocketHandle, seconds: number | null): void;
  setsockopt(socket: SocketHandle, option: SocketOption, value: number): void;
  getsockname(socket: SocketHandle): Address;
  getpeername(socket: SocketHandle): Address;
  info(socket: SocketHandle): SocketInfo;
  /** info()'s transport, family and addresses alone, cheap enough to ask on every send and recv; null once closed. */
  endpoints(socket: SocketHandle): Endpoints | null;
  /** Every open socket, in creation order. Closed sockets leave the table. */
  list(): SocketInfo[];
  /** Close every socket of one owner (a job ended or was killed). Returns how many. */
  closeOwnedBy(owner: string): number;
  /** Close everything (exit). Resolves when the OS handles are released. */
  closeAll(): Promise<void>;
}
