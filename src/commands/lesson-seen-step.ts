import { collapse, type LessonStep } from './lesson-file.js';
import type { Failure } from './lesson-off-step.js';
import { receiveStep, type Receipts } from './lesson-receive.js';
import type { Evidence, Seen } from './lesson-seen.js';
import type { LessonSockets } from './lesson-sockets.js';

/**
 * What the lesson says after a line typed while the step is one done by what the engine saw
 * (`seen:`): done, when what the engine saw meanwhile did it (and the line may be the next step
 * too); else nothing for a looking command, or how far the step is ("Not yet"), never silence.
 */

/** What judging a seen step needs of the lesson under way (lesson-run.ts). */
export interface SeenRun {
  readonly steps: readonly LessonStep[];
  readonly at: number;
  readonly sockets: LessonSockets;
  readonly receipts: Receipts;
  readonly evidence: Evidence;
  done(step: LessonStep, source: string | null): string[];
  heard(source: string, failure: Failure): readonly string[];
  onlyLooks(source: string): boolean;
  say(text: string): string[];
}

export function heardSeen(run: SeenRun, step: LessonStep, seen: Seen, source: string, failure: Failure): readonly string[] {
  const { sockets } = run;
  if (run.evidence.met(seen, sockets.roleSerial(seen.socket))) {
    // What the engine saw during this command did the step; the command may be the next step too
    // (a recvfrom typed while the datagram was on its way).
    // So may a near miss of it (a bare recvfrom that took the datagram the step was after).
    const next = run.steps[run.at + 1];
    const nextSocket = next === undefined || next.seen !== null ? null : (receiveStep(next.step)?.socket ?? null);
    const nextSerial = nextSocket === null ? undefined : sockets.handleOf(nextSocket)?.serial;
    const alsoNext =
      next !== undefined &&
      next.seen === null &&
      (next.expect.test(collapse(sockets.roles.asLesson(source, next))) || run.receipts.has(nextSerial));
    const said = run.done(step, alsoNext || run.onlyLooks(source) ? null : source);
    return alsoNext ? [...said, ...run.heard(source, failure)] : said;
  }
  if (run.onlyLooks(source)) return [];
  if (failure?.cancelled === true) return run.say(`Cancelled. ${step.hint}`);
  // Not silence: a step skipped past (connectionSocket closed before the second accept) would wait for ever unsaid.
  return run.say(
    failure !== null
      ? `That did not work. ${step.hint}`
      : `Not yet: ${run.evidence.progress(seen, sockets.roleSerial(seen.socket))}. ${step.hint}`,
  );
}
