import type { CommandDef } from '../spec/command.js';
import type { Stmt, Word } from '../lang/ast.js';
import { repr, type Value } from '../lang/values.js';
import { ExitRequest, ShellError } from '../core/errors.js';
import type { Surroundings } from './invocation.js';

/**
 * `COMMAND &`: starts `work` as a background job and says so: the job's number and command at once,
 * its result when it has one, and how it ended (done, stopped, or failed with the error).
 */
export function startJob(
  around: Surroundings,
  def: CommandDef,
  stmt: Extract<Stmt, { kind: 'command' }>,
  work: (signal: AbortSignal, job: number) => Promise<Value>,
): void {
  const { session, scope, out } = around;
  const label = [stmt.call.target ? `${stmt.call.target.name}.${def.name}` : def.name, ...stmt.call.args.map(wordText)].join(' ');
  const id = session.jobs.start(
    label,
    async (signal, job) => {
      const result = await work(signal, job);
      if (result.kind !== 'none') out({ kind: 'notice', tag: String(job), text: `${label} → ${repr(result, session.describe)}` });
    },
    (job, end) => {
      switch (end.state) {
        case 'done':
          out({ kind: 'notice', tag: String(job), text: `done: ${label}` });
          break;
        case 'killed':
          out({ kind: 'notice', tag: String(job), text: `stopped: ${label}` });
          break;
        case 'failed': {
          const e = end.error;
          const message = e instanceof ShellError ? e.message : e instanceof Error ? e.message : String(e);
          const span = e instanceof ShellError ? e.span : null;
          const file = (e instanceof ShellError ? e.file : undefined) ?? scope.file;
          if (!(e instanceof ExitRequest)) out({ kind: 'error', message, span, file, job });
          out({ kind: 'notice', tag: String(job), text: `failed: ${label}` });
          break;
        }
        default: {
          const exhaustive: never = end;
          return exhaustive;
        }
      }
    },
  );
  around.jobStarted?.(id);
  out({ kind: 'notice', tag: String(id), text: label });
}

/** A word as the user wrote it, near enough for a job's label. */
function wordText(w: Word): string {
  switch (w.kind) {
    case 'literal':
      return w.quoted ? JSON.stringify(w.text) : w.text;
    case 'var':
      return `$${w.name}`;
    case 'template':
      return '"…"';
    case 'bytes':
      return `x"${w.value.toString('hex')}"`;
    case 'call':
      return `(${w.name} …)`;
    default: {
      const exhaustive: never = w;
      return exhaustive;
    }
  }
}
