import { afterEach, describe, expect, it } from 'vitest';
import { ReplDriver } from './helpers/repl-driver.js';

/**
 * Issue 17 item 2: every line of a paste runs, in order, after the block it follows. node:repl hands a
 * line to eval while the block before it still runs, and used to glue it onto the block it had just
 * run, then throw both away when the block finished: `print P1` and `print P2` were echoed and dropped.
 */

let repl: ReplDriver | null = null;
afterEach(async () => {
  await repl?.close();
  repl = null;
});

/** Pastes text in one write, as a terminal delivers a paste, and waits until `last` has been printed. */
async function paste(r: ReplDriver, text: string, last: string): Promise<string> {
  const from = r.out.length;
  r.input.write(text);
  await r.until(() => r.out.slice(from).includes(last) && !r.busy(), `${JSON.stringify(last)} to be printed`);
  return r.out.slice(from);
}

/**
 * The lines print wrote, in order: those of the printed words only. Without a terminal nothing is
 * echoed, so output follows the prompts drawn before it on the same line; they are taken off.
 */
function printed(out: string, words: readonly string[]): string[] {
  return out
    .split('\n')
    .map((l) => l.replace(/^(?:sockshell[^\n>]*> |\.\.\. )+/, ''))
    .filter((l) => words.includes(l));
}

describe('REPL paste', () => {
  it('runs the lines pasted after a block, after it', async () => {
    repl = new ReplDriver();
    await repl.type('n = 0');
    const out = await paste(repl, 'repeat 2\nprint B\nend\nprint P1\nprint P2\n', 'P2\n');
    expect(printed(out, ['B', 'P1', 'P2'])).toEqual(['B', 'B', 'P1', 'P2']);
    expect(repl.err).toBe('');
  });

  it('runs a second block pasted behind the first, and the lines around it, in order', async () => {
    repl = new ReplDriver();
    const text = 'repeat 2\nprint A\nend\nprint P1\nrepeat 1\nprint B\nend\nprint P2\nif 1 == 1\nprint C\nend\nprint P3\n';
    const out = await paste(repl, text, 'P3\n');
    expect(printed(out, ['A', 'B', 'C', 'P1', 'P2', 'P3'])).toEqual(['A', 'A', 'P1', 'B', 'P2', 'C', 'P3']);
    expect(repl.err).toBe('');
  });

  it('keeps a block pasted behind a blocking call open until its end arrives', async () => {
    repl = new ReplDriver();
    await repl.type('s = udp.bind 127.0.0.1 0');
    await repl.type('s.settimeout 0.2');
    // recvfrom waits (and times out) while the rest of the paste, a block in two parts, arrives.
    const from = repl.out.length;
    repl.input.write('s.recvfrom 10\nrepeat 2\nprint R\n');
    await repl.until(() => repl!.err.includes('timed out') && !repl!.busy(), 'the recvfrom to time out');
    expect(printed(repl.out.slice(from), ['R'])).toEqual([]);
    const out = await paste(repl, 'end\nprint after\n', 'after\n');
    expect(printed(out, ['R', 'after'])).toEqual(['R', 'R', 'after']);
  });

  it('.break and Ctrl-C still throw away an open block', async () => {
    repl = new ReplDriver();
    await repl.type('repeat 2');
    await repl.type('print X');
    await repl.type('.break');
    expect((await repl.type('print Y')).out).toBe('Y\n');
    await repl.type('repeat 2');
    await repl.type('print X');
    repl.interrupt();
    expect((await repl.type('print Z')).out).toBe('Z\n');
    expect(repl.out).not.toMatch(/^X$/m);
  });
});
