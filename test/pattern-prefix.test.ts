/**
 * blockCanStillMatch: whether output still to come could make what came match (instructor trial 3,
 * finding 2: a `program> stdout` whose first line already differed waited out --timeout).
 */
import { describe, expect, it } from 'vitest';
import { blockCanStillMatch, blockMatches, type Bindings } from '../src/transcript/pattern.js';

const none = (): Bindings => new Map();

describe('whether more lines could still make a block match', () => {
  it('a first line that differs cannot, whatever follows', () => {
    expect(blockCanStillMatch(['Input lowercase sentence:HELLO'], ['Input lowercase sentence:hello'], none())).toBe(false);
    expect(blockCanStillMatch(['a', 'b'], ['a', 'c'], none())).toBe(false);
    expect(blockCanStillMatch(['a'], ['a', 'b'], none())).toBe(false);
  });

  it('what came so far being the start of what is expected can', () => {
    expect(blockCanStillMatch(['a', 'b'], [], none())).toBe(true);
    expect(blockCanStillMatch(['a', 'b'], ['a'], none())).toBe(true);
    expect(blockCanStillMatch(['Reply [...]', 'b'], ['Reply 1'], none())).toBe(true);
    expect(blockCanStillMatch(['x (re)', 'b'], ['x'], none())).toBe(true);
  });

  it('a line `...` takes any lines, before and after', () => {
    expect(blockCanStillMatch(['...', 'end'], ['noise', 'more noise'], none())).toBe(true);
    expect(blockCanStillMatch(['start', '...', 'end'], ['start', 'x', 'y'], none())).toBe(true);
    expect(blockCanStillMatch(['start', '...', 'end'], ['other'], none())).toBe(false);
  });

  it('a [PORTn] already bound must be the same port, and the bindings are left as they were', () => {
    const bound: Bindings = new Map([['PORT1', '40000']]);
    expect(blockCanStillMatch(['from [PORT1]', 'x'], ['from 40001'], bound)).toBe(false);
    expect(blockCanStillMatch(['from [PORT1]', 'x'], ['from 40000'], bound)).toBe(true);
    const fresh = none();
    expect(blockCanStillMatch(['from [PORT2]', 'x'], ['from 41000'], fresh)).toBe(true);
    expect(fresh.size).toBe(0);
  });

  it('agrees with blockMatches: a block that matches could still match', () => {
    const cases: [string[], string[]][] = [
      [
        ['a', '...', 'b'],
        ['a', 'q', 'b'],
      ],
      [['[...]x'], ['yx']],
      [['...'], []],
    ];
    for (const [e, a] of cases) {
      expect(blockMatches(e, a, none())).toBe(true);
      expect(blockCanStillMatch(e, a, none())).toBe(true);
    }
  });
});
