import { createRequire } from 'node:module';
import type CliTable from 'cli-table3';

/** cli-table3 is loaded the first time a table is drawn: it costs ~15 ms of every start-up otherwise. */
let Table: typeof CliTable | null = null;

/**
 * The one place that draws tables. No colour: cli-table3 would write ANSI codes even into pipes
 * and ignores NO_COLOR, and tables must read the same in a terminal, a file and a transcript.
 */
export function renderTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  Table ??= createRequire(import.meta.url)('cli-table3') as typeof CliTable;
  const table = new Table({ head: [...head], style: { head: [], border: [], compact: false } });
  for (const row of rows) table.push([...row]);
  return table.toString();
}
