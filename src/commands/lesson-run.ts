import type { EngineEvent } from '../engine/types.js';
import type { LessonTracker, SessionServices } from '../spec/services.js';
import { proseWidth, wrapWords } from '../render/wrap.js';
import { collapse, stepsIn, type Lesson, type LessonMode, type LessonStep } from './lesson-file.js';
import { placeKey, Standing, type Place } from './lesson-places.js';
import { Receipts, receiveStep, takenWords, type Peek } from './lesson-receive.js';
import { OffStep, onlyLooks, type Failure, type OffStepRun } from './lesson-off-step.js';
import { MARK, RESET_INSTEAD, thenOrReset, unfailedWhy, UNFAILED, type ResetNow } from './lesson-words.js';
import { Evidence, type Seen } from './lesson-seen.js';
import { heardSeen, type SeenRun } from './lesson-seen-step.js';
import { RelayStarts } from './lesson-jobs.js';
import { Through } from './lesson-through.js';
import { rolesOf, type RoleSocket } from './lesson-roles.js';
import { LessonSockets } from './lesson-sockets.js';
import { fill, holds, pick } from './lesson-variants.js';
import { asStep, ChunkSends } from './lesson-slips.js';
import type { JobNews } from '../core/jobs.js';

/**
 * One lesson under way in one mode. The student types every command; after each, `heard` says what
 * happened and what comes next, or hints. A step with `seen:` is done by what the engine saw
 * (`saw`), typed here or in another terminal; when that happens while nothing runs, `unprompted`
 * says it at once. A step that takes (recv, recvfrom, accept) is also done by its effect
 * (lesson-receive.ts): what came kept under its names after another command took it.
 */
export class LessonRun implements LessonTracker, OffStepRun, SeenRun {
  readonly steps: readonly LessonStep[];
  readonly key: string;
  private readonly standing: Standing;
  readonly evidence = new Evidence();
  readonly receipts = new Receipts();
  /** Where the chunk's sends went, to say what was off in a line that was nearly the step (lesson-slips.ts). */
  readonly sends = new ChunkSends();
  /** The relay jobs the lesson's chunks start, and the current step's, waited on (lesson-jobs.ts). */
  readonly relays = new RelayStarts();
  /** A step that sent through the relay, waiting on what the relay did with its datagram (lesson-through.ts). */
  private readonly through = new Through(this);
  /** The lesson's socket names as roles, each the socket the student made for it (lesson-roles.ts), and the student's sockets. */
  readonly sockets: LessonSockets;
  /** Lines that are not the step, and the current step's near miss (lesson-off-step.ts). */
  private readonly off = new OffStep(this);
  /**
   * A close during this chunk that reset its connection (bytes unread, SO_LINGER 0), and whether any
   * reset has happened in this lesson: a step's text written for a FIN must not be said after one.
   */
  private resetNow: ResetNow | null = null;
  private resetSeen = false;

  constructor(
    private readonly session: SessionServices,
    readonly lesson: Lesson,
    readonly mode: LessonMode,
    /** This session's places, by key. */
    places: Map<string, Place>,
    /** The student's variables, to see what a receiving step's names hold. */
    peek: Peek,
    /** The roles taken in this session, by role: kept across `lesson stop` and back. */
    bound: Map<string, RoleSocket>,
  ) {
    this.steps = stepsIn(lesson, mode);
    this.key = placeKey(lesson.name, mode);
    this.standing = new Standing(places, this.key, this.steps.length, session.lessonState);
    this.sockets = new LessonSockets(session.engine, peek, rolesOf(lesson.steps), bound);
  }

  get at(): number {
    return this.standing.at;
  }

  /** The current step, as the student sees it before typing. */
  prompt(): string[] {
    const step = this.steps[this.at];
    if (step === undefined) return [];
    const say = pick(step.say, step.variants.say, this.sockets.facts);
    return [...this.say(`Step ${this.at + 1} of ${this.steps.length}: ${say}`), ...this.say(`  type: ${step.step}`, '         ')];
  }

  saw(event: EngineEvent): void {
    this.evidence.hear(event);
    this.receipts.hear(event);
    this.sends.hear(event);
    if (event.kind === 'closed' && event.peer !== null && (event.unread > 0 || event.linger)) {
      this.resetNow = { socket: event.socket, unread: event.unread };
      this.resetSeen = true;
    } else if (event.kind === 'failed' && event.code === 'ECONNRESET') this.resetSeen = true;
  }

  job(news: JobNews): void {
    this.relays.hear(news);
  }

  unprompted(): readonly string[] {
    const relay = this.relaySettled() ?? this.through.settled();
    if (relay !== null) return relay;
    const step = this.steps[this.at];
    if (step?.seen == null || step.lost !== null || !this.met(step.seen)) return [];
    return this.done(step, null);
  }

  before(source: string): readonly string[] {
    this.receipts.clear(); // what this chunk receives (and sends) is what heard judges
    this.sends.clear();
    this.relays.chunkBegins();
    this.through.chunkBegins(this.steps[this.at]);
    this.resetNow = null;
    this.sockets.chunkBegins();
    const step = this.steps[this.at];
    const rs = step === undefined ? null : receiveStep(step.step);
    // A receive on another socket, empty, while the step's holds what came: it would wait for ever (user trial 6).
    const other = step === undefined || rs === null ? null : receiveStep(this.sockets.roles.asLesson(source, step));
    if (
      other !== null &&
      rs !== null &&
      other.socket !== rs.socket &&
      this.sockets.queued(other.socket) === 0 &&
      (this.sockets.queued(rs.socket) ?? 0) > 0
    )
      return this.say(
        `${other.socket} has nothing queued, so this ${other.call} waits (Ctrl-C cancels): what came is waiting on ${rs.socket}, this step's socket.`,
      );
    const miss = this.off.miss;
    if (rs === null || miss === null || this.sockets.queued(rs.socket) !== 0) return [];
    // Only a call that takes from the socket waits for what the near miss took.
    if (receiveStep(this.sockets.roles.asLesson(source, step))?.socket !== rs.socket) return [];
    return this.say(takenWords(rs, miss, this.sockets.peekAs));
  }

  heard(source: string, failure: Failure): readonly string[] {
    // A relay that said what became of it (or of a datagram sent through it) while this chunk ran is told first; one still silent keeps its step waiting.
    const relay = this.relaySettled() ?? this.through.settled();
    if (relay !== null) return this.onlyLooks(source) ? relay : [...relay, ...this.heard(source, failure)];
    const waiting = this.relays.waiting();
    if (waiting !== null)
      return this.onlyLooks(source) ? [] : this.say(`The relay (job %${waiting}) has not said yet whether it listens; jobs shows it.`);
    const step = this.steps[this.at];
    if (step === undefined) return [];
    const sent = failure === null ? this.through.heard(step, source) : null;
    if (sent !== null) return sent;
    // A step told by its relay's fate (lost:) is seen through it alone: a datagram sent straight to the server is not "through".
    if (step.seen !== null && step.lost === null) return heardSeen(this, step, step.seen, source, failure);
    if (this.onlyLooks(source)) return [];
    const stepSocket = receiveStep(step.step)?.socket;
    const took = this.receipts.take(stepSocket === undefined ? undefined : this.sockets.handleOf(stepSocket)?.serial);
    // The line as the lesson writes it: the student's names for the lesson's sockets spelled as the lesson's.
    const typed = asStep(this.sockets.roles.asLesson(source, step), step, this.sockets.peekAs);
    if (!step.expect.test(collapse(typed))) {
      if (failure === null && this.sockets.madeHere(step, source)) return this.done(step, source);
      return this.off.judge(step, source, typed, failure, took);
    }
    if (failure?.cancelled === true) return this.say(`Cancelled: nothing changed. ${this.off.hint(step)}`);
    // A step that stops the relay, when the relay has stopped already (kill 1, or it ended): there is nothing left to stop.
    if (failure !== null && /^kill %/.test(step.step) && failure.message.includes('no running job') && this.relays.allEnded())
      return this.done(
        step,
        null,
        `The relay has stopped already (its [N] stopped line above), so there is no job left to kill. ${step.then}`,
      );
    // A connection reset earlier (a close with bytes unread) has no end of stream left to read: the
    // step can never work as written, and saying "type it again" would leave the student stuck.
    if (failure !== null && step.fails === null && this.resetSeen && failure.message.includes('ECONNRESET'))
      return this.done(step, source, RESET_INSTEAD);
    // The step's socket was closed before it: it can never work, and "type it again" would leave the student stuck.
    const closed = failure === null || step.fails !== null ? null : this.sockets.closedTarget(step);
    if (closed !== null)
      return this.done(
        step,
        source,
        `${closed} is closed already (closed before this step), so it can do nothing more: the error above. Had it been open: ${this.then(step)}`,
      );
    if (step.fails !== null ? failure === null || !failure.message.includes(step.fails) : failure !== null) {
      // Often nothing in the line is wrong (the server is not listening yet): the error above says why.
      if (step.fails === null || failure !== null)
        return this.say(`That did not work: the error above says why; type it again when it can work. ${this.off.hint(step)}`);
      // It worked where it should fail (a server already runs there): go on, past the step that
      // retries the same command once the server runs, and say so.
      // (The server's socket made ahead of its step, between the two, is done by that socket.)
      const why = unfailedWhy(step, this.sockets.peekAs, (port) => this.sockets.listenerOn(port));
      const said = this.say(`It worked where it should have failed with ${step.fails}${why ?? UNFAILED[step.fails] ?? '.'}`);
      this.moveTo(this.at + 1, [source]);
      for (let s = this.steps[this.at]; s !== undefined && s.seen === null; s = this.steps[this.at]) {
        const ahead = this.sockets.madeAhead(s);
        if (ahead !== null) said.push(...this.aheadWords(s, ahead), ...this.say(this.then(s)));
        else if (s.fails !== null || !s.expect.test(collapse(typed))) break;
        this.moveTo(this.at + 1, ahead === null ? [source] : []);
      }
      return [...said, ...this.next()];
    }
    const job = this.relays.startedBy(source);
    if (job !== null) {
      // The line started the relay; whether it listens, the job says later (or has said).
      this.relays.wait(job, source);
      return this.relaySettled() ?? [];
    }
    return this.done(step, source);
  }

  /**
   * What the lesson says once the step's relay job has said what became of it: done when it
   * listens; when it ended first (its port taken), why, and the step stays. Null while it has not said.
   */
  private relaySettled(): string[] | null {
    const step = this.steps[this.at];
    const settled = step === undefined ? null : this.relays.settled();
    if (step === undefined || settled === null) return null;
    if (settled.fate.kind === 'listening') return this.done(step, settled.source);
    return this.say(`The relay did not start: ${settled.fate.why}. The step is not done: nothing relays there. ${this.off.hint(step)}`);
  }

  /** The step is done: what happened, the chapter's question, and the next step. source: the line that did it, if one was typed here. */
  done(step: LessonStep, source: string | null, instead: string | null = null): string[] {
    // A step refused for what its line made (a well-known port) stays, and the lesson says why.
    const refused = step.variants.refuse.find((v) => holds(v.when, this.sockets.facts));
    if (refused !== undefined) return this.say(fill(refused.text, this.sockets.facts));
    this.sockets.roles.keep();
    // The next step's server socket, made ahead, is in its role before this step's words are chosen (they may speak of it).
    const upcoming = this.steps[this.at + 1];
    if (upcoming !== undefined) this.sockets.madeAhead(upcoming);
    this.moveTo(this.at + 1, source === null ? this.off.typing : [...this.off.typing, source.trim()]);
    return [
      ...this.say(instead ?? this.then(step)),
      ...(step.ask && instead === null ? this.say(`Think: ${fill(step.ask, this.sockets.facts)}`) : []),
      ...this.next(),
    ];
  }

  /** What the step did: its `then:`, or its `reset:` when its close reset the connection. */
  private then(step: LessonStep): string {
    return fill(thenOrReset(step, pick(step.then, step.variants.then, this.sockets.facts), this.resetNow), this.sockets.facts);
  }

  typedBefore(): readonly (readonly string[])[] {
    return this.standing.typed();
  }

  /** Moves to step `at`, the student's lines for the step left behind kept with the place. */
  private moveTo(at: number, lines: readonly string[]): void {
    this.standing.moveTo(at, lines);
    this.evidence.mark();
    this.off.forget();
    this.through.forget();
  }

  private aheadWords(step: LessonStep, made: string): string[] {
    return this.sayAsIs(`Step ${this.at + 1} (${this.sockets.roles.spell(step.step)}) is done already: ${made} was made before it.`);
  }

  private next(): string[] {
    const step = this.steps[this.at];
    // A server's socket made ahead of its step (typed before the client's failed connect) does the step: typing it again would fail with EADDRINUSE.
    const ahead = step === undefined || step.seen !== null ? null : this.sockets.madeAhead(step);
    if (step !== undefined && ahead !== null) return [...this.aheadWords(step, ahead), ...this.done(step, null)];
    if (step !== undefined) return this.prompt();
    this.session.lesson = null;
    this.standing.forget();
    return this.say(`Lesson done. ${this.lesson.end}`);
  }

  met(seen: Seen): boolean {
    return this.evidence.met(seen, this.sockets.roleSerial(seen.socket));
  }

  onlyLooks(source: string): boolean {
    return onlyLooks(source, this.session.table);
  }

  /** The lesson's words, its sockets called by the student's names for them. */
  say(text: string, rest = '  '): string[] {
    return this.sayAsIs(this.sockets.roles.spell(text), rest);
  }

  /** Words that name the student's sockets already as they typed them (not spelled again). */
  sayAsIs(text: string, rest = '  '): string[] {
    return wrapWords(text, proseWidth(this.session.columns()), MARK, rest);
  }
}
