import type { Span } from './span.js';

/**
 * Everything a session says, as data. Adapters decide where each kind goes: the REPL shows values
 * and info at a terminal; scripts and piped sessions write only print and display output to stdout.
 * `job` is set when a background job said it.
 */
export type Output =
  /** print: its line, newline included, as bytes (decoded text for bytes values). */
  | { readonly kind: 'print'; readonly data: Buffer; readonly job?: number }
  /** Output of the display commands (sockets, help, jobs): always shown. */
  | { readonly kind: 'display'; readonly text: string }
  /** The repr of a result nobody assigned, as Python's REPL shows it. Interactive only. */
  | { readonly kind: 'value'; readonly text: string }
  /** What the shell did underneath: the calls a shortcut made, the address bound. Interactive or verbose. */
  | { readonly kind: 'info'; readonly text: string; readonly job?: number }
  /** Something the user should know even in a script: a truncated datagram, dropped datagrams. */
  | { readonly kind: 'warning'; readonly text: string; readonly job?: number }
  /**
   * Something happened between commands: data waiting on a socket, a job finished. Interactive only.
   * `tag` names what it is about (a socket, or a job number); the REPL shows it as [tag]. `serial`:
   * the socket's, when it is about one (a notice held back during a command is dropped if it closed).
   * `queued`: for a notice of bytes waiting (or of a FIN after them), the bytes the socket held queued
   * when it was made; held back during a command, it is dropped once fewer are queued (a recv or
   * recvfile of the command took them and told them, and "recv will return them" is no longer true).
   */
  | { readonly kind: 'notice'; readonly tag: string; readonly text: string; readonly serial?: number; readonly queued?: number }
  /**
   * The progress line of a long transfer (sendfile, recvfile), redrawn in place; null takes it away.
   * Only a terminal shows it: never a pipe, a log or a transcript.
   */
  | { readonly kind: 'progress'; readonly text: string | null }
  /** Lines of the traffic log on the screen (`log on` without a file): terminal-safe already. */
  | { readonly kind: 'traffic'; readonly text: string }
  /** A failed statement. `file` is the script or '<stdin>'. */
  | { readonly kind: 'error'; readonly message: string; readonly span: Span | null; readonly file: string; readonly job?: number };

export type OutputSink = (output: Output) => void;
