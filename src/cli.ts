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
import { exitWhenFlushed, guardStandardStreams } from './commandline/standard-streams.js';

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
