import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Address } from '../src/engine/types.js';
import type { Value } from '../src/lang/values.js';
import { defineCommand, type ArgsOf, type CallContext } from '../src/spec/command.js';
import { TABLE } from '../src/commands/table.js';
import { compile } from '../src/commands/check.js';

/**
 * Issue 11: a handler reads its arguments typed from its command's forms (`ctx.a.PORT` is a number
 * because the form says kind 'port'), coerced once by the interpreter with the same coercers that
 * `sockshell check` runs over written-out words. tsc checks the types below; the rest run.
 */
const HOST = { name: 'HOST', kind: 'host' } as const;
const PORT = { name: 'PORT', kind: 'port' } as const;

describe('typed arguments from forms', () => {
  it('a name every form has is required; one some forms have is optional; rest is an array; choices are a union', () => {
    type Listen = ArgsOf<readonly [readonly [], readonly [typeof PORT], readonly [typeof HOST, typeof PORT]]>;
    expectTypeOf<Listen['PORT']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<Listen['HOST']>().toEqualTypeOf<string | undefined>();
    type Bind = ArgsOf<readonly [readonly [typeof HOST, typeof PORT]]>;
    expectTypeOf<Bind['HOST']>().toEqualTypeOf<string>();
    expectTypeOf<Bind['PORT']>().toEqualTypeOf<number>();
    expectTypeOf<keyof Bind>().toEqualTypeOf<'HOST' | 'PORT'>();
    type Connect = ArgsOf<readonly [readonly [typeof HOST, typeof PORT], readonly [{ name: 'ADDRESS'; kind: 'address' }]]>;
    expectTypeOf<Connect['ADDRESS']>().toEqualTypeOf<Address | undefined>();
    type Print = ArgsOf<readonly [readonly [{ name: 'VALUE'; kind: 'value'; rest: true }]]>;
    expectTypeOf<Print['VALUE']>().toEqualTypeOf<readonly Value[]>();
    type Shutdown = ArgsOf<readonly [readonly [{ name: 'HOW'; kind: 'how'; choices: readonly ['rd', 'wr', 'rdwr'] }]]>;
    expectTypeOf<Shutdown['HOW']>().toEqualTypeOf<'rd' | 'wr' | 'rdwr'>();
    type Trace = ArgsOf<readonly [readonly [{ name: 'SWITCH'; kind: 'switch'; choices: readonly ['on', 'off'] }]]>;
    expectTypeOf<Trace['SWITCH']>().toEqualTypeOf<boolean>();
  });

  it('defineCommand types ctx.a from the forms and the valued flags', () => {
    const def = defineCommand({
      name: 'probe',
      group: 'session',
      usage: 'probe HOST PORT [--out FILE]',
      forms: [[HOST, PORT]],
      flags: { out: 'a file' },
      valued: { out: { name: 'FILE', kind: 'file' } },
      summary: 'a command made for this test',
      python: { none: 'a test' },
      example: 'probe localhost 1',
      toPython: () => ({ kind: 'lines', lines: [] }),
      run(ctx) {
        expectTypeOf(ctx).toEqualTypeOf<CallContext<ArgsOf<readonly [readonly [typeof HOST, typeof PORT]]> & { readonly FILE?: string }>>();
        // @ts-expect-error: PORT is a number, not a string
        const wrong: string = ctx.a.PORT;
        return { kind: 'int', value: ctx.a.PORT + wrong.length };
      },
    });
    expect(def.name).toBe('probe');
  });

  it('every command in the table has coercible forms: no two arguments of one form share a name', () => {
    for (const def of TABLE.values()) {
      for (const form of def.forms) {
        const names = form.map((a) => a.name);
        expect(new Set(names).size, `${def.name}: ${names.join(' ')}`).toBe(names.length);
        expect(
          form.findIndex((a) => a.rest === true),
          def.name,
        ).toBeLessThanOrEqual(Math.max(0, form.length - 1));
      }
    }
  });

  it('sockshell check runs the interpreter coercers over literal words, overloaded forms included', () => {
    const diagnostics = (line: string) => compile(line).diagnostics.map((d) => `${d.span.col} ${d.message}`);
    expect(diagnostics('tcp.listen localhost 99999')).toEqual(['22 expected a port number from 0 to 65535, got 99999']);
    expect(diagnostics('tcp.listen 12000 5')).toEqual([]);
    expect(diagnostics("tcp.listen '' 12000")).toEqual([]);
    expect(diagnostics('tcp.listen localhost $p')).toEqual([]);
    expect(diagnostics('settimeout none')).toEqual([]);
    expect(diagnostics('sleep none')).toEqual(['7 expected seconds (0 or more), got None']);
    expect(diagnostics('kill 3')).toEqual([]);
  });
});
