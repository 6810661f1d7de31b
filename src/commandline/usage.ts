import { subcommandHelp, usageLines, type SubcommandName } from '../subcommands.js';

/** `sockshell --help`: every subcommand's usage line, then the options of the shell itself. */
export const USAGE = `${usageLines()}

options:
  -v, --verbose   also write what the shell did underneath (# lines) to stderr
  --raw           scripts and piped sessions: print writes received bytes unescaped even to a
                  terminal (escape sequences act); without it control bytes are shown as \\x1b
  -h, --help      this help
  -V, --version   the version

exit status: 0 success, 1 a runtime error or failed expect, 2 a usage or syntax error, 130 Ctrl-C,
141 standard output closed by its reader (| head), 70 an internal error.
Each command answers --help (sockshell test --help). Inside the shell, type help.`;

/**
 * A usage error: the problem, then the usage on stderr; the status is 2. A subcommand's error shows
 * that subcommand's usage and options (`sockshell test --help`), not every subcommand's line.
 */
export function usage(problem: string, command?: SubcommandName): number {
  process.stderr.write(`sockshell: ${problem}\n${command === undefined ? USAGE : subcommandHelp(command)}\n`);
  return 2;
}
