/**
 * sendfile and recvfile: a file streamed over a TCP connection in large chunks, never whole in memory,
 * with backpressure both ways. sendfile reads the next chunk while the connection takes the last one,
 * and writes again only after 'drain'. recvfile hands the chunks Node read to the file as they are (no
 * copy, one writev for all that arrived during the last write) and stops taking from the connection
 * while WRITE_BEHIND bytes wait for the file; the socket's own queue then fills and the Stream stops
 * reading (the peer's window closes). Each wait is bounded by the socket's timeout counted afresh
 * after every chunk, as each of Python's send and recv calls is; Ctrl-C and close end it.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { BaseSocket } from './base.js';
import { nativeError } from './native.js';
import { blockingNow, canSplice, receiveFileStep, sendFileStep } from './native-transfer.js';
import { SocketError, errorCode } from './errors.js';
import { FileSink } from './file-sink.js';
import { beginTransfer, pause, turn } from './transfer-slot.js';
import type { Stream } from './tcp-stream.js';
import type { TransferOptions } from './types.js';

/** sendfile's read size: large, so each chunk costs little per byte; two are in memory at most. */
const CHUNK = 1024 * 1024;
/**
 * recvfile takes nothing more from the connection while this many bytes wait to be written. Node
 * reads up to 32 × 64 KiB in one go before a write's completion can be seen, so a limit near that
 * stopped reading (and closed the TCP window) hundreds of times per GiB.
 */
const WRITE_BEHIND = 16 * 1024 * 1024;

/** socket.sendfile(file): every byte of the file at path, handed to the kernel. Returns the count. */
export async function sendFile(owner: BaseSocket, stream: () => Stream, path: string, options: TransferOptions): Promise<number> {
  const call = 'sendfile';
  const conn = beginTransfer(owner, owner.writer, call, options, stream);
  const slot = owner.writer;
  let file: FileHandle | null = null;
  try {
    file = await openFile(path, 'r', owner, call);
    const size = (await file.stat()).size;
    const wake = (): void => void slot.wake(); // a chunk reached the kernel
    const progress = (bytes: number): void => {
      sent += bytes;
      slot.refresh();
      options.onProgress?.(sent, size);
    };
    let sent = 0;
    let offset = 0;
    /** The chunk read ahead on the event loop's path; none while the fast path may take the next. */
    let next: Promise<Buffer | Error> | null = null;
    let fast = true;
    for (;;) {
      owner.checkOpen(call);
      const blocking = fast && next === null ? blockingNow(owner) : null;
      if (blocking !== null) {
        while (conn.writableLength > 0) await pause(owner, slot, call); // what Node holds goes first
        conn.checkWritable(call);
        const step = sendFileStep(blocking.calls, conn, file.fd, offset, call);
        fast = !step.off;
        if (step.sent > 0) {
          offset += step.sent;
          owner.bytesSent += step.sent;
          progress(step.sent);
        }
        if (step.ended) break;
        if (step.sent > 0) continue;
      }
      // The event loop's path: one chunk through Node's socket.
      const chunk = await (next ?? readChunk(file, offset));
      next = null;
      owner.checkOpen(call);
      if (chunk instanceof Error) throw fileError(chunk, owner, call, path);
      if (chunk.length === 0) break;
      offset += chunk.length;
      if (!fast || owner.core.blocking === null) next = readChunk(file, offset); // read ahead while the connection takes this chunk
      while (conn.mustWait) await pause(owner, slot, call);
      conn.checkWritable(call);
      conn.write(chunk, wake, call);
      progress(chunk.length);
    }
    while (conn.writableLength > 0) await pause(owner, slot, call);
    conn.checkWritable(call);
    return sent;
  } finally {
    slot.end();
    await file?.close().catch(() => undefined); // waits for a read still running
  }
}

/** recvfile: into the file at path until EOF, or nbytes if not null. Returns the bytes written. */
export async function recvFile(
  owner: BaseSocket,
  stream: () => Stream,
  path: string,
  nbytes: number | null,
  options: TransferOptions,
): Promise<number> {
  const call = 'recvfile';
  const conn = beginTransfer(owner, owner.reader, call, options, stream);
  const slot = owner.reader;
  let sink: FileSink | null = null;
  try {
    const file = await openFile(path, 'w', owner, call);
    const splices = owner.core.blocking !== null && canSplice(await file.stat());
    sink = new FileSink(file, () => {
      slot.refresh();
      slot.wake();
    });
    let received = 0;
    /** The fast path found nothing at its last try: the next wait is the event loop's. */
    let triedFast = false;
    for (;;) {
      owner.checkOpen(call);
      if (sink.failure !== null) throw fileError(sink.failure, owner, call, path);
      const left = nbytes === null ? Infinity : nbytes - received;
      if (left <= 0) break;
      const chunks = sink.waiting < WRITE_BEHIND ? conn.takeChunks(left, call) : null;
      if (chunks !== null && chunks.length === 0) {
        options.onEnd?.(conn.endKnown); // the peer's FIN (a reset is thrown by takeChunks)
        break;
      }
      if (chunks === null) {
        // The fast path moves on once the file has taken everything before.
        const blocking = triedFast || !splices || !sink.idle ? null : blockingNow(owner);
        if (blocking !== null) {
          const moved = receiveFileStep(blocking.calls, conn, file.fd, path, left);
          if (typeof moved === 'number') {
            received += moved;
            sink.moved(moved);
            slot.refresh();
            options.onProgress?.(received, nbytes);
          } else if (moved === 'turn') await turn(owner, slot, call);
          else if (moved !== null) {
            sink.moved(moved.moved); // the bytes the file took before it refused
            throw fileError(nativeError(blocking.calls, moved.fileErrno, 'write'), owner, call, path);
          }
          triedFast = moved === null; // then takeChunks again first: it raises a reset the addon found
          continue;
        }
        triedFast = false;
        // The wait goes on on the event loop, where Node reads: a bare descriptor (tcp-end.ts) is handed
        // to it now. Left bare, nothing read it and recvfile waited for ever (a FIFO, a pipe).
        if (conn.isBare) void conn.raw;
        await pause(owner, slot, call);
        continue;
      }
      triedFast = false;
      received += sink.push(chunks);
      slot.refresh();
      options.onProgress?.(received, nbytes);
    }
    await sink.close();
    if (sink.failure !== null) throw fileError(sink.failure, owner, call, path);
    return received;
  } catch (err) {
    // Every way recvfile can stop says what it had written: the bytes are in the file either way.
    if (sink === null || !(err instanceof SocketError)) throw err;
    await sink.close();
    throw err.withWritten(sink.written, path);
  } finally {
    slot.end();
    await sink?.close();
  }
}

/**
 * The next chunk of the file (empty at its end), or the error reading it, returned rather than thrown:
 * a read left running when the transfer fails must not become an unhandled rejection.
 */
function readChunk(file: FileHandle, position: number): Promise<Buffer | Error> {
  const buffer = Buffer.allocUnsafe(CHUNK);
  return file.read(buffer, 0, CHUNK, position).then(
    ({ bytesRead }) => (bytesRead === CHUNK ? buffer : buffer.subarray(0, bytesRead)),
    (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
  );
}

async function openFile(path: string, flags: 'r' | 'w', owner: BaseSocket, call: string): Promise<FileHandle> {
  try {
    return await open(path, flags);
  } catch (err) {
    throw fileError(err, owner, call, path);
  }
}

/** A file system error as a SocketError of the call, naming the file. */
function fileError(err: unknown, owner: BaseSocket, call: string, path: string): SocketError {
  const code = errorCode(err);
  const context = { socket: owner.name, path };
  switch (code) {
    case 'ENOENT':
      return new SocketError('ENOENT_FILE', call, context);
    case 'EACCES':
    case 'EPERM':
      return new SocketError('EACCES_FILE', call, context);
    case 'EISDIR':
      return new SocketError('EISDIR_FILE', call, context);
    case 'ENOSPC':
      return new SocketError('ENOSPC_FILE', call, context);
    default:
      return new SocketError({ code }, call, context);
  }
}
