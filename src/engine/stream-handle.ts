/**
 * What a connection's Node socket can tell beyond its documented API: its descriptor (Node's
 * handle has `fd` on Unix), which the end probe and the native fast path use, the path of the
 * AF_UNIX server that accepted it, and its libuv handle, whose reads the bulk path stops and starts.
 */
import type { Socket as NetSocket, Server } from 'node:net';
import { isTls } from './tls-info.js';
import type { Family } from './types.js';

/** The socket's file descriptor, or null (no `_handle.fd`, as on Windows, or once closed). */
export function descriptor(raw: NetSocket): number | null {
  const fd = (raw as unknown as { _handle?: { fd?: unknown } | null })._handle?.fd;
  return typeof fd === 'number' && Number.isInteger(fd) && fd >= 0 ? fd : null;
}

/** The descriptor for reading and writing bytes past Node, or -1: never for TLS, whose descriptor carries ciphertext. */
export function plainDescriptor(raw: NetSocket): number {
  return isTls(raw) ? -1 : (descriptor(raw) ?? -1);
}

/**
 * Python's close() may be close(fd) now: Node has handed every byte to the kernel, and nothing else
 * is owed first (TLS owes its close_notify, which end() sends, so the peer sees a clean end).
 */
export function closesAtOnce(raw: NetSocket): boolean {
  return raw.writableLength === 0 && !isTls(raw);
}

/**
 * Node can reset (RST) only a connection whose handle is TCP's: a TLS socket's is the TLS layer's and
 * an AF_UNIX socket's a pipe, and resetAndDestroy throws ERR_INVALID_HANDLE_TYPE on both. Such a
 * connection is closed instead (TLS: close_notify, then FIN; Unix: end of stream), and nothing may say
 * it was reset.
 */
export function canReset(raw: NetSocket, family: Family): boolean {
  return family !== 'unix' && !isTls(raw);
}

/**
 * The local address of a connection with no IP address: an AF_UNIX connection a server accepted is
 * at the server's path (Python's getsockname says so); a client's is unnamed (''). Node's `server`
 * on an accepted socket is its net.Server.
 */
export function serverPath(raw: NetSocket): string {
  const address = (raw as { server?: Server | null }).server?.address();
  return typeof address === 'string' ? address : '';
}

/** The libuv handle under a Node socket, for stopping and starting its reads (as net.Socket's own pause does). */
export interface ReadingHandle {
  reading?: boolean;
  readStop(): number;
  readStart(): number;
}

/** raw's handle, when it can stop and start reading; null once closed. */
export function readingHandle(raw: NetSocket): ReadingHandle | null {
  const handle = (raw as unknown as { _handle?: Partial<ReadingHandle> | null })._handle;
  return handle?.readStop !== undefined && handle.readStart !== undefined ? (handle as ReadingHandle) : null;
}

/**
 * Of the bytes Node holds for raw (written, not yet handed over whole), how many the kernel has not
 * taken: libuv's write queue, which Node counts on the handle (`writeQueueSize`) after each write; a
 * piece libuv wrote in part is held whole in Node's own count (writableLength). Node's count where the
 * handle has none (TLS, whose bytes are plaintext), so never less than what is unsent at this moment.
 */
export function unsentHeld(raw: NetSocket): number {
  const queued = (raw as unknown as { _handle?: { writeQueueSize?: unknown } | null })._handle?.writeQueueSize;
  return typeof queued === 'number' && !isTls(raw) ? Math.min(queued, raw.writableLength) : raw.writableLength;
}
