import { chmodSync, closeSync, fchmodSync, openSync, readFileSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { REPLServer } from 'node:repl';

/**
 * Persistent history, kept by us: node's setupHistory rewrites the file in place without
 * truncating it, which corrupts the last line once old entries drop off.
 *
 * Bounds and privacy: at most KEEP entries of at most MAX_ENTRY characters each (a 10 MB pasted line
 * used to be kept, and the whole file rewritten on every Enter), the file is readable by its owner
 * only (0600, also one that exists with wider permissions), and answers typed to `input` are never
 * kept (see `unrecorded`): one may be a password.
 */
const KEEP = 1000;
export const MAX_ENTRY = 4096;

/** The history a readline interface keeps, newest first, and how many entries it keeps. */
interface HistoryHolder {
  history: string[];
  historySize: number;
}
const holder = (server: REPLServer): HistoryHolder => server as unknown as HistoryHolder;

export function loadHistory(server: REPLServer, file: string): void {
  let lines: string[] = [];
  try {
    chmodSync(file, 0o600);
    lines = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '' && l.length <= MAX_ENTRY);
  } catch {
    // no history yet, or not ours to change
  }
  const { history } = holder(server);
  history.splice(0, history.length, ...lines.slice(-KEEP).reverse());
  holder(server).historySize = KEEP;
  // readline announces each entry it has just added: one too long to keep goes at once.
  server.on('history', (entries: string[]) => {
    if ((entries[0]?.length ?? 0) > MAX_ENTRY) entries.shift();
  });
}

/** Writes the whole history (oldest first), truncating the file. Failures are ignored: history is a convenience. */
export function saveHistory(server: REPLServer, file: string): void {
  const text = holder(server).history.slice(0, KEEP).reverse().join('\n') + '\n';
  try {
    const fd = openSync(file, 'w', 0o600);
    try {
      fchmodSync(fd, 0o600); // the mode given to open applies only to a file it creates
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
  } catch {
    // read-only home, full disk: keep working without history
  }
}

/**
 * Stops readline from adding lines to the history until the returned function is called: for the
 * answer to `input`, which readline would otherwise keep as if it were a command. Call the returned
 * function in the answer's callback itself, not later: lines pasted after the answer are handled in
 * the same turn, and they are commands to keep.
 */
export function unrecorded(server: REPLServer): () => void {
  const h = holder(server);
  const size = h.historySize;
  h.historySize = 0; // readline's rule: a history size of 0 keeps nothing
  let restored = false;
  return () => {
    if (!restored) h.historySize = size;
    restored = true;
  };
}

/** $SOCKSHELL_HISTORY (empty: none), else ~/.sockshell_history. */
export function defaultHistoryFile(): string | null {
  const env = process.env.SOCKSHELL_HISTORY;
  if (env !== undefined) return env === '' ? null : env;
  return join(homedir(), '.sockshell_history');
}
