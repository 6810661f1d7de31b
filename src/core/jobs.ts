import { Cancelled } from './errors.js';
import { cancellable } from './cancellable.js';

export type JobState = 'running' | 'done' | 'failed' | 'killed';

export interface JobInfo {
  readonly id: number;
  readonly command: string;
  readonly state: JobState;
}

export type JobEnd = { readonly state: 'done' } | { readonly state: 'killed' } | { readonly state: 'failed'; readonly error: unknown };

interface Job {
  readonly id: number;
  readonly command: string;
  state: JobState;
  readonly controller: AbortController;
  readonly finished: Promise<void>;
}

/**
 * Background jobs (`run scripts/UDPServer.sock &`). A job is a promise with an AbortController;
 * killing aborts its pending call. Numbers count up from 1 and are reused once no job is running.
 */
export class Jobs {
  private readonly jobs = new Map<number, Job>();

  start(command: string, work: (signal: AbortSignal, id: number) => Promise<void>, onEnd: (id: number, end: JobEnd) => void): number {
    if ([...this.jobs.values()].every((j) => j.state !== 'running')) this.jobs.clear();
    const id = this.jobs.size + 1;
    const controller = new AbortController();
    const job: Job = {
      id,
      command,
      state: 'running',
      controller,
      finished: Promise.resolve()
        .then(() => work(controller.signal, id))
        .then(
          () => this.end(job, controller.signal.aborted ? { state: 'killed' } : { state: 'done' }, onEnd),
          (error: unknown) =>
            this.end(
              job,
              controller.signal.aborted || error instanceof Cancelled ? { state: 'killed' } : { state: 'failed', error },
              onEnd,
            ),
        ),
    };
    this.jobs.set(id, job);
    return id;
  }

  list(): JobInfo[] {
    return [...this.jobs.values()].map(({ id, command, state }) => ({ id, command, state }));
  }

  running(): number {
    return [...this.jobs.values()].filter((j) => j.state === 'running').length;
  }

  /**
   * Stops a running job; resolves when it has ended, or when `signal` (the caller's own) is aborted.
   * The signal matters when a job kills itself (`kill %1` inside job 1): its own abort ends the wait,
   * where waiting for its own end would deadlock. False if there is no such running job.
   */
  async kill(id: number, signal?: AbortSignal): Promise<boolean> {
    const job = this.jobs.get(id);
    if (!job || job.state !== 'running') return false;
    job.controller.abort();
    if (signal === undefined) await job.finished;
    else await endedOrAborted(job.finished, signal);
    return true;
  }

  /** Waits for a job to end, or for the signal. */
  async wait(id: number, signal: AbortSignal): Promise<JobInfo | null> {
    const job = this.jobs.get(id);
    if (!job) return null;
    await cancellable(job.finished, signal, 'wait');
    return { id: job.id, command: job.command, state: job.state };
  }

  async killAll(): Promise<void> {
    await Promise.all([...this.jobs.keys()].map((id) => this.kill(id)));
  }

  private end(job: Job, end: JobEnd, onEnd: (id: number, end: JobEnd) => void): void {
    job.state = end.state;
    onEnd(job.id, end);
  }
}

/**
 * Resolves once the job has ended or signal is aborted, whichever is first, and takes its abort
 * listener off either way: a piped session's commands share one signal, so a listener left behind by
 * each `kill` piled up (MaxListenersExceededWarning after eleven).
 */
function endedOrAborted(finished: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const onAbort = (): void => resolve();
    signal.addEventListener('abort', onAbort, { once: true });
    void finished.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}
