#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type YargsParser from 'yargs-parser';
import { isSubcommand, subcommandHelp, usageLines } from './subcommands.js';

/**
 * The command line. The only module that reads process.argv, touches process signals or sets the
 * exit status. Subcommands load their modules lazily, so `--version` starts fast.
 */

const USAGE = `${usageLines()}

options:
  -v, --verbose   also write what the shell did underneath (# lines) to stderr
  --raw           scripts and piped sessions: print writes received bytes unescaped even to a
                  terminal (escape sequences act); without it control bytes are shown as \\x1b
  -h, --help      this help
  -V, --version   the version

exit status: 0 success, 1 a runtime error or failed expect, 2 a usage or syntax error, 130 Ctrl-C,
141 standard output closed by its reader (| head), 70 an internal error.
Each command answers --help (sockshell test --help). Inside the shell, type help.`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * yargs-parser, loaded after the --version fast path (it is a tenth of a bare start-up), and as its
 * one-file CommonJS build: its ES module build is five files to resolve and link.
 */
function argParser(): typeof YargsParser {
  return createRequire(import.meta.url)('yargs-parser') as typeof YargsParser;
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    process.stdout.write(`sockshell ${version()}\n`);
    return 0;
  }
  const parseArgs = argParser();
  const args = parseArgs([...argv], {
    boolean: ['help', 'version', 'verbose', 'raw'],
    alias: { help: ['h'], version: ['V'], verbose: ['v'] },
    configuration: { 'parse-numbers': false, 'parse-positional-numbers': false, 'dot-notation': false, 'halt-at-non-option': true },
  });
  const known = new Set(['_', '--', 'help', 'h', 'version', 'V', 'verbose', 'v', 'raw']);
  const unknown = Object.keys(args).find((k) => !known.has(k));
  if (unknown) return usage(`unknown option ${unknown.length === 1 ? '-' : '--'}${unknown}`);
  if (args.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (args.version) {
    process.stdout.write(`sockshell ${version()}\n`);
    return 0;
  }
  const [command, ...rest] = args._.map(String);
  // process.stdin is made on first use: a script that never reads it saves its start-up cost.
  const io = {
    get stdin() {
      return process.stdin;
    },
    stdout: process.stdout,
    stderr: process.stderr,
  };
  const verbose = Boolean(args.verbose);
  const raw = Boolean(args.raw);
  if (command !== undefined && !isSubcommand(command)) return usage(`unknown command '${command}'`);
  if (command !== undefined && rest.some((a) => a === '--help' || a === '-h')) {
    process.stdout.write(subcommandHelp(command) + '\n');
    return 0;
  }
  switch (command) {
    case undefined: {
      const controller = interrupts();
      if (!process.stdin.isTTY) {
        const { runPiped } = await import('./run/piped.js');
        return runPiped(io, { verbose, raw, signal: controller.signal });
      }
      if (raw) return usage('--raw is for scripts and piped sessions; the interactive shell always escapes what peers send');
      process.removeAllListeners('SIGINT'); // the REPL handles Ctrl-C itself
      hangupRestoresTerminal();
      const { startRepl, defaultHistoryFile } = await import('./repl/repl.js');
      const terminal = Boolean(process.stdin.isTTY && process.stdout.isTTY);
      return startRepl({
        input: process.stdin,
        output: process.stdout,
        errorOutput: process.stderr,
        terminal,
        color: terminal && !process.env.NO_COLOR,
        history: defaultHistoryFile(),
      }).done;
    }
    case 'run': {
      const own = ['-v', '--verbose', '--raw'];
      const verboseHere = rest.some((a) => a === '-v' || a === '--verbose');
      const rawHere = rest.includes('--raw');
      const logged = takeLog(rest);
      if (typeof logged === 'string') return usage(logged);
      const [file, ...assignments] = logged.rest.filter((a) => !own.includes(a));
      if (!file) return usage('run needs a script: sockshell run FILE.sock [NAME=VALUE ...]');
      const { parseOverrides } = await import('./lang/overrides.js');
      const overrides = parseOverrides(assignments);
      if (typeof overrides === 'string') return usage(overrides);
      const { runScript } = await import('./run/script.js');
      const native = await nativeEngine();
      if (native === null) return usage(`SOCKSHELL_ENGINE is native or loop, not '${process.env.SOCKSHELL_ENGINE}'`);
      return runScript(file, io, {
        overrides,
        verbose: verbose || verboseHere,
        raw: raw || rawHere,
        signal: interrupts().signal,
        ...(logged.log !== undefined ? { log: logged.log } : {}),
        nativeCalls: native,
      });
    }
    case 'check': {
      if (rest.length === 0) return usage('check needs at least one script: sockshell check FILE.sock');
      const [{ loadScript }, { checkTranscriptFile }] = await Promise.all([import('./run/script.js'), import('./transcript/problems.js')]);
      let status = 0;
      for (const file of rest) {
        const ok = file.endsWith('.sockt') ? await checkTranscriptFile(file, io) : (await loadScript(file, io)) !== null;
        if (!ok) status = 2;
      }
      if (status === 0) process.stdout.write(`${rest.join(', ')}: ok\n`);
      return status;
    }
    case 'record': {
      const [file, ...extra] = rest;
      if (!file || extra.length) return usage('record needs one file: sockshell record FILE.sockt');
      process.removeAllListeners('SIGINT');
      hangupRestoresTerminal();
      const { record } = await import('./transcript/record.js');
      const terminal = Boolean(process.stdin.isTTY && process.stdout.isTTY);
      return record(file, {
        input: process.stdin,
        output: process.stdout,
        errorOutput: process.stderr,
        terminal,
        color: terminal && !process.env.NO_COLOR,
        history: null,
      });
    }
    case 'test':
      return test(rest);
    case 'grade':
      return gradeCommand(rest);
    case 'connect':
    case 'listen':
      return stream(command, rest);
    case 'relay': {
      const { runRelay } = await import('./run/relay-cli.js');
      const quiet = rest.includes('-q');
      return runRelay(
        io,
        rest.filter((a) => a !== '-q'),
        { quiet, signal: interrupts().signal },
      );
    }
    case 'export': {
      const [file, ...assignments] = rest;
      if (!file) return usage('export needs a script: sockshell export FILE.sock [NAME=VALUE ...]');
      const { parseOverrides } = await import('./lang/overrides.js');
      const overrides = parseOverrides(assignments);
      if (typeof overrides === 'string') return usage(overrides);
      const { loadScript } = await import('./run/script.js');
      const program = await loadScript(file, io, overrides.keys());
      if (program === null) return 2;
      const [{ toPython }, { TABLE }] = await Promise.all([import('./export/python.js'), import('./commands/table.js')]);
      process.stdout.write(toPython(program, TABLE, { echo: false, overrides }));
      return 0;
    }
    default: {
      const exhaustive: never = command;
      return exhaustive;
    }
  }
}

/** The options `test` and `grade` share, read and checked once. */
interface Shared {
  readonly commands: string[];
  readonly port?: number;
  readonly timeoutMs: number;
  readonly readyTimeoutMs: number;
  readonly wallMs?: number;
  readonly feedback: 'student' | 'instructor';
  readonly jobs: number;
  readonly exitFirst: boolean;
  readonly allowFiles: boolean;
  readonly paths: string[];
  readonly args: Record<string, unknown>;
}

const SHARED_STRINGS = ['with', 'port', 'timeout', 'ready-timeout', 'wall', 'feedback', 'jobs', 'json', 'junit', 'gradescope'];

/** Parses `test` or `grade`'s command line; a string is a usage error. */
function sharedOptions(name: 'test' | 'grade', argv: readonly string[], booleans: readonly string[]): Shared | string {
  const parseArgs = argParser();
  const args = parseArgs([...argv], {
    boolean: ['x', 'allow-files', ...booleans],
    // Not `array`: that would swallow the transcript paths after --with; repeated flags collect anyway.
    string: SHARED_STRINGS,
    alias: { jobs: ['j'] },
    configuration: { 'parse-numbers': false, 'parse-positional-numbers': false, 'dot-notation': false, 'camel-case-expansion': false },
  });
  const known = new Set(['_', '--', 'x', 'j', 'allow-files', ...booleans, ...SHARED_STRINGS]);
  const unknown = Object.keys(args).find((k) => !known.has(k));
  if (unknown) return `${name}: unknown option ${unknown.length === 1 ? '-' : '--'}${unknown}`;
  const seconds = (option: string, fallback: number | undefined): number | undefined | string => {
    const v = args[option] as string | undefined;
    if (v === undefined) return fallback;
    const n = Number(v);
    return /^\d+(\.\d+)?$/.test(v) && n > 0 ? n : `${name}: --${option} needs a number of seconds above 0, got '${v}'`;
  };
  const timeout = seconds('timeout', 5);
  const ready = seconds('ready-timeout', 5);
  const wall = seconds('wall', undefined);
  for (const v of [timeout, ready, wall]) if (typeof v === 'string') return v;
  // Decimal digits only: Number() would take 1e4 and 0x52DC for ports.
  const port = args.port === undefined ? undefined : /^\d{1,5}$/.test(String(args.port)) ? Number(args.port) : NaN;
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536))
    return `${name}: --port needs a port number, got '${String(args.port)}'`;
  const jobs = args.jobs === undefined ? 1 : /^\d{1,3}$/.test(String(args.jobs)) ? Number(args.jobs) : NaN;
  if (!(jobs >= 1)) return `${name}: -j needs a number of runs side by side (1 or more), got '${String(args.jobs)}'`;
  const feedback = (args.feedback as string | undefined) ?? 'instructor';
  if (feedback !== 'student' && feedback !== 'instructor') return `${name}: --feedback is student or instructor, got '${feedback}'`;
  return {
    commands: ([] as unknown[]).concat(args.with ?? []).map(String),
    ...(port !== undefined ? { port } : {}),
    timeoutMs: (timeout as number) * 1000,
    readyTimeoutMs: (ready as number) * 1000,
    ...(wall !== undefined ? { wallMs: (wall as number) * 1000 } : {}),
    feedback,
    jobs,
    exitFirst: Boolean(args.x),
    allowFiles: Boolean(args['allow-files']),
    paths: args._.map(String),
    args,
  };
}

/** The programs under test must not outlive sockshell (a second Ctrl-C, kill, a closed terminal). */
async function guardPrograms(): Promise<void> {
  const { killPeersNow } = await import('./transcript/with.js');
  // Without handlers SIGTERM and SIGHUP end Node without running 'exit' handlers.
  process.on('exit', killPeersNow);
  process.on('SIGTERM', () => process.exit(143));
  process.on('SIGHUP', () => process.exit(129));
}

async function test(argv: readonly string[]): Promise<number> {
  const o = sharedOptions('test', argv, ['update', 'force']);
  if (typeof o === 'string') return usage(o);
  const { args, commands, paths } = o;
  if (paths.length === 0) return usage('test needs transcripts: sockshell test FILE.sockt|DIR ...');
  const { runTests } = await import('./transcript/runner.js');
  await guardPrograms();
  if (args.update && commands.length > 0 && !args.force) {
    // The program under test may be wrong: its output would become what every later run must show.
    return usage(
      'test: --update with --with would rewrite the transcripts to whatever this program does; record them against a program you trust, or add --force',
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
    signal: interrupts().signal,
  });
}

async function gradeCommand(argv: readonly string[]): Promise<number> {
  const o = sharedOptions('grade', argv, []);
  if (typeof o === 'string') return usage(o);
  const [submissions, ...transcripts] = o.paths;
  if (submissions === undefined || transcripts.length === 0)
    return usage('grade needs a folder of submissions and transcripts: sockshell grade --with "COMMAND" SUBMISSIONS TRANSCRIPTS ...');
  if (o.commands.length === 0) return usage('grade needs the program to grade: --with "python3 {submission}/UDPServer.py {port}"');
  const { grade } = await import('./transcript/grade.js');
  await guardPrograms();
  const text = (k: string) => (typeof o.args[k] === 'string' ? o.args[k] : undefined);
  const [json, junit, gradescopeDir] = [text('json'), text('junit'), text('gradescope')];
  return grade(submissions, transcripts, {
    ...o,
    with: o.commands,
    ...(json ? { json } : {}),
    ...(junit ? { junit } : {}),
    ...(gradescopeDir ? { gradescopeDir } : {}),
    out: process.stdout,
    err: process.stderr,
    signal: interrupts().signal,
  });
}

/** sockshell connect / listen: nc's flags, then HOST PORT (listen: [HOST] PORT). */
async function stream(mode: 'connect' | 'listen', argv: readonly string[]): Promise<number> {
  const logged = takeLog(argv);
  if (typeof logged === 'string') return usage(`${mode}: ${logged}`);
  // -6 first: yargs-parser would read it as the number -6.
  const family = logged.rest.includes('-6') ? 6 : 4;
  const args = argParser()(
    logged.rest.filter((a) => a !== '-6'),
    {
      boolean: ['u', 'k', 'C', 'q'],
      string: ['w', 'p'],
      configuration: { 'parse-numbers': false, 'parse-positional-numbers': false, 'dot-notation': false, 'camel-case-expansion': false },
    },
  );
  const allowed = mode === 'connect' ? ['u', 'C', 'q', 'w', 'p'] : ['u', 'k', 'C', 'q', 'w'];
  const unknown = Object.keys(args).find((k) => k !== '_' && k !== '--' && !allowed.includes(k));
  if (unknown) return usage(`${mode}: unknown option ${unknown.length === 1 ? '-' : '--'}${unknown}`);
  const words = args._.map(String);
  const want = mode === 'connect' ? 'HOST PORT' : '[HOST] PORT';
  if (words.length < (mode === 'connect' ? 2 : 1) || words.length > 2) return usage(`${mode} needs ${want}: sockshell ${mode} ${want}`);
  const portOf = (word: string | undefined, what: string): number | string => {
    const n = word !== undefined && /^\d{1,5}$/.test(word) ? Number(word) : NaN;
    return n >= 0 && n < 65536 && (n > 0 || what === '-p' || mode === 'listen')
      ? n
      : `${mode}: ${what} needs a port number, got '${String(word)}'`;
  };
  const port = portOf(words[words.length - 1], 'PORT');
  if (typeof port === 'string') return usage(port);
  const source = args.p === undefined ? null : portOf(String(args.p), '-p');
  if (typeof source === 'string') return usage(source);
  const w = args.w === undefined ? null : Number(args.w);
  if (w !== null && !(Number.isFinite(w) && w > 0)) return usage(`${mode}: -w needs a number of seconds above 0, got '${String(args.w)}'`);
  const host = words.length === 2 ? words[0]! : family === 6 ? '::' : '';
  const { runStream } = await import('./run/stream.js');
  return runStream(
    { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
    {
      mode,
      host,
      port,
      udp: Boolean(args.u),
      keep: Boolean(args.k),
      crlf: Boolean(args.C),
      quiet: Boolean(args.q),
      idleSeconds: w,
      family,
      sourcePort: source,
      signal: interrupts().signal,
      ...(logged.log !== undefined ? { log: logged.log } : {}),
    },
  );
}

/** `--log FILE` (or --log=FILE) among a subcommand's words, before its script or host: the traffic log's file. */
function takeLog(words: readonly string[]): { log?: string; rest: string[] } | string {
  const at = words.findIndex((w) => w === '--log' || w.startsWith('--log='));
  if (at < 0) return { rest: [...words] };
  const word = words[at]!;
  const file = word === '--log' ? words[at + 1] : word.slice('--log='.length);
  if (!file) return '--log needs a file: --log FILE';
  return { log: file, rest: words.filter((_, i) => i !== at && (word !== '--log' || i !== at + 1)) };
}

/**
 * Whether `run` may make its blocking calls in the native addon: SOCKSHELL_ENGINE=loop says no,
 * native (the default) yes where the addon was built. Asked for by name and missing, it is said in
 * one line; missing by default, it is not (the build said so). Null for a value that is neither.
 */
async function nativeEngine(): Promise<boolean | null> {
  const wanted = process.env.SOCKSHELL_ENGINE ?? '';
  if (wanted === 'loop') return false;
  if (wanted !== '' && wanted !== 'native') return null;
  const { nativeCalls } = await import('./engine/index.js');
  const { calls, problem } = nativeCalls();
  if (calls === null && wanted === 'native') process.stderr.write(`sockshell: ${problem}; using the event-loop engine\n`);
  return calls !== null;
}

function usage(problem: string): number {
  process.stderr.write(`sockshell: ${problem}\n${USAGE}\n`);
  return 2;
}

/**
 * A closed terminal (SIGHUP) ends the interactive shell with 129, as the signal would, but through
 * process.exit, which puts the terminal back as it found it. Killed by the signal itself, Node left it
 * in readline's raw mode (-icanon -echo) for a parent shell that does not restore it, such as dash.
 */
function hangupRestoresTerminal(): void {
  process.on('SIGHUP', () => {
    if (process.stdin.isTTY) process.stdin.setRawMode(false);
    process.exit(129);
  });
}

/** Ctrl-C outside the REPL: the first cancels the running program cleanly, the second quits at once. */
function interrupts(): AbortController {
  const controller = new AbortController();
  process.on('SIGINT', () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  });
  return controller;
}

/** Plain words for the write errors standard output meets in practice. */
const WRITE_ERRORS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
  EIO: 'input/output error',
  EBADF: 'not open for writing',
};

/**
 * A write error on standard output ends the program at once, as it ends a C program: output that
 * cannot be written must not be lost with status 0, nor end in a stack trace. EPIPE (the reader went
 * away, as `| head -1` does) ends quietly with 141, the status a shell shows for a program that
 * SIGPIPE killed: cat and grep die of that signal; Node ignores it, so we do what the signal would.
 * Any other error (ENOSPC on /dev/full, EIO) is said in one line on stderr, with status 1. An error
 * on stderr itself ends the same way, with nothing more said.
 */
function writeFailed(stream: NodeJS.WriteStream, err: unknown): never {
  const code = typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : 'EIO';
  if (code === 'EPIPE') process.exit(141);
  if (stream === process.stdout) {
    const words = WRITE_ERRORS[code];
    process.stderr.write(`sockshell: cannot write to standard output: ${code}${words ? ` (${words})` : ''}\n`);
  }
  process.exit(1);
}
process.stdout.on('error', (err) => writeFailed(process.stdout, err));
process.stderr.on('error', (err) => writeFailed(process.stderr, err));

/**
 * Ends with status, once what was written is out. A write that failed meanwhile decides instead: its
 * 'error' event may come after this (a file's stream reports it only as it is destroyed).
 */
function exitWhenFlushed(status: number): void {
  const failed = process.stdout.errored ?? process.stderr.errored;
  if (failed) writeFailed(process.stdout.errored ? process.stdout : process.stderr, failed);
  process.stdout.write('', () => {
    const late = process.stdout.errored ?? process.stderr.errored;
    if (late) writeFailed(process.stdout.errored ? process.stdout : process.stderr, late);
    process.exit(status);
  });
}

/**
 * The last guard against a silent wrong result: Node exits 0 when its event loop empties, even while
 * main's promise is pending (a call waiting on nothing the loop can see). Every wait holds the loop
 * (engine/keepalive.ts), so this should never run; if it does, it is our bug, and it must not look
 * like success.
 */
let settled = false;
let abandoned = false;
process.on('beforeExit', () => {
  if (settled || abandoned) return;
  abandoned = true;
  process.stderr.write('sockshell: internal error (please report it): the program ended while a command was still waiting\n');
  process.exitCode = 70;
});

main(process.argv.slice(2)).then(
  (status) => {
    settled = true;
    process.exitCode = status;
    // Standard input may still hold the event loop open; end once output is flushed.
    exitWhenFlushed(status);
  },
  (error: unknown) => {
    settled = true;
    process.stderr.write(`sockshell: internal error: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(70);
  },
);
