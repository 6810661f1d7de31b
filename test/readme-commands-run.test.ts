import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * A new user copies the README's `$ ` lines into a terminal in a fresh clone (new-user trial 7: the
 * tour's `echo hello | python3 UDPClient.py` said "can't open file"). Every Python program such a
 * line runs must be a file of the clone.
 */
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The commands of the README's shell blocks typed after a `$ ` prompt. */
function typedCommands(text: string): string[] {
  const blocks = [...text.matchAll(/^```sh\n([^]*?)^```$/gm)].map((m) => m[1]!);
  return blocks.flatMap((b) => b.split('\n').filter((l) => l.startsWith('$ '))).map((l) => l.slice(2));
}

describe('the README commands a reader types', () => {
  it('finds the prompts it checks (the save-and-run example has some)', () => {
    expect(typedCommands(readme)).toContain('sockshell run udp-server.sock &');
  });

  it('every python3 FILE.py typed at a $ prompt names a file of the clone', () => {
    const programs = typedCommands(readme).flatMap((c) => [...c.matchAll(/python3 (\S+\.py)\b/g)].map((m) => m[1]!));
    expect(programs.length).toBeGreaterThan(0);
    const missing = programs.filter((p) => !existsSync(new URL(`../${p}`, import.meta.url)));
    expect(missing).toEqual([]);
  });
});
