/**
 * What a subcommand's action asks of the process: only cli.ts touches signals and the exit status
 * (test/layering.test.ts), so it hands the actions these hooks.
 */
export interface ProcessHooks {
  /** Ctrl-C outside the REPL: the first aborts the returned controller, the second quits at once. */
  interrupts(): AbortController;
  /** Ctrl-C belongs to the REPL (node:repl handles it), and a closed terminal restores its modes. */
  terminalOwnsSignals(): void;
  /** The programs under test (--with) must not outlive sockshell. */
  guardPrograms(): Promise<void>;
}
