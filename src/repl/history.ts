import { readFileSync, writeFileSync } from 'node:fs';
import type { REPLServer } from 'node:repl';

/**
 * Persistent history, kept by us: node's setupHistory rewrites the file in place without
 * truncating it, which corrupts the last line once old entries drop off.
 */
const KEEP = 1000;

export function loadHistory(server: REPLServer, file: string): void {
  let lines: string[] = [];
  try {
    lines = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
  } catch {
    // no history yet
  }
  const history = (server as unknown as { history: string[] }).history;
  history.splice(0, history.length, ...lines.slice(-KEEP).reverse());
}

/** Writes the whole history (oldest first), truncating the file. Failures are ignored: history is a convenience. */
export function saveHistory(server: REPLServer, file: string): void {
  const history = (server as unknown as { history: string[] }).history;
  try {
    writeFileSync(file, history.slice(0, KEEP).reverse().join('\n') + '\n', { mode: 0o600 });
  } catch {
    // read-only home, full disk: keep working without history
  }
}
