/**
 * The socket's half of a pump (pump.ts), made of the engine's own calls: what `interact` and
 * `sockshell connect`/`listen` send and receive with.
 */
import { SocketError } from '../engine/index.js';
import type { Address, Engine, SocketHandle } from '../engine/types.js';
import type { PumpEnds } from './pump.js';

/** Each recv asks for at most this much: a 64 KiB read, as a bulk copy wants (socat's -b 131072 is the same idea). */
export const STREAM_READ = 65536;
/**
 * A UDP datagram carries at most this much of the input: a pipe hands over 64 KiB at a time, more
 * than one datagram holds (65507 bytes), so the input is cut into datagrams of 8 KiB, ncat's read size.
 */
export const UDP_DATAGRAM = 8192;

type SocketSide = Pick<PumpEnds, 'transmit' | 'receive' | 'endInput' | 'peerEndWords'>;

/**
 * A connected socket's side: TCP sends with sendall, half-closes at the end of input and ends at the
 * peer's FIN; UDP (connected: its peer is fixed) sends each piece of input as datagrams and never
 * ends by itself. replyTo: a UDP socket that is not connected answers whoever sent last (nc -u -l -k);
 * until someone has, input is dropped, and `say` tells it once.
 */
export function socketSide(engine: Engine, socket: SocketHandle, say: (text: string) => void): SocketSide {
  const transport = engine.endpoints(socket)?.transport ?? 'tcp';
  if (transport === 'tcp') {
    const unix = engine.endpoints(socket)?.family === 'unix';
    return {
      ...(unix ? { peerEndWords: 'the peer shut down its sending side (end of stream; a Unix socket has no FIN)' } : {}),
      transmit: async (data, signal) => {
        await engine.sendall(socket, data, { signal });
        return data.length;
      },
      // Once the peer's reset is in, shutdown raises ENOTCONN, as Python's does: no FIN can go.
      endInput: () => void engine.shutdown(socket, 'wr'), // the FIN is sent or on its way: nothing here waits for it
      receive: async (signal) => {
        const data = await engine.recv(socket, STREAM_READ, { signal });
        return { data, from: null, end: data.length === 0 };
      },
    };
  }
  const connected = engine.endpoints(socket)?.peer != null;
  let lastFrom: Address | null = null;
  let toldNobody = false;
  return {
    async transmit(data, signal) {
      let went = 0;
      for (let at = 0; at < data.length; at += UDP_DATAGRAM) {
        const piece = data.subarray(at, at + UDP_DATAGRAM);
        if (connected) went += await engine.send(socket, piece, { signal });
        else if (lastFrom !== null) went += await engine.sendto(socket, piece, lastFrom.host, lastFrom.port, { signal });
        else if (!toldNobody) {
          toldNobody = true;
          say('no datagram has arrived yet, so there is nobody to send to: input dropped until one does');
        }
      }
      return went;
    },
    endInput: () => undefined,
    receive: async (signal) => {
      const { data, address } = await engine.recvfrom(socket, STREAM_READ, { signal });
      lastFrom = address;
      return { data, from: address, end: false };
    },
  };
}

/**
 * A connected UDP socket's side that goes on through ICMP port unreachable (sockshell connect -u, and
 * interact). Linux hands the ICMP error for an earlier datagram to the socket's next call as
 * ECONNREFUSED, and the socket stays usable: Python's next send after its ConnectionRefusedError goes
 * out, and a server started there answers. OpenBSD nc -u ends there silently with status 0 (the lines
 * typed after it unsent) and socat with status 1; here `told` says it, and the stream goes on. A send
 * that was handed the error sent nothing: a datagram's worth is sent again, once (a longer chunk's
 * earlier datagrams went, and would go twice).
 */
export function carryingOn(side: SocketSide, told: (e: SocketError) => void): SocketSide {
  const refusal = (e: unknown): e is SocketError => e instanceof SocketError && e.code === 'ECONNREFUSED';
  return {
    ...side,
    async transmit(data, signal) {
      try {
        return await side.transmit(data, signal);
      } catch (e) {
        if (!refusal(e)) throw e;
        told(e);
        return data.length <= UDP_DATAGRAM ? side.transmit(data, signal) : 0;
      }
    },
    async receive(signal) {
      // Each turn takes one ICMP error the kernel reported; a datagram, or the stop, ends the loop.
      for (;;) {
        try {
          return await side.receive(signal);
        } catch (e) {
          if (!refusal(e)) throw e;
          told(e);
        }
      }
    },
  };
}

/** What `told` says of each refusal, after the engine's words (the command line's or the prompt's). */
export const CARRYING_ON = 'carrying on, as UDP has no connection for it to end: what comes next is sent there too';

/** The count of refusals a stream carried on through, as its last line adds it ('' for none). */
export function refusedCount(n: number): string {
  return n === 0 ? '' : `; ${n} datagram${n === 1 ? '' : 's'} came back as ICMP port unreachable`;
}

/**
 * The totals of a stream that failed (interact at the prompt, `sockshell connect`/`listen`), said before
 * its error as every other ending says them (trial 7, I). "Sent" is what the kernel took to send: a reset
 * throws away what the peer had not acknowledged, and how much that was is not known here, so it is said as such.
 */
export function failedTotals(code: string, t: { readonly sent: number; readonly received: number }): string {
  const received = `received ${byteCount(t.received)}`;
  // Nothing sent, nothing of it to qualify (newuser trial 7: "sent 0 bytes (taken by the kernel: …)").
  const sent = (how: string) => `sent ${byteCount(t.sent)}${t.sent === 0 ? '' : ` (${how})`}`;
  if (code === 'ECONNRESET')
    return `the peer reset the connection; ${sent('taken by the kernel: what the peer had not acknowledged was lost with the reset')}, ${received}`;
  return `it failed (${code}); ${sent('taken by the kernel')}, ${received}`;
}

/** `1 byte`, `2 bytes`: how the streams' totals count. */
export const byteCount = (n: number): string => `${n} byte${n === 1 ? '' : 's'}`;
