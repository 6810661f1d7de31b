import type { JobEnd, JobNews } from '../core/jobs.js';
import { ShellError } from '../core/errors.js';
import { compile } from './check.js';

/**
 * A step that starts a relay as a job (`relay udp ... &`) returns at once, before the relay has
 * bound its port: the line worked, the relay may not. So the lesson does not tell such a step as
 * done when the line returns, but when the job says what became of it (JobNews): its sockets are up
 * (the relay listens), or the job ended first (its bind failed in the background: EADDRINUSE), and
 * then the lesson says why, and the step stays to do. A step that sends through the relay (`lost:`)
 * is told once the relay has said what it did with the datagram (JobNews 'relayed').
 */

/** What became of a relay job so far; null: it has not said yet. */
export type RelayFate = { readonly kind: 'listening' } | { readonly kind: 'ended'; readonly why: string } | null;

export class RelayStarts {
  /** Jobs started by the chunk running now (or last run). */
  private startedNow: number[] = [];
  /** Every job started while the lesson ran. */
  private readonly started: number[] = [];
  private readonly listening = new Set<number>();
  private readonly ended = new Map<number, JobEnd>();
  /** The current step's relay, started as a job by `source`, not yet listening nor ended: the step waits on it. */
  private pending: { readonly job: number; readonly source: string } | null = null;
  /** What the lesson's relay jobs did with each datagram on its way to the target, in order: lost (true) or passed on. */
  private readonly fates: boolean[] = [];

  hear(news: JobNews): void {
    switch (news.kind) {
      case 'started':
        // Job numbers are given again once no job runs: what an earlier job of this number did is not this one's.
        this.listening.delete(news.job);
        this.ended.delete(news.job);
        this.startedNow.push(news.job);
        this.started.push(news.job);
        return;
      case 'listening':
        this.listening.add(news.job);
        return;
      case 'ended':
        this.ended.set(news.job, news.end);
        return;
      case 'relayed':
        if (this.started.includes(news.job)) this.fates.push(news.lost);
        return;
      default: {
        const exhaustive: never = news;
        return exhaustive;
      }
    }
  }

  /** How many datagrams' fates the relays have told so far: a mark for fateSince. */
  fatesTold(): number {
    return this.fates.length;
  }

  /** The fate of the first datagram a relay decided on after mark: lost (true) or passed on; null: none yet. */
  fateSince(mark: number): boolean | null {
    return this.fates[mark] ?? null;
  }

  /** Every relay job the lesson saw start has ended (none runs now). */
  allEnded(): boolean {
    return this.started.every((job) => this.ended.has(job));
  }

  /** A chunk begins: the jobs it starts are counted from here. */
  chunkBegins(): void {
    this.startedNow = [];
  }

  /** The job the chunk `source` started to run a relay in the background, or null when it started none. */
  startedBy(source: string): number | null {
    const relays = compile(source).program.filter((s) => s.kind === 'command' && s.background && s.call.name === 'relay');
    return relays.length === 0 ? null : (this.startedNow[this.startedNow.length - 1] ?? null);
  }

  /** The step waits on the relay job `source` started. */
  wait(job: number, source: string): void {
    this.pending = { job, source };
  }

  /** The job the step waits on, while it has not said what became of it; else null. */
  waiting(): number | null {
    return this.pending === null || this.fate(this.pending.job) !== null ? null : this.pending.job;
  }

  /** What became of the relay the step waited on, once it has said (and the step waits no more); null until then. */
  settled(): { readonly source: string; readonly fate: Exclude<RelayFate, null> } | null {
    const pending = this.pending;
    const fate = pending === null ? null : this.fate(pending.job);
    if (pending === null || fate === null) return null;
    this.pending = null;
    return { source: pending.source, fate };
  }

  private fate(job: number): RelayFate {
    if (this.listening.has(job)) return { kind: 'listening' };
    const end = this.ended.get(job);
    if (end === undefined) return null;
    return { kind: 'ended', why: whyEnded(end) };
  }
}

/** Why a relay job ended before it listened, in the words its error gave. */
function whyEnded(end: JobEnd): string {
  switch (end.state) {
    case 'failed': {
      const e = end.error;
      return e instanceof ShellError || e instanceof Error ? e.message : String(e);
    }
    case 'killed':
      return 'it was stopped before it listened';
    case 'done':
      return 'it ended before it listened';
    default: {
      const exhaustive: never = end;
      return exhaustive;
    }
  }
}
