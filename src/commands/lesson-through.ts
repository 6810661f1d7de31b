import { collapse, type LessonStep } from './lesson-file.js';
import { asStep } from './lesson-slips.js';
import type { RelayStarts } from './lesson-jobs.js';
import type { Evidence, Seen } from './lesson-seen.js';
import type { LessonSockets } from './lesson-sockets.js';
import { fill, holds } from './lesson-variants.js';

/**
 * A step that sends through the lesson's relay (`lost:` in its lesson file) is told by what the relay
 * did with the datagram its line sent, not when the line returns: sendto returns before the relay has
 * even received it, and the words must not guess ("no notice: the relay lost this one too"). Lost:
 * the step's `lost:` words, and the step stays to do again; passed on: done, or, with `seen:`, done
 * once the datagram has reached that socket.
 */

/** What judging such a step needs of the lesson under way (lesson-run.ts). */
export interface ThroughRun {
  readonly sockets: LessonSockets;
  readonly relays: RelayStarts;
  readonly evidence: Evidence;
  met(seen: Seen): boolean;
  done(step: LessonStep, source: string | null): string[];
  say(text: string): string[];
}

export class Through {
  /** The step waiting on its datagram's fate: the line that sent it, and the relays' count of fates before that line. */
  private pending: { readonly step: LessonStep; readonly source: string; readonly mark: number } | null = null;
  private mark = 0;

  constructor(private readonly run: ThroughRun) {}

  /**
   * A chunk begins: a fate told from here is of what it sends. A step told by its relay's fate counts
   * what reaches its seen socket from here on: a datagram sent straight to it before (past the relay) is
   * not the one the relay passed.
   */
  chunkBegins(step: LessonStep | undefined): void {
    this.mark = this.run.relays.fatesTold();
    if (step?.lost != null) this.run.evidence.mark();
  }

  /**
   * The line `source`, typed at such a step without error, was the step: refused now, done now when no
   * relay runs, or waits for its datagram's fate (said at once if the relay has told it already, else
   * later, unprompted). Null: not such a step or not its line, judged as any other line.
   */
  heard(step: LessonStep, source: string): readonly string[] | null {
    if (step.lost === null || !this.isLine(step, source)) return null;
    const refused = step.variants.refuse.find((v) => holds(v.when, this.run.sockets.facts));
    if (refused !== undefined) return this.run.say(fill(refused.text, this.run.sockets.facts));
    // No relay of the lesson runs (stopped early): none will tell a fate, and the step's words say so (a `then if` variant).
    if (this.run.relays.allEnded()) return this.run.done(step, source);
    this.pending = { step, source, mark: this.mark };
    return this.settled() ?? [];
  }

  /** What to say once the relay has told the waiting step's datagram's fate (and, passed on, it reached the seen socket); null until then. */
  settled(): string[] | null {
    const p = this.pending;
    const lost = p === null ? null : this.run.relays.fateSince(p.mark);
    if (p === null || lost === null) return null;
    if (lost) {
      this.pending = null;
      return this.run.say(fill(p.step.lost ?? '', this.run.sockets.facts));
    }
    if (p.step.seen !== null && !this.run.met(p.step.seen)) return null;
    this.pending = null;
    return this.run.done(p.step, p.source);
  }

  /** The line is the step's, as the lesson writes it (the student's names for its sockets spelled as the lesson's). */
  private isLine(step: LessonStep, source: string): boolean {
    const sockets = this.run.sockets;
    return step.expect.test(collapse(asStep(sockets.roles.asLesson(source, step), step, sockets.peekAs)));
  }

  /** The step is over (done, or the lesson moved): nothing waits any more. */
  forget(): void {
    this.pending = null;
  }
}
