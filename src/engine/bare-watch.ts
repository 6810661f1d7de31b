/**
 * Bare connections (tcp-end.ts) under the event loop's eye. While a run script's calls wait in the
 * addon, an accepted connection stays a descriptor that nothing of Node's holds. When the event loop
 * turns (a sleep, a timer, a wait on another socket) and finds that its peer ended or reset it, it is
 * handed to a Node socket then, which reads what is left and tells the end, as for a connection Node's
 * server accepted: the socket's state is then the same on both back ends. Bytes alone do not hand it
 * over: they stay in the kernel for the script's next read, counted as unread (ConnEnd.kernelUnread),
 * so a recvfile after accept still splices in the kernel. A connection costs one epoll_ctl here,
 * where a Node socket made for it costs some 27 µs of CPU (issue 16).
 *
 * One watch set (an epoll in the addon, polled by the loop, one-shot per descriptor) serves them all.
 */
import type { NativeCalls, Watcher } from './native.js';

/** What a watched connection does when the loop finds it ended: hands itself to Node. */
export interface Handable {
  handToNode(): void;
}

/** The watched connections by descriptor (a closed descriptor leaves the epoll by itself, and this map by unwatchBare). */
const watching = new Map<number, Handable>();
let set: { readonly calls: NativeCalls; readonly watcher: Watcher } | null = null;

function onReady(fds: readonly number[]): void {
  for (const fd of fds) {
    const end = watching.get(fd);
    watching.delete(fd);
    end?.handToNode();
  }
}

/** Watches fd for end; false when the addon cannot (the caller hands the connection to Node at once). */
export function watchBare(calls: NativeCalls, fd: number, end: Handable): boolean {
  if (set?.calls !== calls) {
    const watcher = calls.watchset(onReady);
    if (typeof watcher === 'number') return false;
    set = { calls, watcher };
  }
  if (calls.watchadd(set.watcher, fd) < 0) return false;
  watching.set(fd, end);
  return true;
}

/** end no longer needs watching (handed to Node, or closed): its descriptor's number may be reused. */
export function unwatchBare(fd: number, end: Handable): void {
  if (watching.get(fd) === end) watching.delete(fd);
}
