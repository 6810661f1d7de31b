import { ShellError } from '../core/errors.js';
import { NONE } from '../lang/values.js';
import { comment } from '../spec/python.js';
import { defineCommand } from '../spec/command.js';
import type { SessionServices } from '../spec/services.js';
import { proseWidth, wrapWords } from '../render/wrap.js';
import { loadLesson, shippedLessons, stepsIn, type LessonMode } from './lesson-file.js';
import { placeKey, readPlaces, writePlace, type Place } from './lesson-places.js';
import { LessonRun } from './lesson-run.js';
import type { RoleSocket } from './lesson-roles.js';

/**
 * `lesson`: a guided walk through the chapter's four programs, one call at a time, in one terminal
 * (`lesson udp`) or in two, as the textbook runs them (`lesson udp --server` in one, `lesson udp
 * --client` in another). The student types every command (the lesson never types for them); after
 * each, the lesson says what happened in the chapter's words and what to do next, or gives a hint
 * when the command was not this step's. Leaving (`lesson stop`, or leaving the shell) keeps the
 * place; `lesson NAME` comes back to it, and `lesson NAME --restart` starts over.
 */

/** Where each lesson of a session stands (the step to do next, and the lines typed for those before it), by placeKey. */
const PLACES = new WeakMap<SessionServices, Map<string, Place>>();

/** The sockets the student made for each lesson's roles (lesson-roles.ts), by placeKey then role: for this session only. */
const ROLES = new WeakMap<SessionServices, Map<string, Map<string, RoleSocket>>>();

function rolesOf(session: SessionServices, key: string): Map<string, RoleSocket> {
  let all = ROLES.get(session);
  if (all === undefined) ROLES.set(session, (all = new Map<string, Map<string, RoleSocket>>()));
  let roles = all.get(key);
  if (roles === undefined) all.set(key, (roles = new Map<string, RoleSocket>()));
  return roles;
}

function placesOf(session: SessionServices): Map<string, Place> {
  let places = PLACES.get(session);
  if (places === undefined) PLACES.set(session, (places = new Map<string, Place>()));
  return places;
}

let lessonChoices: readonly string[] | undefined;

export const lessonCommand = defineCommand({
  name: 'lesson',
  onlyShows: true,
  group: 'session',
  usage: 'lesson [NAME|stop] [--server|--client] [--restart]',
  forms: [
    [],
    [
      {
        name: 'NAME',
        kind: 'value',
        // Read from lessons/ when completion or help first asks, not at every start-up.
        get choices(): readonly string[] {
          return (lessonChoices ??= [...shippedLessons(), 'stop']);
        },
      },
    ],
  ],
  flags: {
    server: "two terminals: this one plays the server's program (the other runs lesson NAME --client)",
    client: "two terminals: this one plays the client's program (the other runs lesson NAME --server)",
    restart: 'start the lesson over from step 1, forgetting where it was left',
  },
  summary: 'A guided lesson: the textbook programs one call at a time, checked as you type them (lesson udp, lesson tcp)',
  python: { none: 'it teaches; the lesson text is in lessons/*.lesson' },
  example: 'lesson udp',
  toPython: () => comment('lesson'),
  run(ctx) {
    const session = ctx.session;
    const places = placesOf(session);
    const saved = session.lessonState === undefined ? {} : readPlaces(session.lessonState);
    const arg = ctx.a.NAME;
    const width = proseWidth(session.columns());
    const show = (lines: readonly string[]) => ctx.display(lines.join('\n'));
    if (arg === undefined) {
      const lines = wrapWords(
        'Lessons: lesson NAME starts one, or comes back to where you left it; --server and --client play it in two terminals; lesson stop leaves.',
        width,
      );
      for (const name of shippedLessons()) {
        const lesson = loadLesson(name);
        const at = (['one', 'server', 'client'] as const).flatMap((mode) => {
          const key = placeKey(name, mode);
          const place = places.get(key) ?? saved[key];
          const where = mode === 'one' ? '' : ` --${mode}`;
          return place === undefined ? [] : [`at step ${place.at + 1} of ${stepsIn(lesson, mode).length}${where}`];
        });
        lines.push(
          ...wrapWords(`${lesson.title}${at.length > 0 ? ` (${at.join('; ')})` : ''}`, width, `  ${name.padEnd(6)}`, ' '.repeat(8)),
        );
      }
      show(lines);
      return NONE;
    }
    const asked = arg.kind === 'str' ? arg.value : '';
    const running = session.lesson instanceof LessonRun ? session.lesson : null;
    if (asked === 'stop') {
      session.lesson = null;
      show(
        running === null
          ? ['No lesson is under way.']
          : running.say(`Left the ${running.key} lesson at step ${running.at + 1}; lesson ${running.key} comes back to it.`),
      );
      return NONE;
    }
    if (ctx.flags.has('server') && ctx.flags.has('client'))
      throw new ShellError('--server or --client: each terminal plays one of the two programs', null);
    const mode: LessonMode = ctx.flags.has('server') ? 'server' : ctx.flags.has('client') ? 'client' : 'one';
    const lesson = loadLesson(asked);
    const scope = ctx.scope;
    const peek = (name: string) => (scope.names().includes(name) ? scope.get(name, ctx.span) : undefined);
    const key = placeKey(lesson.name, mode);
    const roles = rolesOf(session, key);
    const run = new LessonRun(session, lesson, mode, places, peek, roles);
    if (ctx.flags.has('restart')) {
      roles.clear();
      places.delete(key);
      if (session.lessonState !== undefined) writePlace(session.lessonState, key, null);
    }
    session.lesson = run;
    const intro = `${lesson.title}. ${mode === 'one' ? lesson.intro : lesson.introOf[mode]}`;
    const here = places.get(key);
    const before = saved[key];
    if (here !== undefined) {
      show([...run.say(`Back to the ${key} lesson.`), ...run.prompt()]);
    } else if (before !== undefined && before.at > 0 && before.at < run.steps.length && !ctx.flags.has('restart')) {
      // Progress from an earlier session: the place is kept, but that session's sockets and variables went with it.
      places.set(key, before);
      show([
        ...run.say(
          `Back to the ${key} lesson at step ${before.at + 1} of ${run.steps.length}, where you left it in an earlier session. That session's sockets and variables went with it: type the earlier steps again to make them, or lesson ${key} --restart starts over.`,
        ),
        ...earlierSteps(run, before, width),
        ...run.prompt(),
      ]);
    } else {
      places.set(key, { at: 0, typed: [] });
      show([...run.say(intro), ...run.prompt()]);
    }
    return NONE;
  },
});

/**
 * The lines to type again after a new session, as the student typed them (their port, their
 * names), one per line so they can be copied. A step that should fail (connect before the server)
 * makes nothing and is left out; a step done by what the other terminal did has no line here. A
 * place saved before lines were kept shows the lesson's own text for its steps.
 */
function earlierSteps(run: LessonRun, place: Place, width: number): string[] {
  const lines = run.steps.slice(0, place.at).flatMap((step, i) => {
    if (step.fails !== null) return [];
    return place.typed[i] ?? (step.seen === null ? [step.step] : []);
  });
  if (lines.length === 0) return [];
  const own = place.typed.length > 0;
  return [
    ...run.say(own ? 'Earlier steps, as you typed them:' : 'Earlier steps:'),
    ...lines.flatMap((line) => wrapWords(line, width, '    ', '      ')),
  ];
}
