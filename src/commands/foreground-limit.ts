import { ShellError } from '../core/errors.js';
import type { CallContext } from '../spec/command.js';

/**
 * A command that runs until it is stopped (relay, serve) or waits on something other than a socket
 * (sleep, wait %N), run in the foreground of a session that bounds every wait (a transcript's replay,
 * `sockshell test --timeout`, a test's maxWaitMs): it stops at that bound as a socket call's wait
 * does, instead of holding the session until Ctrl-C that a replay may never send. A job is not
 * bounded: it runs until killed, as a background server should.
 */
export interface ForegroundLimit {
  /** Aborts on Ctrl-C (the command's own signal) or when the bound is reached. */
  readonly signal: AbortSignal;
  /** The error to throw once stopped by the bound; null when Ctrl-C (or nothing) stopped it. */
  reached(): ShellError | null;
  /** Lets go of the timer and the listener; call once the command has stopped. */
  done(): void;
}

/** advice: what to do instead, after the bound is named; default: run it as a job. */
export function foregroundLimit(
  ctx: CallContext,
  what: string,
  advice = `run it as a job (${what} ... &) and stop it with kill %N`,
): ForegroundLimit {
  const outer = ctx.block.signal;
  const ms = ctx.block.maxWaitMs;
  if (ctx.job !== undefined || ms === undefined) return { signal: outer, reached: () => null, done: () => undefined };
  const inner = new AbortController();
  let hit = false;
  const onAbort = () => inner.abort();
  outer.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => {
    hit = !outer.aborted;
    inner.abort();
  }, ms);
  const seconds = ms / 1000;
  return {
    signal: inner.signal,
    reached: () =>
      hit
        ? new ShellError(
            `${what} stopped after ${seconds} s, the longest any call waits in this session (a transcript's --timeout); ${advice}`,
            ctx.span,
          )
        : null,
    done: () => {
      clearTimeout(timer);
      outer.removeEventListener('abort', onAbort);
    },
  };
}

/** Runs wait (a sleep, a job's end) bounded as foregroundLimit says: past the bound, its error instead of wait's Cancelled. */
export async function boundedWait<T>(
  ctx: CallContext,
  what: string,
  advice: string,
  wait: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const limit = foregroundLimit(ctx, what, advice);
  try {
    return await wait(limit.signal);
  } catch (e) {
    throw limit.reached() ?? e;
  } finally {
    limit.done();
  }
}
