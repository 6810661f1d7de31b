/**
 * The socket engine's contract. The engine owns every live dgram.Socket / net.Socket / net.Server,
 * refers to them only by name, never prints, and knows nothing of the REPL or the language.
 * Callers get values back, typed SocketErrors thrown, and EngineEvents pushed to an injected sink.
 * This file holds the Engine interface and its options; the types it speaks in live in
 * socket-info.ts, call-options.ts and events.ts, and are re-exported here, so that outside the
 * engine the contract is still this one module (test/containment.test.ts).
 */
import type { OptionArg, SocketOption } from './options.js';
import type { Address, Endpoints, Family, SocketHandle, SocketInfo, TlsInfo, Transport } from './socket-info.js';
import type { Completion } from '../core/completion.js';
import type {
  BlockOptions,
  CreateOptions,
  HereOptions,
  ShutdownHow,
  StreamRead,
  StreamReadResult,
  TlsSetup,
  TransferOptions,
} from './call-options.js';
import type { EventSink } from './events.js';

export type * from './socket-info.js';
export type * from './call-options.js';
export type * from './events.js';

/** The options setsockopt takes: the keys of SOCKET_OPTION_TABLE (options.ts), one entry each. */
export type { OptionArg, SocketOption };

/** What recvfrom returns: the data, and the sender (null on TCP, as Python's None). */
export interface Received {
  readonly data: Buffer;
  readonly address: Address | null;
}

/** What accept returns: the new connection, its peer, and a TLS listener's connection's handshake. */
export interface Accepting {
  readonly socket: SocketHandle;
  /** null: the client's address is not known (socket-core.ts Accepted.from); Python's accept would have it. */
  readonly address: Address | null;
  readonly tls?: TlsInfo;
}

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
  /**
   * accept(): waits for a connection; the new socket is named from options.name. With HereOptions, the
   * connection itself when one was queued or came within the wait in the addon (as recv).
   */
  accept(socket: SocketHandle, options: HereOptions & CreateOptions): Completion<Accepting>;
  accept(socket: SocketHandle, options: BlockOptions & CreateOptions): Promise<Accepting>;
  /** connect((host, port)): TCP handshake, or UDP default peer. */
  connect(socket: SocketHandle, host: string, port: number, options: BlockOptions): Promise<{ local: Address; remote: Address }>;
  /**
   * send(data) → bytes sent: a number when the data went at once, a promise when send had to wait for
   * 'drain' (the kernel buffer was full: backpressure). Errors always come as a rejected promise.
   */
  send(socket: SocketHandle, data: Buffer, options: BlockOptions): number | Promise<number>;
  /** sendall(data) → None. */
  sendall(socket: SocketHandle, data: Buffer, options: BlockOptions): Promise<void>;
  /**
   * sendto(data, (host, port)) → bytes sent. UDP only. Binds implicitly (event 'bound', implicit) if
   * unbound. With HereOptions, the count itself when the call completed at once (core/completion.ts).
   */
  sendto(socket: SocketHandle, data: Buffer, host: string, port: number, options: HereOptions): Completion<number>;
  sendto(socket: SocketHandle, data: Buffer, host: string, port: number, options: BlockOptions): Promise<number>;
  /**
   * recv(bufsize): TCP: up to bufsize bytes, b'' after FIN. UDP: one datagram, truncated to bufsize.
   * With HereOptions, the bytes themselves when the call completed before it returned.
   */
  recv(socket: SocketHandle, bufsize: number, options: HereOptions): Completion<Buffer>;
  recv(socket: SocketHandle, bufsize: number, options: BlockOptions): Promise<Buffer>;
  /** recvfrom(bufsize) → (data, address). On TCP the address is null, as Python's is None. HereOptions: as recv. */
  recvfrom(socket: SocketHandle, bufsize: number, options: HereOptions): Completion<Received>;
  recvfrom(socket: SocketHandle, bufsize: number, options: BlockOptions): Promise<Received>;
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
  /**
   * Python's shutdown: the FIN has gone when it is done. A promise where it is Node's to send (no addon,
   * TLS, bytes still in Node's buffer go first and are not waited for), resolved once it has.
   */
  shutdown(socket: SocketHandle, how: ShutdownHow): Completion<void>;
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
   * Every open socket tells now what the kernel holds for it that the shell has not read (a connection's
   * FIN, reset, bytes; a UDP socket's datagrams and ICMP error); a promise when a turn of the event loop must read it.
   */
  settle(): Completion<void>;
  /**
   * Records that something of this shell that is not one of the engine's sockets (a relay job, on
   * Node's own sockets) holds address, so a bind refused there names it ("the relay job %1") and how
   * to stop it ("kill %1"), not another program. Returns the call that forgets it.
   */
  holdAddress(transport: Transport, address: Address, holder: string, stop: string): () => void;
  /**
   * What of this shell holds address now: an open socket's name, or what holdAddress recorded (with how
   * to stop it); null when nothing of this shell does. For a bind made outside the engine (a relay's).
   */
  holderOf(transport: Transport, address: Address): { readonly holder: string; readonly holderStop?: string } | null;
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
  /**
   * sockshell connect/listen's bulk path for a connected TCP socket and the stream's own descriptors
   * (bulk-pump.ts): bytes moved inside the kernel. Null without the addon, and where the bytes must
   * pass through the process (UDP, TLS) or neither descriptor can take the path.
   */
  bulk(socket: SocketHandle, fds: { readonly input: number; readonly output: number }): BulkPath | null;
}

/** What one step of the bulk path did: bytes moved each way, and what ended it (BulkPath.step). */
export interface BulkStep {
  readonly sent: number;
  readonly received: number;
  readonly event: 'moved' | 'quiet' | 'loop' | 'input-end' | 'input-off' | 'send-failed' | 'output-off' | 'output-failed';
  /**
   * send-failed: the connection's error, as sendall raises it. output-failed: the output's own write
   * error (code ENOSPC, EFBIG...), after part of a move or none of it was written: what was not is lost.
   */
  readonly error?: Error;
}

/** The bulk path of one connection (Engine.bulk). */
export interface BulkPath {
  /** The input can go by this path (a regular file or a pipe); and the output (a file, /dev/null or a pipe). */
  readonly input: boolean;
  readonly output: boolean;
  /** Takes the reading from Node, when nothing read is held: received bytes go by this path from now. */
  takeReading(): boolean;
  /** Nothing waits in Node to be written: input may go by this path. */
  canSend(): boolean;
  /**
   * Moves input to the socket and the socket to output (as asked) for one slice at most, waiting
   * inside while nothing else needs the event loop: 'input-end' the input ended; 'input-off' and
   * 'output-off' that direction goes on through the engine's calls (the end of the stream, a reset,
   * the output's or input's own trouble are theirs to meet and tell); 'output-failed' a write into the
   * output failed (the bytes of that move are gone: the output must end with its error); 'loop' the
   * event loop must turn.
   */
  step(input: boolean, output: boolean): BulkStep;
}
