/** The events the engine emits (EngineEvent), one per completed call and per thing the OS did, and the sink that hears them. */
import type { Address, TlsInfo, Transport } from './socket-info.js';
import type { ShutdownHow, StreamRead } from './call-options.js';
import type { SendsRead } from './send-ends.js';

/** How a connection's peer ended it, as far as the OS says: see the eof event. */
export type StreamEnd = 'fin' | 'unknown' | 'stream';

/** Whose reset a 'failed' event tells when it was this side's (see it). */
export type OwnReset = 'kernel' | 'shell';

/** The calls that hand bytes to the OS, and the ones that hand received bytes to the application. */
export type SendCall = 'send' | 'sendall' | 'sendto' | 'sendfile';
export type RecvCall = 'recv' | 'recvfrom' | 'recvfile' | StreamRead['call'];

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
  /**
   * A completed handshake on a listening socket, waiting for accept. tied: it and the connection told
   * next to it came within one tick of the kernel's clock, so which came first (and which accept
   * returns first) is not known; absent when known.
   */
  | { kind: 'incoming'; serial: number; socket: string; from: Address | null; pending: number; taken: boolean; tied?: true }
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
  /**
   * One TCP recv returned bytes read off the connection in several pieces, or (sends) bytes that several
   * send calls of a peer socket of this shell made; sends: null when the peer is not one (or not known).
   */
  | { kind: 'joined'; serial: number; socket: string; bytes: number; pieces: number; call: string; sends: SendsRead | null }
  /** An asynchronous error (ECONNRESET, ICMP ECONNREFUSED) stored for the next call; taken: a waiting call reports it now. */
  /**
   * ownReset: the reset was this side's, not the peer's: data came after shutdown rd and our FIN, and our
   * kernel answered it with an RST (kernel), or, without the addon, the shell did so in its stead (shell).
   */
  | { kind: 'failed'; serial: number; socket: string; code: string; taken: boolean; ownReset?: OwnReset }
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
      /** null: the client's address is not known (see Accepted.from). */
      peer: Address | null;
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
  /**
   * shutdown() marked the socket (Linux's sk_shutdown); fin: it sent a FIN to peer (wr or rdwr on a TCP
   * connection not already shut; never AF_UNIX, which sends no packets). refused: the call failed with
   * this code yet marked the socket all the same, as Linux does for an unconnected UDP socket (ENOTCONN).
   */
  | {
      kind: 'shut';
      serial: number;
      socket: string;
      transport: Transport;
      how: ShutdownHow;
      local: Address | null;
      peer: Address | null;
      fin: boolean;
      refused: string | null;
    }
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
