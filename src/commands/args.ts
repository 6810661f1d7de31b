/** A call's arguments coerced by the first of its forms they fit (each kind by its coercer, coercers.ts), and the command's rules between them (refine). */

import { ShellError } from '../core/errors.js';
import type { Arg, ArgSpec, Args, CommandDef } from '../spec/command.js';
import type { FlagValue } from '../spec/flags.js';
import type { Span } from '../core/span.js';
import { COERCE } from './coercers.js';

type Coercer = (arg: Arg, spec: ArgSpec) => unknown;

/**
 * Each form's coercers in its order, found once. COERCE[spec.kind] on every argument of every call
 * was a keyed load whose key changes from call to call, which V8 does by its slowest lookup (~250
 * instructions; four a UDP server's round trip, issue 16).
 */
const FORM_COERCERS = new WeakMap<readonly ArgSpec[], readonly Coercer[]>();

function coercersOf(form: readonly ArgSpec[]): readonly Coercer[] {
  let coercers = FORM_COERCERS.get(form);
  if (coercers === undefined) FORM_COERCERS.set(form, (coercers = form.map((spec) => COERCE[spec.kind] as Coercer)));
  return coercers;
}

function coerceForm(form: readonly ArgSpec[], args: readonly (Arg | null)[]): Args {
  const out: Record<string, unknown> = {};
  const coercers = coercersOf(form);
  for (let i = 0; i < form.length; i++) {
    const spec = form[i]!;
    const coerce = coercers[i]!;
    if (spec.rest === true) {
      // A loop, not slice + flatMap: send's rest is on every call's path, and is usually empty.
      const rest: unknown[] = [];
      for (let j = i; j < args.length; j++) if (args[j] !== null) rest.push(coerce(args[j]!, spec));
      out[spec.name] = rest;
      break;
    }
    const arg = args[i];
    if (arg !== undefined && arg !== null) out[spec.name] = coerce(arg, spec);
  }
  return out;
}

/** The forms a call with n positional words can match: by count, a rest argument taking any number past its place. */
export function formsFor(forms: readonly (readonly ArgSpec[])[], n: number): readonly (readonly ArgSpec[])[] {
  return forms.filter((f) => (f.length > 0 && f[f.length - 1]!.rest === true ? n >= f.length - 1 : n === f.length));
}

/**
 * The arguments coerced by the first of the forms they fit. When none fits, the error is the one
 * from the form that took the most words before failing (tcp.listen localhost 99999 is about the
 * port, not about localhost not being a port). A null arg is one not known yet (a variable, at
 * check time): every coercer accepts it.
 */
export function coerceArgs(
  forms: readonly (readonly ArgSpec[])[],
  args: readonly (Arg | null)[],
  flagged: readonly { readonly spec: ArgSpec }[] = [],
  flagArgs: readonly Arg[] = [],
): Args {
  const positional = coercePositional(forms, args);
  if (flagged.length === 0) return positional;
  const out: Record<string, unknown> = { ...positional };
  flagged.forEach(({ spec }, i) => (out[spec.name] = (COERCE[spec.kind] as Coercer)(flagArgs[i]!, spec)));
  return out;
}

function coercePositional(forms: readonly (readonly ArgSpec[])[], args: readonly (Arg | null)[]): Args {
  if (forms.length === 1) return coerceForm(forms[0]!, args);
  let best: { error: unknown; at: number } | null = null;
  for (const form of forms) {
    try {
      return coerceForm(form, args);
    } catch (error) {
      if (!(error instanceof ShellError)) throw error;
      const at = args.findIndex((a) => a !== null && a.span === error.span);
      if (best === null || at > best.at) best = { error, at };
    }
  }
  throw best === null ? new Error('coerceArgs: no forms') : best.error;
}

/**
 * Runs a command's refine (its rules between arguments) over the arguments known so far. A
 * positional name points at its place in the first of the forms that has it (the forms a count of
 * words fits name the same places); a valued flag at the flag and its value; a name not typed at
 * the command's name.
 */
export function refineArgs(
  def: CommandDef,
  given: { a: Args; flags: ReadonlySet<string>; forms: readonly (readonly ArgSpec[])[] },
  positional: readonly { readonly span: Span }[],
  values: readonly FlagValue[],
  name: Span,
): void {
  if (def.refine === undefined) return;
  const at = (arg: string): Span => {
    const flagged = values.find((v) => v.spec.name === arg);
    if (flagged !== undefined) {
      const from = flagged.flag.span;
      const to = flagged.word.span;
      return to.line === from.line ? { line: from.line, col: from.col, width: to.col + to.width - from.col } : from;
    }
    for (const form of given.forms) {
      const i = form.findIndex((s) => s.name === arg);
      if (i >= 0 && positional[i] !== undefined) return positional[i].span;
    }
    return name;
  };
  def.refine({ a: given.a, flags: given.flags, at });
}
