import { createRequire } from 'node:module';
import type CliTable from 'cli-table3';

/**
 * cli-table3, loaded with this module (about 5 ms of start-up here), not when the first table is
 * drawn: `sockets` is what a user types after EMFILE, and loading a module then needs the descriptor
 * that has run out ("internal error … cli-table3/index.js").
 */
const Table = createRequire(import.meta.url)('cli-table3') as typeof CliTable;

/**
 * The one place that draws tables. No colour: cli-table3 would write ANSI codes even into pipes
 * and ignores NO_COLOR, and tables must read the same in a terminal, a file and a transcript.
 */
export function renderTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const table = new Table({ head: [...head], style: { head: [], border: [], compact: false } });
  for (const row of rows) table.push([...row]);
  return table.toString();
}
