import { afterEach, describe, expect, it } from 'vitest';
import { compile } from '../src/commands/check.js';
import { CoreDriver } from './helpers/core-driver.js';

/**
 * relay's options are typed arguments (issue 14, found in the session after relay landed): `sockshell
 * check` let `relay udp ... --loss abc` through, as it ran no coercer over a valued flag's word. Now
 * check and the interpreter run the same coercers and the same rules between arguments (refine), and
 * each error points at its line and column.
 */

const shells: CoreDriver[] = [];
afterEach(async () => {
  for (const s of shells.splice(0)) await s.close();
});

/** `line:col: message` for each diagnostic check gives a one-line script. */
function checked(line: string): string[] {
  return compile(line + '\n').diagnostics.map((d) => `${d.span.line}:${d.span.col}: ${d.message}`);
}

describe('sockshell check on relay', () => {
  it.each([
    ['relay udp 12001 localhost 12000 --loss abc &', "1:40: expected a percentage from 0 to 100, got 'abc'"],
    ['relay udp 12001 localhost 12000 --duplicate 101', '1:45: expected a percentage from 0 to 100, got 101'],
    ['relay udp 12001 localhost 12000 --reorder -1', '1:43: expected a percentage from 0 to 100, got -1'],
    ['relay udp 12001 localhost 12000 --delay -5', '1:41: expected milliseconds from 0 to 600000, got -5'],
    ['relay udp 12001 localhost 12000 --jitter 600001', '1:42: expected milliseconds from 0 to 600000, got 600001'],
    ['relay udp 12001 localhost 12000 --seed x', "1:40: expected a seed of 0 or more, got 'x'"],
    ['relay tcp 12001 localhost 12000 --rate 0', '1:40: expected bytes per second of 1 or more, got 0'],
    ['relay tcp 12001 localhost 12000 --loss 3', '1:33: --loss is not for a TCP relay (it takes --delay, --rate)'],
    [
      'relay udp 12001 localhost 12000 --rate 1000',
      '1:33: --rate is not for a UDP relay (it takes --loss, --delay, --jitter, --duplicate, --reorder, --seed)',
    ],
    ['relay udp 12001 localhost 0', '1:27: expected the port of the target, 1 to 65535, got 0'],
    ['relay udp 127.0.0.1 12001 localhost 0 --loss 5', '1:37: expected the port of the target, 1 to 65535, got 0'],
  ])('%s', (line, error) => {
    expect(checked(line)).toEqual([error]);
  });

  it('passes good options, and leaves to run time what only run time knows ($m, $p)', () => {
    expect(checked('relay udp 12001 localhost 12000 --loss 30 --delay 100 --jitter 20 --duplicate 2.5 --reorder 1 --seed 1 &')).toEqual([]);
    expect(checked('relay tcp 0 127.0.0.1 9 --delay 200 --rate 1000')).toEqual([]);
    expect(compile('m = tcp\np = 0\nrelay $m 12001 localhost $p --loss 5 --rate 0 &\n').diagnostics.map((d) => d.message)).toEqual([
      'expected bytes per second of 1 or more, got 0',
    ]);
  });
});

describe('relay at the prompt', () => {
  it('refuses a bad option before it listens, with a caret under the option', async () => {
    const shell = new CoreDriver();
    shells.push(shell);
    const r = await shell.run('relay udp 0 127.0.0.1 9 --loss abc &');
    const under = 'sockshell> relay udp 0 127.0.0.1 9 --loss '.length;
    expect(r.err).toBe(`${' '.repeat(under)}^^^ expected a percentage from 0 to 100, got 'abc'\n`);
    expect((await shell.run('jobs')).out).not.toContain('relay');
  });

  it('refuses an option given by a variable when it runs: --rate $r for UDP', async () => {
    const shell = new CoreDriver();
    shells.push(shell);
    await shell.run('r = 5');
    const r = await shell.run('relay udp 0 127.0.0.1 9 --rate $r &');
    expect(r.err).toContain('--rate is not for a UDP relay');
    expect((await shell.run('jobs')).out).not.toContain('relay');
  });
});
