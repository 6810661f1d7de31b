import { Cancelled } from './errors.js';
import { cancellable } from './cancellable.js';

export type JobState = 'running' | 'done' | 'failed' | 'killed';

export interface JobInfo {
  readonly id: number;
  readonly command: string;
  readonly state: JobState;
  /** What the job has done so far, in one line, when it says (a relay's counts); else null. */
  readonly status: string | null;
}

/** Notes a job keeps (the last ones): what it did that is worth a line but not worth the prompt's. */
export const NOTES_KEPT = 50;

export type JobEnd = { readonly state: 'done' } | { readonly state: 'killed' } | { readonly state: 'failed'; readonly error: unknown };

/**
 * What the session hears of its jobs as it happens, for whoever must not tell a job's work as done
 * before it is (a lesson): a job started, a relay job's sockets are up (its start worked), a job ended.
 */
export type JobNews =
  | { readonly kind: 'started'; readonly job: number }
  | { readonly kind: 'listening'; readonly job: number }
  /** A UDP relay job decided a datagram's fate on its way to the target: lost (--loss), or passed on. */
  | { readonly kind: 'relayed'; readonly job: number; readonly lost: boolean }
  | { readonly kind: 'ended'; readonly job: number; readonly end: JobEnd };

interface Job {
  readonly id: number;
  readonly command: string;
  state: JobState;
  readonly controller: AbortController;
  readonly finished: Promise<void>;
  status: (() => string) | null;
  readonly notes: string[];
  /** Notes let go past NOTES_KEPT. */
  forgotten: number;
}

/**
 * Background jobs (`run scripts/UDPServer.sock &`). A job is a promise with an AbortController;
 * killing aborts its pending call. Numbers count up from 1 and are reused once no job is running.
 */
export class Jobs {
  private readonly jobs = new Map<number, Job>();
  /** The last number given: a job forgotten when done leaves a gap, and its number is not given again meanwhile. */
  private lastId = 0;

  /** news: hears each job start and end (JobNews), after the job's own onEnd. */
  constructor(private readonly news: (news: JobNews) => void = () => {}) {}

  /**
   * Starts a job. forget: once it ends it leaves the list (after onEnd), as serve's handlers do, each
   * a connection served: the job that started them counts them, and `jobs` stays one row per job still
   * running instead of growing by one per client for as long as the server runs.
   */
  start(
    command: string,
    work: (signal: AbortSignal, id: number) => Promise<void>,
    onEnd: (id: number, end: JobEnd) => void,
    options: { readonly forget?: boolean } = {},
  ): number {
    if ([...this.jobs.values()].every((j) => j.state !== 'running')) {
      this.jobs.clear();
      this.lastId = 0;
    }
    const id = ++this.lastId;
    const ended =
      options.forget === true
        ? (i: number, end: JobEnd): void => {
            onEnd(i, end);
            this.jobs.delete(i);
          }
        : onEnd;
    const controller = new AbortController();
    const job: Job = {
      id,
      command,
      state: 'running',
      controller,
      status: null,
      notes: [],
      forgotten: 0,
      finished: Promise.resolve()
        .then(() => work(controller.signal, id))
        .then(
          () => this.end(job, controller.signal.aborted ? { state: 'killed' } : { state: 'done' }, ended),
          (error: unknown) =>
            this.end(
              job,
              controller.signal.aborted || error instanceof Cancelled ? { state: 'killed' } : { state: 'failed', error },
              ended,
            ),
        ),
    };
    this.jobs.set(id, job);
    this.news({ kind: 'started', job: id });
    return id;
  }

  list(): JobInfo[] {
    return [...this.jobs.values()].map((j) => this.info(j));
  }

  /** A job says what it has done so far: `jobs` shows status() beside it, as long as the job is listed. */
  setStatus(id: number, status: () => string): void {
    const job = this.jobs.get(id);
    if (job) job.status = status;
  }

  /** A note of the job's, kept for `jobs %N` instead of shown at the prompt; only the last NOTES_KEPT stay. */
  note(id: number, text: string): void {
    const job = this.jobs.get(id);
    if (!job) return;
    job.notes.push(text);
    if (job.notes.length > NOTES_KEPT) {
      job.notes.shift();
      job.forgotten++;
    }
  }

  /** A job's notes, oldest first, and how many older ones were let go; null when there is no such job. */
  notes(id: number): { readonly notes: readonly string[]; readonly forgotten: number } | null {
    const job = this.jobs.get(id);
    return job ? { notes: [...job.notes], forgotten: job.forgotten } : null;
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
    return this.info(job);
  }

  private info(j: Job): JobInfo {
    return { id: j.id, command: j.command, state: j.state, status: j.status === null ? null : j.status() };
  }

  async killAll(): Promise<void> {
    await Promise.all([...this.jobs.keys()].map((id) => this.kill(id)));
  }

  private end(job: Job, end: JobEnd, onEnd: (id: number, end: JobEnd) => void): void {
    job.state = end.state;
    onEnd(job.id, end);
    this.news({ kind: 'ended', job: job.id, end });
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
