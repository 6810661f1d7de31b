import type { EngineEvent } from '../engine/types.js';
import type { LessonTracker, SessionServices } from '../spec/services.js';
import { proseWidth, wrapWords } from '../render/wrap.js';
import { compile } from './check.js';
import { collapse, stepsIn, type Lesson, type LessonMode, type LessonStep } from './lesson-file.js';
import { writePlace } from './lesson-places.js';
import { Evidence } from './lesson-seen.js';

/** Commands that only look (sockets, explain, a bare $name...): never a wrong step. */
const LOOKING = new Set(['lesson', 'help', 'trace', 'display', 'use']);

const MARK = '» ';

/** The key of a lesson in a mode, in the places of a session and of the state file: 'udp', 'tcp --server'. */
export function placeKey(name: string, mode: LessonMode): string {
  return mode === 'one' ? name : `${name} --${mode}`;
}

/**
 * One lesson under way in one mode. The student types every command; after each, `heard` says what
 * happened and what comes next, or hints. A step with `seen:` is done by what the engine saw
 * (`saw`), typed here or in another terminal; when that happens while nothing runs, `unprompted`
 * says it at once.
 */
export class LessonRun implements LessonTracker {
  readonly steps: readonly LessonStep[];
  readonly key: string;
  private readonly evidence = new Evidence();

  constructor(
    private readonly session: SessionServices,
    readonly lesson: Lesson,
    readonly mode: LessonMode,
    /** This session's places, by key. */
    private readonly places: Map<string, number>,
  ) {
    this.steps = stepsIn(lesson, mode);
    this.key = placeKey(lesson.name, mode);
  }

  get at(): number {
    return this.places.get(this.key) ?? 0;
  }

  /** The current step, as the student sees it before typing. */
  prompt(): string[] {
    const step = this.steps[this.at];
    if (step === undefined) return [];
    return [...this.say(`Step ${this.at + 1} of ${this.steps.length}: ${step.say}`), ...this.say(`  type: ${step.step}`, '         ')];
  }

  saw(event: EngineEvent): void {
    this.evidence.hear(event);
  }

  unprompted(): readonly string[] {
    const step = this.steps[this.at];
    if (step?.seen == null || !this.evidence.met(step.seen)) return [];
    return this.done(step);
  }

  heard(source: string, failure: string | null): readonly string[] {
    const step = this.steps[this.at];
    if (step === undefined) return [];
    if (step.seen !== null) {
      if (this.evidence.met(step.seen)) {
        // What the engine saw during this command did the step; the command may be the next step too
        // (a recvfrom typed while the datagram was on its way).
        const said = this.done(step);
        const next = this.steps[this.at];
        if (next === undefined || next.seen !== null || !next.expect.test(collapse(source))) return said;
        return [...said, ...this.heard(source, failure)];
      }
      return failure !== null && !this.onlyLooks(source) ? this.say(`That did not work. ${step.hint}`) : [];
    }
    if (this.onlyLooks(source)) return [];
    if (!step.expect.test(collapse(source))) {
      const earlier = this.steps.slice(0, this.at).findIndex((s) => s.seen === null && s.expect.test(collapse(source)));
      // Typing an earlier step again (to rebuild what a past session made) is not wrong.
      if (earlier >= 0 && failure === null) return this.say(`(step ${earlier + 1} again; you are at step ${this.at + 1})`);
      return this.say(`Not this step. ${step.hint} (lesson stop leaves the lesson.)`);
    }
    if (step.fails !== null ? failure === null || !failure.includes(step.fails) : failure !== null) {
      const why = step.fails !== null && failure === null ? `it should fail with ${step.fails} here; ` : '';
      if (step.fails === null || failure !== null) return this.say(`That did not work: ${why}fix it and type it again. ${step.hint}`);
      // It worked where it should fail (a server already runs there): go on, past the step that
      // retries the same command once the server runs, and say so.
      this.moveTo(this.at + 1);
      while (
        this.steps[this.at]?.seen === null &&
        this.steps[this.at]!.fails === null &&
        this.steps[this.at]!.expect.test(collapse(source))
      )
        this.moveTo(this.at + 1);
      return [
        ...this.say(`It worked where it should have failed with ${step.fails}: is a server already running on that port?`),
        ...this.next(),
      ];
    }
    return this.done(step);
  }

  /** The step is done: what happened, the chapter's question, and the next step. */
  private done(step: LessonStep): string[] {
    this.moveTo(this.at + 1);
    return [...this.say(step.then), ...(step.ask ? this.say(`Think: ${step.ask}`) : []), ...this.next()];
  }

  private moveTo(at: number): void {
    this.places.set(this.key, at);
    if (this.session.lessonState !== undefined) writePlace(this.session.lessonState, this.key, at < this.steps.length ? at : null);
  }

  private next(): string[] {
    if (this.at < this.steps.length) return this.prompt();
    this.session.lesson = null;
    this.places.delete(this.key); // done: `lesson NAME` starts it afresh
    return this.say(`Lesson done. ${this.lesson.end}`);
  }

  /** The chunk only looks, or is a lesson command itself: not a step, right or wrong. */
  private onlyLooks(source: string): boolean {
    const { program } = compile(source);
    return program.every((s) => {
      if (s.kind === 'show') return true;
      if (s.kind !== 'command') return false;
      return LOOKING.has(s.call.name) || this.session.table.get(s.call.name)?.onlyShows === true;
    });
  }

  say(text: string, rest = '  '): string[] {
    return wrapWords(text, proseWidth(this.session.columns()), MARK, rest);
  }
}
