#!/usr/bin/env node
import { checkAction, exportAction, runAction } from './commandline/actions-scripts.js';
import { recordAction, shell } from './commandline/actions-shell.js';
import { relayAction, streamAction } from './commandline/actions-stream.js';
import { gradeAction, testAction } from './commandline/actions-transcripts.js';
import type { ProcessHooks } from './commandline/hooks.js';
import { argParser, WORDS_AS_TYPED } from './commandline/parse.js';
import { USAGE, usage } from './commandline/usage.js';
import { isSubcommand, subcommandHelp } from './subcommands.js';
import { packageRoot } from './core/package-root.js';
import { writeSync } from 'node:fs';

/**
 * The command line. The only module that reads process.argv, touches process signals or sets the
 * exit status: it reads the global options, dispatches to each subcommand's action
 * (commandline/actions-*.ts, which parse their own words with commandline/parse.ts), and hands them
 * the process hooks they need. Subcommands load their modules lazily, so `--version` starts fast.
 */

function version(): string {
  return packageRoot(import.meta.url)?.pkg.version ?? 'unknown';
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    process.stdout.write(`sockshell ${version()}\n`);
    return 0;
  }
  const args = argParser()([...argv], {
    boolean: ['help', 'version', 'verbose', 'raw'],
    alias: { help: ['h'], version: ['V'], verbose: ['v'] },
    configuration: { ...WORDS_AS_TYPED, 'halt-at-non-option': true },
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
  const global = { verbose: Boolean(args.verbose), raw: Boolean(args.raw) };
  if (command !== undefined && !isSubcommand(command)) return usage(`unknown command '${command}'`);
  if (command !== undefined && rest.some((a) => a === '--help' || a === '-h')) {
    process.stdout.write(subcommandHelp(command) + '\n');
    return 0;
  }
  switch (command) {
    case undefined:
      return shell(HOOKS, global);
    case 'run':
      return runAction(HOOKS, rest, global);
    case 'check':
      return checkAction(rest);
    case 'record':
      return recordAction(HOOKS, rest);
    case 'test':
      return testAction(HOOKS, rest);
    case 'grade':
      return gradeAction(HOOKS, rest);
    case 'connect':
    case 'listen':
      return streamAction(HOOKS, command, rest);
    case 'relay':
      return relayAction(HOOKS, rest);
    case 'export':
      return exportAction(rest);
    default: {
      const exhaustive: never = command;
      return exhaustive;
    }
  }
}

const HOOKS: ProcessHooks = {
  interrupts,
  terminalOwnsSignals() {
    process.removeAllListeners('SIGINT'); // the REPL handles Ctrl-C itself
    hangupRestoresTerminal();
  },
  async guardPrograms() {
    const { killPeersNow } = await import('./transcript/with.js');
    // Without handlers SIGTERM and SIGHUP end Node without running 'exit' handlers.
    process.on('exit', killPeersNow);
    process.on('SIGTERM', () => process.exit(143));
    process.on('SIGHUP', () => process.exit(129));
  },
};

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

/*
 * Standard output and error as a C program has them: a write that fails ends the program, and the
 * program's end waits for what it wrote. Node makes process.stdout and process.stderr on first use
 * (for a pipe or a terminal, a net.Socket, which loads Node's socket and stream modules); the guards
 * go on each when it is made, so a run that writes nothing makes neither.
 */

type Standard = 'stdout' | 'stderr';

/** Which of the two exist yet; made[name] is the stream itself. */
const made: { stdout?: NodeJS.WriteStream; stderr?: NodeJS.WriteStream } = {};

/** Plain words for the write errors standard output meets in practice. */
const WRITE_ERRORS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
  EIO: 'input/output error',
  EBADF: 'not open for writing',
};

/** Puts the guards on each standard stream, now if it exists, else when it is first made. Call once, first thing. */
function guardStandardStreams(): void {
  whenMade('stdout', (stream) => {
    stream.on('error', (err) => writeFailed(stream, err));
    wholeWrites(stream, 1);
  });
  whenMade('stderr', (stream) => {
    stream.on('error', (err) => writeFailed(stream, err));
  });
}

/**
 * Ends with status, once what was written is out. A write that failed meanwhile decides instead: its
 * 'error' event may come after this (a file's stream reports it only as it is destroyed). Nothing
 * written (neither stream made), nothing to wait for.
 */
function exitWhenFlushed(status: number): void {
  checkErrored();
  const out = made.stdout;
  if (out === undefined) process.exit(status);
  out.write('', () => {
    checkErrored();
    process.exit(status);
  });
}

/** A write error either stream has met ends the program as writeFailed says. */
function checkErrored(): void {
  for (const stream of [made.stdout, made.stderr]) if (stream?.errored) writeFailed(stream, stream.errored);
}

/**
 * Calls setup with process[name] when Node makes it: process's own getter is wrapped once, and the
 * stream it makes is kept in place of the getter. Where the getter cannot be wrapped (not Node's own
 * configurable getter), the stream is made now.
 */
function whenMade(name: Standard, setup: (stream: NodeJS.WriteStream) => void): void {
  const own = Object.getOwnPropertyDescriptor(process, name);
  const keep = (stream: NodeJS.WriteStream): NodeJS.WriteStream => {
    made[name] = stream;
    setup(stream);
    return stream;
  };
  if (own?.get === undefined || own.configurable !== true) {
    keep(process[name]);
    return;
  }
  const enumerable = own.enumerable ?? false;
  const nodeMakes = own;
  Object.defineProperty(process, name, {
    configurable: true,
    enumerable,
    get(): NodeJS.WriteStream {
      const stream = nodeMakes.get?.call(process) as NodeJS.WriteStream;
      Object.defineProperty(process, name, { configurable: true, enumerable, get: () => stream });
      return keep(stream);
    },
  });
}

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
  if (stream === made.stdout) {
    const words = WRITE_ERRORS[code];
    process.stderr.write(`sockshell: cannot write to standard output: ${code}${words ? ` (${words})` : ''}\n`);
  }
  process.exit(1);
}

/**
 * Node's stream for a standard output that is a file or a device (SyncWriteStream) takes a short
 * write(2) for a whole one: past a file size limit, or on a disk that fills partway, the rest of the
 * chunk was lost and the program ended 0. Here the rest is written, or the error that stops it is the
 * stream's error (told by writeFailed).
 */
function wholeWrites(stream: NodeJS.WriteStream, fd: number): void {
  if (stream.constructor.name !== 'SyncWriteStream') return;
  stream._write = (chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void => {
    try {
      for (let at = 0; at < chunk.length;) {
        const n = writeSync(fd, chunk, at);
        if (n <= 0) throw Object.assign(new Error('write wrote nothing'), { code: 'EIO' });
        at += n;
      }
    } catch (e) {
      done(e as Error);
      return;
    }
    done();
  };
}

guardStandardStreams();

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
