import type { SocketHandle } from '../engine/types.js';
import type { Span } from '../lang/ast.js';
import type { Value } from '../lang/values.js';
import type { Scope } from '../spec/command.js';
import { ShellError } from '../core/errors.js';
import { closest } from '../lang/closest.js';

/**
 * Variables of one running program (the REPL, a script, a job). Names given on the command line
 * (NAME=VALUE) are fixed: the program's own assignments to them are skipped, as in make.
 */
export class VarScope implements Scope {
  current: SocketHandle | null = null;
  private readonly vars: Map<string, Value>;
  private readonly fixed: ReadonlySet<string>;

  constructor(
    readonly owner: string,
    readonly file: string,
    overrides: ReadonlyMap<string, Value> = new Map(),
    readonly depth = 0,
  ) {
    this.vars = new Map(overrides);
    this.fixed = new Set(overrides.keys());
  }

  get(name: string, span: Span): Value {
    const v = this.vars.get(name);
    if (v !== undefined) return v;
    if (name === '_') throw new ShellError(`$_ is not set yet: it holds the last command's result`, span);
    // Short names are all near each other: two edits turn nope into gone.
    const near = closest(
      name,
      [...this.vars.keys()].filter((n) => n !== '_'),
      name.length <= 4 ? 1 : 2,
    );
    if (near !== null) throw new ShellError(`$${name} is not set; did you mean $${near}?`, span);
    throw new ShellError(
      `$${name} is not set: no line has assigned it yet (${name} = VALUE, or ${name} = a call such as s.recv 1024)`,
      span,
    );
  }

  /** The variable's value, or undefined when it is not set. */
  peek(name: string): Value | undefined {
    return this.vars.get(name);
  }

  has(name: string): boolean {
    return this.vars.has(name);
  }

  isFixed(name: string): boolean {
    return this.fixed.size > 0 && this.fixed.has(name);
  }

  set(name: string, value: Value): void {
    if (!this.isFixed(name)) this.vars.set(name, value);
  }

  names(): string[] {
    return [...this.vars.keys()];
  }
}
