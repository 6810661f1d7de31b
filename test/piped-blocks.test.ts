import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/commands/check.js';
import { OpenBlocks } from '../src/lang/open-blocks.js';
import { anyLine } from './fuzz/corpus.js';
import { SEED } from './fuzz/settings.js';
import { HANG_MS } from './helpers/wait.js';
import { pipedSession as piped } from './helpers/piped.js';

/**
 * Issue 17 item 12: a piped session compiled the open block again on every line it read, so a block
 * of n lines cost n parses of up to n lines: 5,000 lines took 23 s, 10,000 took 163 s, where `run` on
 * the same file took 0.7 s. Now a block is compiled once, when OpenBlocks says its `end` has come.
 */

/** True when the parser, given `lines` and then one more `end`, calls that `end` one without an open block. */
function closedBy(lines: readonly string[]): boolean {
  const { diagnostics } = compile([...lines, 'end'].join('\n'));
  return diagnostics.some((d) => d.span.line === lines.length + 1 && d.message.includes('without an open block'));
}

describe('piped blocks', () => {
  it(
    'a 20,000-line block runs (compiled once: quadratic re-parsing took minutes, past the hang limit)',
    async () => {
      const body = Array.from({ length: 20_000 }, (_, i) => `  x = ${i}`);
      const r = await piped(['repeat 2', ...body, 'end', 'print $x', ''].join('\n'));
      expect(r).toEqual({ status: 0, out: '19999\n', err: '' });
    },
    HANG_MS,
  );

  it('an error inside a block reports the whole block and runs none of it, nor its lines at top level', async () => {
    const r = await piped('repeat 2\n  print a\n  bogus 1\n  print b\n  nope\nend\nprint after\n');
    expect(r.out).toBe('after\n');
    expect(r.err).toBe(
      "<stdin>:3:3: unknown command 'bogus'; type help for the list\n<stdin>:5:3: unknown command 'nope'; type help for the list\n",
    );
    expect(r.status).toBe(2);
  });

  it('nested blocks, a bad header and a stray end: each chunk runs when its outermost block closes', async () => {
    const r = await piped(
      [
        'i = 0',
        'while $i < 2',
        '  if $i == 1',
        '    print one',
        '  end',
        '  i = 1',
        '  print loop',
        '  if $i == 1',
        '    break',
        '  end',
        'end',
        'end',
        'print last',
        '',
      ].join('\n'),
    );
    expect(r.out).toBe('loop\nlast\n');
    expect(r.err).toBe("<stdin>:12:1: 'end' without an open block (while, repeat or if)\n");
    const bad = await piped('while\n  print inside\nend\nprint after\n');
    expect(bad.out).toBe('after\n');
    expect(bad.err).toContain('<stdin>:1:');
  });

  it('OpenBlocks counts blocks as the parser does, on every prefix of random programs', () => {
    const line = anyLine.filter((l) => !/[\n\r]/.test(l));
    const blockWords = fc.constantFrom(
      'while true',
      'repeat 3',
      'if $x == 1',
      'end',
      'else',
      '  end',
      'end x',
      'while',
      '"while"',
      'whilex',
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(line, blockWords), { minLength: 1, maxLength: 12 }), (lines) => {
        const blocks = new OpenBlocks();
        lines.forEach((l, i) => {
          const open = blocks.feed(l, i + 1);
          expect(open === 0, JSON.stringify(lines.slice(0, i + 1))).toBe(closedBy(lines.slice(0, i + 1)));
        });
      }),
      { seed: SEED, numRuns: 3_000 },
    );
  });
});
