import type { ProcessHooks } from './hooks.js';
import { takeLog } from './parse.js';
import { standardIo } from './actions-shell.js';
import { usage } from './usage.js';

/** The subcommands that take a script: run, check and export. */

/** `sockshell run FILE.sock [NAME=VALUE ...]`. */
export async function runAction(hooks: ProcessHooks, rest: readonly string[], global: { verbose: boolean; raw: boolean }): Promise<number> {
  const own = ['-v', '--verbose', '--raw'];
  const verboseHere = rest.some((a) => a === '-v' || a === '--verbose');
  const rawHere = rest.includes('--raw');
  const logged = takeLog(rest);
  if (typeof logged === 'string') return usage(logged, 'run');
  const [file, ...assignments] = logged.rest.filter((a) => !own.includes(a));
  if (!file) return usage('run needs a script: sockshell run FILE.sock [NAME=VALUE ...]', 'run');
  const { parseOverrides } = await import('../lang/overrides.js');
  const overrides = parseOverrides(assignments);
  if (typeof overrides === 'string') return usage(overrides, 'run');
  const { runScript } = await import('../run/script.js');
  const native = await nativeEngine(false);
  if (native === null) return usage(`SOCKSHELL_ENGINE is native or loop, not '${process.env.SOCKSHELL_ENGINE}'`, 'run');
  return runScript(file, standardIo(), {
    overrides,
    verbose: global.verbose || verboseHere,
    raw: global.raw || rawHere,
    signal: hooks.interrupts().signal,
    ...(logged.log !== undefined ? { log: logged.log } : {}),
    nativeCalls: native,
  });
}

/** `sockshell check FILE.sock|FILE.sockt ...`. */
export async function checkAction(rest: readonly string[]): Promise<number> {
  if (rest.length === 0) return usage('check needs at least one script: sockshell check FILE.sock', 'check');
  const [{ loadScript }, { checkTranscriptFile }] = await Promise.all([import('../run/script.js'), import('../transcript/problems.js')]);
  const io = standardIo();
  let status = 0;
  for (const file of rest) {
    const ok = file.endsWith('.sockt') ? await checkTranscriptFile(file, io) : (await loadScript(file, io)) !== null;
    if (!ok) status = 2;
  }
  if (status === 0) process.stdout.write(`${rest.join(', ')}: ok\n`);
  return status;
}

/** `sockshell export FILE.sock [NAME=VALUE ...]`. */
export async function exportAction(rest: readonly string[]): Promise<number> {
  const [file, ...assignments] = rest;
  if (!file) return usage('export needs a script: sockshell export FILE.sock [NAME=VALUE ...]', 'export');
  const { parseOverrides } = await import('../lang/overrides.js');
  const overrides = parseOverrides(assignments);
  if (typeof overrides === 'string') return usage(overrides, 'export');
  const { loadScript } = await import('../run/script.js');
  const program = await loadScript(file, standardIo(), overrides.keys());
  if (program === null) return 2;
  const [{ toPython }, { TABLE }] = await Promise.all([import('../export/python.js'), import('../commands/table.js')]);
  process.stdout.write(toPython(program, TABLE, { overrides }));
  return 0;
}

/**
 * Whether `run` may make its blocking calls in the native addon (and connect/listen move bytes in
 * the kernel with it): SOCKSHELL_ENGINE=loop says no,
 * native (the default) yes where the addon was built. Asked for by name and missing, it is said in
 * one line; missing by default, it is not (the build said so). Null for a value that is neither.
 * loadNow false (run): by default the addon is not loaded here but by the engine at its first socket
 * (engine-settings.ts, addonUse), which keeps to the event loop if it cannot load it.
 */
export async function nativeEngine(loadNow = true): Promise<boolean | null> {
  const wanted = process.env.SOCKSHELL_ENGINE ?? '';
  if (wanted === 'loop') return false;
  if (wanted !== '' && wanted !== 'native') return null;
  if (wanted === '' && !loadNow) return true;
  const { nativeCalls } = await import('../engine/index.js');
  const { calls, problem } = nativeCalls();
  if (calls === null && wanted === 'native') process.stderr.write(`sockshell: ${problem}; using the event-loop engine\n`);
  return calls !== null;
}
