import type { CommandDef } from '../spec/command.js';
import type { LessonTracker } from '../spec/services.js';
import { compile } from './check.js';
import { collapse, type LessonStep } from './lesson-file.js';
import { keepHint, kept, nearMiss, nearMissWords, receiveStep, type NearMiss } from './lesson-receive.js';
import type { LessonSockets } from './lesson-sockets.js';
import { fill } from './lesson-variants.js';
import { slip, type ChunkSends, type SlipView } from './lesson-slips.js';
import { listenedUnbound, onTheWay } from './lesson-way.js';

/**
 * A line that is not the current step, and what the lesson says of it: a near miss of a taking step
 * (its data taken another way: lesson-receive.ts), an earlier step typed again (never wrong), or a
 * hint. The near miss is remembered until the step is done, for the hint and for `before`.
 */

export type Failure = Parameters<LessonTracker['heard']>[1];

/** Commands that only look (sockets, explain, a bare $name...): never a wrong step. */
const LOOKING = new Set(['lesson', 'help', 'trace', 'display', 'use', 'hexdump']);

/** The chunk only looks, or is a lesson command itself: not a step, right or wrong. */
export function onlyLooks(source: string, table: ReadonlyMap<string, CommandDef>): boolean {
  return compile(source).program.every((s) => {
    if (s.kind === 'show') return true;
    if (s.kind !== 'command') return false;
    return LOOKING.has(s.call.name) || table.get(s.call.name)?.onlyShows === true;
  });
}

/** What the off-step judge needs of the lesson under way (lesson-run.ts). */
export interface OffStepRun {
  readonly steps: readonly LessonStep[];
  readonly at: number;
  readonly sockets: LessonSockets;
  /** Where the chunk's sends went. */
  readonly sends: ChunkSends;
  /** What the student typed for each earlier step (their place's lines). */
  typedBefore(): readonly (readonly string[])[];
  /** The step is done by the line `source`. */
  done(step: LessonStep, source: string): string[];
  /** The lesson's words, wrapped and with the student's names. */
  say(text: string): string[];
  /** Words that name the student's sockets already, wrapped. */
  sayAsIs(text: string): string[];
}

export class OffStep {
  /** The current step's data, taken by a command that was not the step. */
  miss: NearMiss | null = null;
  /** Lines typed towards the current step before the one that does it (a near miss). */
  typing: string[] = [];

  constructor(private readonly run: OffStepRun) {}

  /** A new step begins: the last one's near miss is forgotten. */
  forget(): void {
    this.miss = null;
    this.typing = [];
  }

  /** The step's hint; after a near miss, the line that keeps what came, when one still can. */
  hint(step: LessonStep): string {
    const rs = receiveStep(step.step);
    const keep = rs === null || this.miss === null ? null : keepHint(rs, this.miss, this.run.sockets.peekAs, step.step);
    return keep ?? fill(step.hint, this.run.sockets.facts);
  }

  /**
   * A chunk that is not the step (typed: as the lesson writes it for this step): an earlier step
   * again, the step's data taken or kept another way, or else what is off in the line, and the hint.
   */
  judge(step: LessonStep, source: string, typed: string, failure: Failure, took: string | null): string[] {
    const { sockets } = this.run;
    const rs = receiveStep(step.step);
    if (rs !== null && failure === null) {
      if (took !== null) {
        this.miss = nearMiss(rs, source, typed, took, sockets.peekAs);
        this.typing.push(source.trim());
        // A receive that kept the data under the step's names (another bufsize, a $variable) is the step.
        // (A step that keeps nothing, recv to see the EOF, is done by any receive on its socket.)
        if (rs.targets.length === 0 || kept(rs, this.miss, sockets.peekAs)) return this.run.done(step, source);
        return this.run.say(nearMissWords(rs, step.step, this.miss, sockets.queued(rs.socket), sockets.peekAs));
      }
      if (this.miss !== null && kept(rs, this.miss, sockets.peekAs)) return this.run.done(step, source);
    }
    const asTyped = collapse(source);
    const before = this.run.typedBefore();
    // Each earlier step judges the line with its own roles: one typed again in a new session, whose
    // sockets went with the old one, takes its role again (cs = tcp.socket is clientSocket again).
    const earlier = this.run.steps.slice(0, this.run.at).findIndex((s, i) => {
      const line = collapse(sockets.roles.asLesson(source, s));
      return (
        (s.seen === null && s.expect.test(line) && (s.fails === null ? failure === null : failure?.message.includes(s.fails))) ||
        (failure === null && (before[i] ?? []).some((l) => collapse(l) === asTyped))
      );
    });
    // Typing an earlier step again (to rebuild what a past session made, or to send again) is not
    // wrong, nor is a line the student typed for it before (the bare recv of a near miss they kept).
    if (earlier >= 0) {
      if (failure === null) sockets.roles.keep();
      return this.run.say(`(step ${earlier + 1} again; you are at step ${this.run.at + 1})`);
    }
    // The textbook's calls one at a time towards the server's socket: not a wrong step.
    const wayView = {
      unclaimed: (n: string) => sockets.unclaimed(n),
      wasBound: (s: number) => sockets.wasBoundAtStart(s),
      peek: sockets.peekAs,
    };
    const way = failure === null ? onTheWay(step, source, wayView) : null;
    if (way !== null) {
      this.typing.push(source.trim());
      return this.run.sayAsIs(`On the way: ${way}.`);
    }
    const why =
      slip(step, typed, source, failure, this.run.sends, this.slipView) ??
      (failure === null ? listenedUnbound(step, source, wayView) : null);
    const cancelled = failure?.cancelled === true;
    const hint = `${sockets.roles.spell(this.hint(step))}${cancelled ? '' : ' (lesson stop leaves the lesson.)'}`;
    const head = cancelled ? 'Cancelled' : 'Not this step';
    // The slip names the student's sockets as they typed them: spelled already, not spelled again.
    return why === null ? this.run.say(`${head}. ${hint}`) : this.run.sayAsIs(`${head}: ${why}. ${hint}`);
  }

  private readonly slipView: SlipView = {
    peek: (name) => this.run.sockets.peekAs(name),
    spell: (role) => this.run.sockets.roles.nameOf(role) ?? role,
    serialOf: (role) => this.run.sockets.handleOf(role)?.serial,
    roleOfName: (name) => this.run.sockets.roleOfName(name),
    connected: (role) => this.run.sockets.connected(role),
    onPort: (port) => this.run.sockets.roleOnPort(port),
  };
}
