/**
 * The socket engine's contract. The engine owns every live dgram.Socket / net.Socket / net.Server,
 * refers to them only by name, never prints, and knows nothing of the REPL or the language.
 * Callers get values back, typed SocketErrors thrown, and EngineEvents pushed to an injected sink.
 */

import type { OptionArg, SocketOption } from './options.js';

export type Transport = 'udp' | 'tcp';
/** 4: AF_INET, 6: AF_INET6, 'unix': AF_UNIX (a stream socket named by a path; its Address is { host: path, port: 0 }). */
export type Family = 4 | 6 | 'unix';

/** How a connection's peer ended it, as far as the OS says: see the eof event. */
export type StreamEnd = 'fin' | 'unknown' | 'stream';

/** A socket address as Python shows it: ('127.0.0.1', 53012) or ('::1', 53012, 0, 0). */
export interface Address {
  readonly host: string;
  readonly port: number;
  readonly family: Family;
}

/**
 * A reference to one socket. The serial is the socket: it never changes and is never reused. The
 * name is a label: the engine hands out one handle per socket and writes its label into it when the
 * label moves (CreateOptions.displace), so every holder reads the label the engine uses now; a closed
 * socket's handle keeps its last one. Labels are reused once a socket is closed (every accepted
 * socket in a server loop can be called connectionSocket), so the serial tells a stale handle from
 * the live one.
 */
export interface SocketHandle {
  readonly name: string;
  readonly serial: number;
}

/**
 * What a TLS handshake settled, as the peer's certificate and the library's choice say: shown by
 * tls.connect, `sockets` and `diagram`. Certificate fields are OpenSSL's one-line forms (CN=localhost).
 */
export interface TlsInfo {
  /** Which end of the handshake this socket was: client (tls.connect) or server (a TLS listener's accept). */
  readonly role: 'client' | 'server';
  /** The negotiated protocol version: TLSv1.3, TLSv1.2. */
  readonly version: string;
  /** The negotiated cipher suite (its standard name). */
  readonly cipher: string;
  /** The peer's certificate, when it sent one (a server always does; a client only when asked). */
  readonly peerCert: CertSummary | null;
  /** The name the client asked for (SNI) and the certificate was checked against; null when none was sent. */
  readonly servername: string | null;
  /** Verification: null when the certificate checked out; else the check that failed (DEPTH_ZERO_SELF_SIGNED_CERT...), accepted on purpose (--insecure). */
  readonly unverified: string | null;
}

export interface CertSummary {
  readonly subject: string;
  readonly issuer: string;
  /** As OpenSSL prints them: 'Dec  5 00:28:58 2026 GMT'. */
  readonly validFrom: string;
  readonly validTo: string;
  /** The names it is valid for: 'DNS:localhost, IP Address:127.0.0.1'; '' when it lists none. */
  readonly altNames: string;
  readonly fingerprint256: string;
}

/**
 * Python's ssl.wrap_socket on a socket not yet connected or listening: a client verifies the server
 * (unless insecure) against the system's authorities or ca; a server presents cert and key (PEM).
 */
export type TlsSetup =
  | { readonly role: 'client'; readonly servername: string | null; readonly ca: Buffer | null; readonly insecure: boolean }
  | { readonly role: 'server'; readonly cert: Buffer; readonly key: Buffer };

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

/** The options setsockopt takes: the keys of SOCKET_OPTION_TABLE (options.ts), one entry each. */
export type { OptionArg, SocketOption };

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
   * the name and the old one is relabelled x2 (event 'renamed'). Otherwise the new socket is x2.
   * 'tentative' (a shortcut, which may still fail): the new socket goes by the name at once in what
   * is said of it, but the socket holding the name keeps it (lookup, its own messages) until claim()
   * moves it aside and announces the move; closing the new socket first moves nothing.
   */
  readonly displace?: boolean | 'tentative';
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
  readonly dropped: number; // UDP datagrams dropped past the queue cap; connections reset past a full accept queue
  readonly bytesSent: number;
  readonly bytesReceived: number; // counted when they reach the queue, not when recv takes them
  readonly arrivals: number; // pieces they arrived in: datagrams (UDP) or reads off the connection (TCP)
  readonly timeout: number | null; // seconds; null = blocking forever, 0 = non-blocking
  readonly waiting: string | null; // the pending blocking call ('recv', 'accept', ...) if any
  readonly closeResets: boolean; // close() now sends a reset (RST), not a FIN: bytes unread, or SO_LINGER 0
  /** A TLS connection's handshake; absent on every other socket. */
  readonly tls?: TlsInfo;
  /** Wrapped in TLS (wrapTls) whether or not a handshake has happened: a TLS listener, a client before its handshake. */
  readonly wrapped: boolean;
}

/** A socket's kind and addresses, as SocketInfo has them. */
export interface Endpoints {
  readonly transport: Transport;
  readonly family: Family;
  readonly local: Address | null;
  readonly peer: Address | null;
}

/** The calls that hand bytes to the OS, and the ones that hand received bytes to the application. */
export type SendCall = 'send' | 'sendall' | 'sendto' | 'sendfile';
export type RecvCall = 'recv' | 'recvfrom' | 'recvfile' | StreamRead['call'];

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

/**
 * Everything the engine tells the outside: one event per completed socket call and per thing the OS
 * did. Every event names its socket by serial (the socket) and by the label it had when the event
 * happened. Addresses are as resolved (127.0.0.1, never localhost). Consumers switch on kind, or
 * keep tables typed over EngineEvent['kind'], so a new kind does not compile until each handles it.
 * Payloads (data) are the caller's or the queue's buffers, not copies: a consumer that keeps one
 * copies what it keeps.
 */
export type EngineEvent =
  // What the OS did, whether or not a call was waiting for it.
  /** bind() completed, or (implicit) the OS picked an address on a first sendto, connect or listen. */
  | { kind: 'bound'; serial: number; socket: string; transport: Transport; address: Address; implicit: boolean }
  /** connect() completed: the TCP handshake, or a UDP socket's default peer (no packet). named: the host as the caller named it (localhost), when not an address. */
  | {
      kind: 'connected';
      serial: number;
      socket: string;
      transport: Transport;
      local: Address;
      remote: Address;
      named: string | null;
      /** A TLS socket: the TLS handshake that followed the TCP one (absent for plain TCP and UDP). */
      tls?: TlsInfo;
    }
  /** A completed handshake on a listening socket, waiting for accept. */
  | { kind: 'incoming'; serial: number; socket: string; from: Address; pending: number; taken: boolean }
  /** Data reached the socket's queue; taken: a waiting recv got it at once; queued counts datagrams (UDP) or bytes (TCP). */
  | {
      kind: 'received';
      serial: number;
      socket: string;
      transport: Transport;
      bytes: number;
      from: Address | null;
      queued: number;
      taken: boolean;
      /** The bytes themselves (the queue's buffer: copy to keep), for the traffic log; with file, only their first bytes. */
      data: Buffer;
      /** recvfile's fast path: the bytes went from the socket straight into this file, never through the process. */
      file?: string;
    }
  /**
   * The connection ended. end: 'fin', the peer's FIN; 'unknown', FIN or reset, the OS did not say which
   * (end-probe.ts); 'stream', an AF_UNIX peer's end of stream (no packets, so neither). taken: a waiting
   * recv returns b'' for it.
   */
  | { kind: 'eof'; serial: number; socket: string; queued: number; taken: boolean; end: StreamEnd }
  /** UDP queue full: a datagram was dropped; or a listening socket's accept queue full: a connection was reset (bytes 0). */
  | {
      kind: 'dropped';
      serial: number;
      socket: string;
      unit: 'datagrams' | 'connections';
      bytes: number;
      total: number;
      /** A connection was reset (RST); false for one closed instead (TLS, AF_UNIX: stream-handle.ts canReset) and for datagrams. */
      reset: boolean;
    }
  /** TCP queue full: stopped reading (backpressure); again: not the first time since the queue was last empty; taken: a call under way (recvfile) is draining it. */
  | { kind: 'paused'; serial: number; socket: string; queued: number; again: boolean; taken: boolean }
  /** recvfrom/recv on UDP cut a datagram to bufsize. */
  | { kind: 'truncated'; serial: number; socket: string; size: number; bufsize: number }
  /** One TCP recv returned bytes that arrived in several pieces. */
  | { kind: 'joined'; serial: number; socket: string; bytes: number; pieces: number }
  /** An asynchronous error (ECONNRESET, ICMP ECONNREFUSED) stored for the next call; taken: a waiting call reports it now. */
  | { kind: 'failed'; serial: number; socket: string; code: string; taken: boolean }
  // What a completed call did, as the application saw it.
  /** listen() completed: a welcoming socket. */
  | { kind: 'listening'; serial: number; socket: string; local: Address; backlog: number }
  /** accept() returned a connection socket (conn, by serial and label) for peer. */
  | {
      kind: 'accepted';
      serial: number;
      socket: string;
      conn: number;
      connName: string;
      local: Address;
      peer: Address;
      /** A TLS listener: the handshake the connection made before accept took it (absent for plain TCP). */
      tls?: TlsInfo;
    }
  /**
   * connect() failed: the TCP handshake (refused, no answer: code), or the TLS one after it (tls set:
   * detail says what broke it; info is what the handshake had settled when the client refused the
   * server's certificate, null when it broke before). The socket is left unconnected.
   */
  | {
      kind: 'connectFailed';
      serial: number;
      socket: string;
      transport: Transport;
      remote: Address;
      code: string;
      tls: { readonly detail: string; readonly info: TlsInfo | null } | null;
    }
  /** A client's TLS handshake with a TLS listening socket failed (code: what went wrong); nothing reaches accept, which goes on waiting. */
  | { kind: 'rejected'; serial: number; socket: string; from: Address | null; code: string; detail: string }
  /**
   * A send call handed bytes to the OS: `to` is where they went (the connection's peer for send), `local`
   * the address they left from. data holds what went (empty for sendfile, which names its file).
   */
  | {
      kind: 'sent';
      serial: number;
      socket: string;
      transport: Transport;
      call: SendCall;
      local: Address | null;
      to: Address | null;
      /** sendto's host as the caller named it (localhost), when not an address; else null. */
      named: string | null;
      bytes: number;
      data: Buffer;
      file: string | null;
    }
  /**
   * A receive call returned bytes to the application: `from` is where they came from (the peer on TCP).
   * bufsize is what the call asked for (null for recvfile), so a TCP recv(0)'s b'' is told from FIN's.
   */
  | {
      kind: 'returned';
      serial: number;
      socket: string;
      transport: Transport;
      call: RecvCall;
      local: Address | null;
      from: Address | null;
      bufsize: number | null;
      bytes: number;
      data: Buffer;
      file: string | null;
    }
  /** shutdown() completed; fin: it sent a FIN to peer (wr or rdwr on a TCP connection not already shut; never AF_UNIX, which sends no packets). */
  | { kind: 'shut'; serial: number; socket: string; how: ShutdownHow; local: Address | null; peer: Address | null; fin: boolean }
  /**
   * The socket was closed, by close() or with its owner; fin: closing sent a FIN to peer. unread: bytes
   * that had arrived and were never read; closing a connection with any sends a reset (RST) instead of
   * the FIN, as Linux does when a program closes with data in its receive buffer. linger: SO_LINGER 0
   * made closing a connection a reset (RST) too, whatever was unread.
   */
  | {
      kind: 'closed';
      serial: number;
      socket: string;
      by: 'us' | 'owner';
      transport: Transport;
      local: Address | null;
      peer: Address | null;
      fin: boolean;
      unread: number;
      linger: boolean;
      /**
       * A listening socket: the connections that were waiting for accept (count), and whether closing
       * reset them, as Linux does (reset), or could only close them (TLS, AF_UNIX: see stream-handle.ts).
       */
      unaccepted: { count: number; reset: boolean };
      /** Who owned it (CreateOptions.owner): a closed socket is no longer in the table to ask. */
      owner: string;
    }
  /** A new socket took the label `from`; the old one (serial) goes by `socket` now. */
  | { kind: 'renamed'; serial: number; socket: string; from: string };

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
  /**
   * The native fast path (engine/native.ts): while this returns true, a call that must wait may wait
   * in the native addon, blocking the thread until its socket is ready or anything else needs the
   * event loop. Give it only where nothing runs beside the calls (a script with no background job).
   * Absent, or without the addon: the event loop alone. Either way the semantics are the same.
   */
  readonly blockingCalls?: () => boolean;
  /**
   * false: Node's own calls alone, as a build without the native addon (the tests of that fallback).
   * Default: the addon where it loaded, for what Node has no call for: socket options it cannot set
   * or read, and sendto on a connected UDP socket.
   */
  readonly addonCalls?: boolean;
}

/**
 * Every method that names a socket throws SocketError('EBADF') for a closed or stale handle.
 * Methods mirror Python's socket methods one to one; see each comment for the Python call.
 */
export interface Engine {
  /** socket(AF_INET|AF_INET6, SOCK_DGRAM|SOCK_STREAM). Opens nothing yet; Node needs options first. */
  create(transport: Transport, family: Family, options: CreateOptions): SocketHandle;
  /** A socket made with displace 'tentative' is made for good (its shortcut succeeded): the move of the socket it displaced is announced ('renamed'). */
  claim(socket: SocketHandle): void;
  /** Find an open socket by name (for `use NAME`, `NAME.call`). */
  lookup(name: string): SocketHandle | null;
  /** bind((host, port)). host '' = every interface; names resolve in the socket's family. Returns the bound address. */
  bind(socket: SocketHandle, host: string, port: number): Promise<Address>;
  /** listen(backlog) on a TCP socket (binds to an ephemeral port first if unbound). Returns the local address. */
  listen(socket: SocketHandle, backlog: number): Promise<Address>;
  /** accept(): waits for a connection; the new socket is named from options.name. tls: a TLS listener's connection's handshake. */
  accept(socket: SocketHandle, options: BlockOptions & CreateOptions): Promise<{ socket: SocketHandle; address: Address; tls?: TlsInfo }>;
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
   * A StreamRead on a TCP connection. It shares the receive queue with recv: it waits as recv does
   * (settimeout, the signal, one blocking call at a time) until the queue holds what it asks for, takes
   * exactly that and leaves the rest for the next call. UDP: EOPNOTSUPP.
   */
  readStream(socket: SocketHandle, read: StreamRead, options: BlockOptions): Promise<StreamReadResult>;
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
  /** setsockopt(level, option, value): the level is the option's (options.ts). */
  setsockopt(socket: SocketHandle, option: SocketOption, value: OptionArg): void;
  /** getsockopt(level, option) → an int, as Python's reads it (SO_LINGER: whether it is on). */
  getsockopt(socket: SocketHandle, option: SocketOption): number;
  /**
   * ssl.wrap_socket on a TCP socket not yet connected or listening: its connect then does the TLS
   * handshake after TCP's (and verifies the server), its listen serves TLS and accept returns
   * connections whose handshake is done. On a connection, listening or UDP socket: EINVAL_TLS.
   */
  wrapTls(socket: SocketHandle, setup: TlsSetup): void;
  getsockname(socket: SocketHandle): Address;
  getpeername(socket: SocketHandle): Address;
  info(socket: SocketHandle): SocketInfo;
  /** info()'s transport, family and addresses alone, cheap enough to ask on every send and recv; null once closed. */
  endpoints(socket: SocketHandle): Endpoints | null;
  /** Every open socket, in creation order. Closed sockets leave the table. */
  list(): SocketInfo[];
  /**
   * Records that something of this shell that is not one of the engine's sockets (a relay job, on
   * Node's own sockets) holds address, so a bind refused there names it ("the relay job %1") and how
   * to stop it ("kill %1"), not another program. Returns the call that forgets it.
   */
  holdAddress(transport: Transport, address: Address, holder: string, stop: string): () => void;
  /**
   * Datagrams the kernel dropped for a UDP socket because its receive buffer was full, before the
   * shell read them (SocketInfo.dropped counts the shell's own queue's drops); null for TCP, before
   * bind, once closed, or where the OS does not say (not Linux). Reads /proc: ask it for a view.
   */
  kernelDropped(socket: SocketHandle): number | null;
  /** Close every socket of one owner (a job ended or was killed). Returns how many. */
  closeOwnedBy(owner: string): number;
  /** Close everything (exit). Resolves when the OS handles are released. */
  closeAll(): Promise<void>;
}
