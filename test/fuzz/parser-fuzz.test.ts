import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/commands/check.js';
import { MAX_NESTING } from '../../src/lang/parser.js';
import { diagnosticLine } from '../../src/render/message.js';
import { isTerminalSafe } from '../../src/render/terminal.js';
import { anyLine, CORPUS } from './corpus.js';
import { oneLine, SCALE, SEED } from './settings.js';

/**
 * The parser never crashes and never hangs on any input, and every error it reports is one line
 * with a position inside the source, also as shown (FILE:LINE:COL: message, escaped). `compile` is what `sockshell check`, scripts, piped sessions
 * and the REPL all run first, so this covers every way text enters the shell.
 */

const LINES = 100_000 * SCALE;

/** Compiles source and checks the contract; returns how many lines it held. */
function checkCompile(source: string): number {
  const lines = source.split('\n');
  const result = compile(source);
  let previous = { line: 0, col: 0 };
  for (const d of result.diagnostics) {
    const where = `${JSON.stringify(source)} → ${d.span.line}:${d.span.col} ${d.message}`;
    // Messages quote what was typed; as every front end shows them, they stay one plain line.
    const shown = diagnosticLine('<stdin>', d.span, d.message);
    if (!oneLine(shown) || !isTerminalSafe(shown)) throw new Error(`not one plain line: ${where}`);
    const text = lines[d.span.line - 1];
    if (text === undefined) throw new Error(`line out of range: ${where}`);
    if (!(d.span.col >= 1 && d.span.col <= text.length + 1 && d.span.width >= 1)) throw new Error(`column out of range: ${where}`);
    if (d.span.line < previous.line || (d.span.line === previous.line && d.span.col < previous.col)) throw new Error(`unsorted: ${where}`);
    previous = d.span;
  }
  if (result.diagnostics.length > 0 && result.program.length > 0 && !result.incomplete) {
    // One bad line gives one diagnostic and the rest still parses: recovery, not a cascade.
    expect(result.diagnostics.length).toBeLessThanOrEqual(lines.length + MAX_NESTING + 1);
  }
  return lines.length;
}

describe('parser fuzz', () => {
  it(
    `${LINES} random, token-soup and mutated lines: no exception, no hang, every error one line with a position`,
    () => {
      let lines = 0;
      // Single lines, as the REPL and piped sessions hand them over...
      fc.assert(
        fc.property(anyLine, (line) => {
          lines += checkCompile(line);
        }),
        { seed: SEED, numRuns: Math.ceil(LINES * 0.7) },
      );
      // ...and whole programs, so blocks open and close across lines.
      fc.assert(
        fc.property(fc.array(anyLine, { minLength: 2, maxLength: 6 }), (program) => {
          lines += checkCompile(program.join('\n'));
        }),
        { seed: SEED + 1, numRuns: Math.ceil(LINES * 0.1) },
      );
      expect(lines).toBeGreaterThanOrEqual(LINES);
    },
    120_000 * SCALE,
  );

  it('the corpus it mutates parses cleanly, so mutations start from real lines', () => {
    expect(CORPUS.length).toBeGreaterThan(80);
    const clean = CORPUS.filter((l) => compile(l).diagnostics.length === 0 || compile(l).incomplete);
    expect(clean.length).toBeGreaterThan(CORPUS.length * 0.8);
  });

  it('deep nesting is one error, not a stack overflow (10,000 nested while lines)', () => {
    const deep = 'while true\n'.repeat(10_000) + 'end\n'.repeat(10_000);
    const { diagnostics } = compile(deep);
    expect(diagnostics.map((d) => `${d.span.line}:${d.span.col} ${d.message}`)).toEqual([
      `${MAX_NESTING + 1}:1 blocks nest too deep: at most ${MAX_NESTING} levels of while, repeat and if`,
    ]);
    expect(compile('repeat 1\n'.repeat(MAX_NESTING) + 'print ok\n' + 'end\n'.repeat(MAX_NESTING)).diagnostics).toEqual([]);
  });

  // No clock here (a loaded machine makes any bound flaky; speed lives in `npm run bench`): a lexer or
  // parser that is quadratic in line length needs about 10^12 steps for these and runs into the limit.
  it('a pasted 1 MB line compiles, with its diagnostics in range', () => {
    for (const line of ['x'.repeat(1 << 20), `print ${'a '.repeat(1 << 19)}`, `print "${'$x'.repeat(1 << 18)}"`]) {
      expect(checkCompile(line)).toBe(1);
    }
  }, 60_000);
});
