/** What a socket is, and what the engine shows of it: its transport, family, addresses, handle, state, TLS handshake and SocketInfo. */

export type Transport = 'udp' | 'tcp';
/** 4: AF_INET, 6: AF_INET6, 'unix': AF_UNIX (a stream socket named by a path; its Address is { host: path, port: 0 }). */
export type Family = 4 | 6 | 'unix';

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
  readonly queued: {
    readonly unit: 'bytes' | 'datagrams' | 'connections';
    readonly count: number;
    readonly bytes: number;
    /** A listener whose queue is Node's (accept-cap.ts): how many of the connections Python's kernel would hold (backlog + 1). */
    readonly kernelWouldHold?: number;
  };
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
  /**
   * What shutdown marked, as Linux's sk_shutdown (ss -e: <-- wr, --> rd, --- both): on UDP the only
   * trace of it (no packet goes), on TCP beside the state (FIN_WAIT is wr's FIN). A UDP socket with no
   * peer is marked too, though its shutdown failed (ENOTCONN), as Linux does.
   */
  readonly shut: ShutMarks;
}

/** Which directions shutdown shut (SocketInfo.shut). */
export interface ShutMarks {
  readonly rd: boolean;
  readonly wr: boolean;
}

/** A socket's kind and addresses, as SocketInfo has them. */
export interface Endpoints {
  readonly transport: Transport;
  readonly family: Family;
  readonly local: Address | null;
  readonly peer: Address | null;
}
