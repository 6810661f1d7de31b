import type { ProcessHooks } from './hooks.js';
import { sharedOptions } from './parse.js';
import { usage } from './usage.js';

/** The subcommands that replay transcripts: test and grade. */

/** `sockshell test [OPTIONS] PATH ...`. */
export async function testAction(hooks: ProcessHooks, argv: readonly string[]): Promise<number> {
  const o = sharedOptions('test', argv, ['update', 'force']);
  if (typeof o === 'string') return usage(o, 'test');
  const { args, commands, paths } = o;
  if (paths.length === 0) return usage('test needs transcripts: sockshell test FILE.sockt|DIR ...', 'test');
  const { runTests } = await import('../transcript/runner.js');
  await hooks.guardPrograms();
  if (args.update && commands.length > 0 && !args.force) {
    // The program under test may be wrong: its output would become what every later run must show.
    return usage(
      'test: --update with --with would rewrite the transcripts to whatever this program does; record them against a program you trust, or add --force',
      'test',
    );
  }
  const text = (k: string) => (typeof args[k] === 'string' ? { [k]: args[k] } : {});
  return runTests(paths, {
    ...o,
    with: commands,
    update: Boolean(args.update),
    reports: { ...text('json'), ...text('junit'), ...text('gradescope') },
    out: process.stdout,
    err: process.stderr,
    signal: hooks.interrupts().signal,
  });
}

/** `sockshell grade --with "COMMAND" [OPTIONS] SUBMISSIONS TRANSCRIPTS ...`. */
export async function gradeAction(hooks: ProcessHooks, argv: readonly string[]): Promise<number> {
  const o = sharedOptions('grade', argv, ['csv-bom'], ['csv']);
  if (typeof o === 'string') return usage(o, 'grade');
  const [submissions, ...transcripts] = o.paths;
  if (submissions === undefined || transcripts.length === 0)
    return usage(
      'grade needs a folder of submissions and transcripts: sockshell grade --with "COMMAND" SUBMISSIONS TRANSCRIPTS ...',
      'grade',
    );
  if (o.commands.length === 0) return usage('grade needs the program to grade: --with "python3 {submission}/UDPServer.py {port}"', 'grade');
  const { grade } = await import('../transcript/grade.js');
  await hooks.guardPrograms();
  const text = (k: string) => (typeof o.args[k] === 'string' ? o.args[k] : undefined);
  const [json, junit, gradescopeDir, csv] = [text('json'), text('junit'), text('gradescope'), text('csv')];
  const csvBom = o.args['csv-bom'] === true;
  if (csvBom && csv === undefined) return usage('grade: --csv-bom is for the gradebook: give --csv FILE too', 'grade');
  return grade(submissions, transcripts, {
    ...o,
    with: o.commands,
    ...(json ? { json } : {}),
    ...(junit ? { junit } : {}),
    ...(gradescopeDir ? { gradescopeDir } : {}),
    ...(csv ? { csv, csvBom } : {}),
    out: process.stdout,
    err: process.stderr,
    signal: hooks.interrupts().signal,
  });
}
