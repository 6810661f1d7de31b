/**
 * diagram --mermaid escapes what Mermaid's syntax or HTML would take with its entity codes, in one
 * pass: the '#' and ';' of a code it wrote are never escaped again (the trial showed "a#b" as
 * b'a#35#59;b'). Decoding the codes gives back exactly the datagram's repr.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CoreDriver } from './helpers/core-driver.js';
import { HANG_MS } from './helpers/wait.js';

let shell: CoreDriver | null = null;
afterEach(async () => {
  await shell?.close();
  shell = null;
});

/** What a Mermaid renderer shows for text with entity codes (#35; → '#'). */
const decoded = (t: string): string => t.replace(/#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))).replace(/#quot;/g, '"');

describe('diagram --mermaid', () => {
  it.each([
    ['a#b', "b'a#35;b'"],
    ['x;y #35; end', "b'x#59;y #35;35#59; end'"],
    ['<b>"q"</b>', `b'#60;b#62;#quot;q#quot;#60;/b#62;'`],
  ])('escapes the datagram %s once', async (data, escaped) => {
    shell = new CoreDriver({ maxWaitMs: HANG_MS });
    await shell.ok('s = udp.bind 127.0.0.1 0', 'a = s.getsockname', 'c = udp.socket', `c.sendto '${data}' $a`);
    const mermaid = await shell.ok('diagram --mermaid');
    const arrow = mermaid.split('\n').find((l) => l.includes('->>') && l.includes('sendto'));
    expect(arrow).toBeDefined();
    expect(arrow).toContain(`${data.length} B ${escaped}`);
    expect(decoded(arrow!)).toContain(`b'${data}'`);
  });
});
