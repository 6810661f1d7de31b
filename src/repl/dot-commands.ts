import type { REPLServer } from 'node:repl';
import type { Writable } from 'node:stream';

/** node:repl's own dot-commands, which are about JavaScript, and what to do in sockshell instead. */
const DOT_HABITS: readonly (readonly [string, string])[] = [
  ['editor', 'sockshell has no editor mode: type a block line by line (while … end), or write a .sock file and run it'],
  ['load', 'to run a script here, type run FILE.sock'],
  ['save', 'to keep this session, type save FILE.sock (or export FILE.py for Python)'],
  ['clear', 'Ctrl-C clears the line; there is no JavaScript context to clear'],
];

/** What the shell does for the dot-commands it keeps. */
export interface DotActions {
  /** `.break`: forget the block being typed (the REPL's own record of it; node:repl's buffer is cleared here). */
  readonly dropBlock: () => void;
  /** `.help`: run `help`, then draw the prompt again. */
  readonly help: () => void;
}

/**
 * node's .load/.save/.editor/.clear are about JavaScript: typed out of node or Python habit, they get the
 * sockshell way instead of "Invalid REPL keyword". .help shows sockshell's help; .exit and .break stay.
 */
export function defineDotCommands(server: REPLServer, output: Writable, actions: DotActions): void {
  for (const name of ['load', 'save', 'editor', 'clear', 'help']) delete (server.commands as Record<string, unknown>)[name];
  for (const [name, answer] of DOT_HABITS) {
    server.defineCommand(name, {
      help: answer,
      action() {
        output.write(`${answer}\n`);
        server.displayPrompt();
      },
    });
  }
  server.defineCommand('break', {
    help: 'throw away the block being typed (Ctrl-C does too)',
    action() {
      actions.dropBlock();
      server.clearBufferedCommand();
      server.displayPrompt();
    },
  });
  server.defineCommand('help', {
    help: 'the sockshell commands (same as help)',
    action: actions.help,
  });
}
