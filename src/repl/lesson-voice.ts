import type { JobNews } from '../core/jobs.js';
import type { EngineEvent } from '../engine/types.js';
import type { ChunkResult } from '../session/chunk.js';
import type { Session } from '../session/session.js';
import type { LessonTracker } from '../spec/services.js';

/** Where a lesson's words go, and whether a command is running (the shell core). */
export interface LessonStage {
  readonly session: Session;
  readonly running: () => boolean;
  /** A line said on its own, between commands (held, as a notice is, if a command started meanwhile). */
  readonly aside: (text: string) => void;
  /** A line said as part of the command's own output. */
  readonly say: (text: string) => void;
}

/**
 * The lesson under way (if any) as the shell core hears it: it sees every engine event and job's
 * news, hears each chunk typed at the prompt, and says what comes next. A step done while no
 * command runs (the other terminal's client connected) is said at once, after the event's own line;
 * during a command, it is said when the command ends.
 */
export class LessonVoice {
  constructor(private readonly stage: LessonStage) {}

  saw(event: EngineEvent): void {
    const lesson = this.stage.session.lesson;
    if (lesson === null) return;
    lesson.saw(event);
    this.unprompted(lesson);
  }

  /** What a job did (a relay listening, or failing to). */
  heard(news: JobNews): void {
    const lesson = this.stage.session.lesson;
    if (lesson === null) return;
    lesson.job(news);
    this.unprompted(lesson);
  }

  /** Before a chunk runs: a warning, such as a receive that would wait for data already taken. */
  before(source: string): void {
    const lesson = this.stage.session.lesson;
    if (lesson === null) return;
    for (const text of lesson.before(source)) this.stage.say(text);
  }

  /** After a chunk ran: what the lesson makes of it, and the next step. */
  after(source: string, result: ChunkResult): void {
    const lesson = this.stage.session.lesson;
    if (lesson === null || result.kind === 'incomplete' || result.kind === 'exit') return;
    const failure =
      result.kind === 'ok'
        ? null
        : result.kind === 'failed'
          ? { message: result.error.message, cancelled: false }
          : result.kind === 'syntax'
            ? { message: result.diagnostics[0]?.message ?? 'syntax', cancelled: false }
            : { message: `${result.what} cancelled`, cancelled: true };
    for (const text of lesson.heard(source, failure)) this.stage.say(text);
  }

  private unprompted(lesson: LessonTracker): void {
    if (this.stage.running()) return;
    queueMicrotask(() => {
      if (this.stage.running() || this.stage.session.lesson !== lesson) return;
      for (const text of lesson.unprompted()) this.stage.aside(text);
    });
  }
}
