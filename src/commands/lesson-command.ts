import { NONE } from '../lang/values.js';
import { comment } from '../spec/python.js';
import { defineCommand } from '../spec/command.js';
import type { LessonTracker, SessionServices } from '../spec/services.js';
import { proseWidth, wrapWords } from '../render/wrap.js';
import { compile } from './check.js';
import { collapse, loadLesson, shippedLessons, type Lesson } from './lesson-file.js';

/**
 * `lesson`: a guided walk through the chapter's four programs, one call at a time. The student types
 * every command (the lesson never types for them); after each, the lesson says what happened in the
 * chapter's words and what to do next, or gives a hint when the command was not this step's. Leaving
 * (`lesson stop`) keeps the place; `lesson NAME` comes back to it.
 */

/** Where each lesson of a session stands: the index of the step to do next. */
const PLACES = new WeakMap<SessionServices, Map<string, number>>();

/** Commands that only look (sockets, explain, a bare $name...): never a wrong step. */
const LOOKING = new Set(['lesson', 'help', 'trace', 'display', 'use']);

const MARK = '» ';

class LessonRun implements LessonTracker {
  constructor(
    private readonly session: SessionServices,
    readonly lesson: Lesson,
    private readonly places: Map<string, number>,
  ) {}

  get at(): number {
    return this.places.get(this.lesson.name) ?? 0;
  }

  /** The current step, as the student sees it before typing. */
  prompt(): string[] {
    const step = this.lesson.steps[this.at];
    if (step === undefined) return [];
    return [
      ...this.say(`Step ${this.at + 1} of ${this.lesson.steps.length}: ${step.say}`),
      ...this.say(`  type: ${step.step}`, '         '),
    ];
  }

  heard(source: string, failure: string | null): readonly string[] {
    const step = this.lesson.steps[this.at];
    if (step === undefined || this.onlyLooks(source)) return [];
    if (!step.expect.test(collapse(source))) return this.say(`Not this step. ${step.hint} (lesson stop leaves the lesson.)`);
    if (step.fails !== null ? failure === null || !failure.includes(step.fails) : failure !== null) {
      const why = step.fails !== null && failure === null ? `it should fail with ${step.fails} here; ` : '';
      if (step.fails === null || failure !== null) return this.say(`That did not work: ${why}fix it and type it again. ${step.hint}`);
      // It worked where it should fail (a server already runs there): go on, and say so.
      this.places.set(this.lesson.name, this.at + 1);
      return [
        ...this.say(`It worked where it should have failed with ${step.fails}: is a server already running on that port?`),
        ...this.next(),
      ];
    }
    this.places.set(this.lesson.name, this.at + 1);
    return [...this.say(step.then), ...(step.ask ? this.say(`Think: ${step.ask}`) : []), ...this.next()];
  }

  private next(): string[] {
    if (this.at < this.lesson.steps.length) return this.prompt();
    this.session.lesson = null;
    this.places.delete(this.lesson.name); // done: `lesson NAME` starts it afresh
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

function placesOf(session: SessionServices): Map<string, number> {
  let places = PLACES.get(session);
  if (places === undefined) PLACES.set(session, (places = new Map<string, number>()));
  return places;
}

export const lessonCommand = defineCommand({
  name: 'lesson',
  onlyShows: true,
  group: 'session',
  usage: 'lesson [NAME|stop]',
  forms: [[], [{ name: 'NAME', kind: 'value', choices: [...shippedLessons(), 'stop'] }]],
  summary: 'A guided lesson: the textbook programs one call at a time, checked as you type them (lesson udp, lesson tcp)',
  python: { none: 'it teaches; the lesson text is in lessons/*.lesson' },
  example: 'lesson udp',
  toPython: () => comment('lesson'),
  run(ctx) {
    const session = ctx.session;
    const places = placesOf(session);
    const named = ctx.a.NAME;
    const width = proseWidth(session.columns());
    const show = (lines: readonly string[]) => ctx.display(lines.join('\n'));
    if (named === undefined) {
      const lines = wrapWords('Lessons: lesson NAME starts one, or comes back to where you left it; lesson stop leaves.', width);
      for (const name of shippedLessons()) {
        const lesson = loadLesson(name);
        const place = places.get(name);
        const at = place === undefined ? '' : ` (at step ${place + 1} of ${lesson.steps.length})`;
        lines.push(...wrapWords(`${lesson.title}${at}`, width, `  ${name.padEnd(6)}`, ' '.repeat(8)));
      }
      show(lines);
      return NONE;
    }
    const asked = named.kind === 'str' ? named.value : '';
    const running = session.lesson instanceof LessonRun ? session.lesson : null;
    if (asked === 'stop') {
      session.lesson = null;
      show(
        running === null
          ? ['No lesson is under way.']
          : running.say(
              `Left the ${running.lesson.name} lesson at step ${running.at + 1}; lesson ${running.lesson.name} comes back to it.`,
            ),
      );
      return NONE;
    }
    const lesson = loadLesson(asked);
    const run = new LessonRun(session, lesson, places);
    session.lesson = run;
    const back = places.has(lesson.name);
    if (!back) places.set(lesson.name, 0);
    show([...run.say(back ? `Back to the ${lesson.name} lesson.` : `${lesson.title}. ${lesson.intro}`), ...run.prompt()]);
    return NONE;
  },
});
