/**
 * Python's send on a TCP socket returns what the kernel took, and blocks (or times out) while the
 * kernel's send buffer is full. Node's write never blocks and takes everything into its own buffer,
 * so a 200 MB send to a peer that never reads used to return 200000000 at once (issue 14).
 *
 * sendWhatFits writes data in pieces and stops at the first piece the kernel did not take whole
 * (Node then holds its rest: writableLength > 0). Node hands a piece to the kernel at once when it can
 * (libuv's try-write), so writableLength is 0 after a piece only if the kernel took all of it. The
 * count returned includes that last piece whole: its rest is already Node's and will be sent, so a
 * caller that sends "the rest" never sends a byte twice. It is at most SEND_PIECE more than the kernel
 * took, and nothing more is buffered in the process than that piece.
 */

/** The unit of a send: a bulk write's size, small enough that what Node holds beyond the kernel stays bounded. */
export const SEND_PIECE = 64 * 1024;

export interface Writable {
  readonly writableLength: number;
  write(data: Buffer, onFlushed?: () => void): void;
}

/** Writes what the kernel takes now (see the file comment); onFlushed runs when a held rest has gone. Returns bytes written. */
export function sendWhatFits(stream: Writable, data: Buffer, onFlushed: () => void): number {
  let taken = 0;
  while (taken < data.length) {
    const piece = data.subarray(taken, taken + SEND_PIECE);
    taken += piece.length;
    // Each piece says when it has gone (the wake is cheap); the one Node holds is the one that matters.
    stream.write(piece, onFlushed);
    if (stream.writableLength > 0) break;
  }
  return taken;
}

/** send must wait before writing while Node still holds bytes the kernel has not taken: the kernel's buffer is full. */
export function kernelFull(stream: Writable): boolean {
  return stream.writableLength > 0;
}
