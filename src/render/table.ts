import Table from 'cli-table3';

/**
 * The one place that draws tables. No colour: cli-table3 would write ANSI codes even into pipes
 * and ignores NO_COLOR, and tables must read the same in a terminal, a file and a transcript.
 */
export function renderTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const table = new Table({ head: [...head], style: { head: [], border: [], compact: false } });
  for (const row of rows) table.push([...row]);
  return table.toString();
}
