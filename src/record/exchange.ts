import type { Address, OwnReset, ShutdownHow, StreamEnd, TlsInfo, Transport } from '../engine/types.js';

/**
 * A socket as the log keeps it: its serial, which is the socket, and its label when the entry was
 * made. A copy, not the engine's live handle: the log keeps what the label was, and 'relabel'
 * entries say when it changed, so the diagram draws one lane per socket whatever it was called.
 */
export interface LoggedSocket {
  readonly serial: number;
  readonly name: string;
}

/**
 * What the session's socket calls did, as the application saw them: the raw material of
 * `diagram`. Payloads keep only a short preview. The log is bounded, so a server loop that runs
 * for hours does not grow without end; `dropped` says how much was let go.
 */
export type Exchange =
  /** bind(), or (implicit) the OS bound a UDP socket on its first sendto: kept, so what arrives from it before its send is known to be its. */
  | {
      readonly kind: 'bind';
      readonly socket: LoggedSocket;
      readonly transport: Transport;
      readonly local: Address;
      readonly implicit: boolean;
    }
  | { readonly kind: 'listen'; readonly socket: LoggedSocket; readonly local: Address }
  | {
      readonly kind: 'connect';
      readonly socket: LoggedSocket;
      readonly transport: Transport;
      readonly local: Address;
      readonly remote: Address;
      /** A TLS socket: the TLS handshake that followed TCP's. */
      readonly tls?: TlsInfo;
    }
  | {
      readonly kind: 'accept';
      readonly socket: LoggedSocket;
      readonly conn: LoggedSocket;
      readonly local: Address;
      readonly peer: Address | null;
      /** A TLS listener: the handshake the connection made before accept took it. */
      readonly tls?: TlsInfo;
    }
  /** connect failed: at TCP's handshake (code), or at TLS's after it (tls: what broke it, and what it had settled when the certificate was refused). */
  | {
      readonly kind: 'connectFailed';
      readonly socket: LoggedSocket;
      readonly transport: Transport;
      readonly remote: Address;
      readonly code: string;
      readonly tls: { readonly detail: string; readonly info: TlsInfo | null } | null;
    }
  /** A client's TLS handshake with a TLS listening socket failed; nothing reached accept. */
  | { readonly kind: 'rejected'; readonly socket: LoggedSocket; readonly from: Address | null; readonly detail: string }
  | {
      readonly kind: 'send';
      readonly socket: LoggedSocket;
      readonly transport: Transport;
      readonly call: string;
      readonly local: Address | null;
      readonly to: Address | null;
      readonly bytes: number;
      readonly preview: Buffer;
      /** sendfile's file: its bytes are not previewed. */
      readonly file: string | null;
    }
  | {
      readonly kind: 'recv';
      readonly socket: LoggedSocket;
      readonly transport: Transport;
      readonly call: string;
      readonly local: Address | null;
      readonly from: Address | null;
      readonly bytes: number;
      readonly preview: Buffer;
      /** recvfile's file: its bytes are not previewed. */
      readonly file: string | null;
    }
  /**
   * Bytes reached the socket's queue (the engine's received): what the network delivered, whatever the
   * application's recv calls later asked for. pieces: how many arrivals, when a long run of them on one
   * socket with nothing between was kept as one (see RUN_KEPT); the preview is of the first.
   */
  | {
      readonly kind: 'arrived';
      readonly socket: LoggedSocket;
      readonly transport: Transport;
      readonly from: Address | null;
      readonly bytes: number;
      readonly pieces: number;
      readonly preview: Buffer;
    }
  | {
      readonly kind: 'fin';
      readonly socket: LoggedSocket;
      readonly local: Address | null;
      readonly to: Address | null;
      readonly call: 'close' | 'shutdown';
    }
  | { readonly kind: 'close'; readonly socket: LoggedSocket }
  /**
   * shutdown marked the socket: after rd or rdwr it reads no more (its recv returns b'' for that, not
   * for a FIN). fin: a 'fin' exchange follows; refused: the call failed yet marked it (UDP's ENOTCONN).
   */
  | {
      readonly kind: 'shut';
      readonly socket: LoggedSocket;
      readonly transport: Transport;
      readonly how: ShutdownHow;
      readonly fin: boolean;
      readonly refused: string | null;
    }
  /**
   * The connection's other end ended it (the engine's eof): fin is false when the OS could not say
   * whether that was a FIN or a reset. Drawn once, where recv returning b'' would draw one arrow a call.
   */
  | { readonly kind: 'ended'; readonly socket: LoggedSocket; readonly end: StreamEnd }
  /** close() with unread bytes (or SO_LINGER 0, unread 0): the connection was reset (RST) instead of closed with a FIN. */
  | { readonly kind: 'reset'; readonly socket: LoggedSocket; readonly local: Address | null; readonly to: Address; readonly unread: number }
  /** What the OS did to a socket between calls: an error arrived (a reset, ICMP port unreachable). */
  | { readonly kind: 'failed'; readonly socket: LoggedSocket; readonly code: string; readonly ownReset?: OwnReset }
  /** A receive call on UDP cut a datagram of size bytes to bufsize; the rest is lost. */
  | { readonly kind: 'cut'; readonly socket: LoggedSocket; readonly size: number; readonly bufsize: number }
  /** The socket goes by a new label from here on: a new socket took its old one. */
  | { readonly kind: 'relabel'; readonly socket: LoggedSocket }
  /** A relay of this session lost a datagram on purpose (--loss); at: the relay's address it was sent to. */
  | { readonly kind: 'lost'; readonly at: Address; readonly bytes: number; readonly preview: Buffer };
