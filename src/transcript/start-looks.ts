import type { spawn } from 'node:child_process';
import type { Peer } from './with.js';

/** How startPeer waits between its looks at a starting program, and for its end once it exited. */

/**
 * Resolves true once Node has seen the program exit: its processes are all gone (holdings), so the
 * exit is on its way; false if it has not come after half a second (then it is said as still running).
 */
export function exitSeen(child: ReturnType<typeof spawn>): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), 500);
    child.once('exit', () => (clearTimeout(timer), resolve(true)));
  });
}

/** Resolves once both output pipes of an exited program have closed, or after half a second (a process it left may hold them). */
export async function pipesEnded(child: ReturnType<typeof spawn>, peer: Peer): Promise<void> {
  const closed = (name: 'stdout' | 'stderr'): Promise<void> => {
    const stream = child[name];
    if (peer.lines(name).ended || stream === null) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 500);
      stream.once('close', () => (clearTimeout(timer), resolve()));
    });
  };
  await Promise.all([closed('stdout'), closed('stderr')]);
}

/**
 * How long startPeer waits between looks at a starting program: the first look after this, each next
 * one after twice as long, up to LAST_LOOK_MS, and at once when it writes to stdout or exits. A look
 * reads the kernel's socket tables and /proc (portBound, choseInstead); at a fixed 20 ms it read them
 * 150 times while a server that printed its line at once took 3 s to bind.
 */
export const FIRST_LOOK_MS = 5;
export const LAST_LOOK_MS = 50;

/** Resolves after `ms`, or sooner (with true) when the program writes to its stdout or exits. */
export function nextLook(child: ReturnType<typeof spawn>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (woken: boolean) => {
      clearTimeout(timer);
      child.off('exit', onEvent);
      child.stdout?.off('data', onEvent);
      resolve(woken);
    };
    const onEvent = () => done(true);
    const timer = setTimeout(() => done(false), ms);
    child.once('exit', onEvent);
    child.stdout?.once('data', onEvent);
  });
}
