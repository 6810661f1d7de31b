import type { Span } from './span.js';

/**
 * A statement failed. `exit` is the status a script ends with: 1 for runtime errors and failed
 * expects, 2 for syntax and usage errors. The message is one line; the span points at the word.
 */
export class ShellError extends Error {
  /** `file` is set when the span points into another file than the one running (a script started by run). */
  constructor(
    message: string,
    readonly span: Span | null,
    readonly exit: 1 | 2 = 1,
    readonly file?: string,
  ) {
    super(message);
    this.name = 'ShellError';
  }
}

/**
 * A socket call the OS (or the engine, as the OS would) refused: the exception Python's call raises
 * (ConnectionResetError, TimeoutError...), kept so that export can write the call as it ran, failing
 * (ExportLog.add's failed).
 */
export class SocketCallError extends ShellError {
  constructor(
    message: string,
    span: Span | null,
    readonly python: string,
  ) {
    super(message, span);
  }
}

/** The user pressed Ctrl-C, or a job was killed. Not a failure of the program. */
export class Cancelled extends Error {
  /**
   * span (in file, when that is not the file running): the call that was waiting, when one was.
   * detail: what that call had done when it was cut short, when that matters ("recvfile had written 5
   * bytes to f when it stopped").
   */
  constructor(
    readonly what: string,
    readonly span: Span | null = null,
    readonly file?: string,
    readonly detail: string | null = null,
  ) {
    super(`${what} cancelled`);
    this.name = 'Cancelled';
  }
}

/** `exit` was called: the runner stops and ends with this status. */
export class ExitRequest extends Error {
  constructor(readonly status: number) {
    super(`exit ${status}`);
    this.name = 'ExitRequest';
  }
}
