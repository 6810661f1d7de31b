import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ShellError } from '../core/errors.js';
import { parseSeen, type Seen } from './lesson-seen.js';
import { packageRoot } from '../core/package-root.js';
import { compile } from './check.js';
import { rolesOf } from './lesson-roles.js';
import { badPlaceholder, namesRead, parseCondition, VARIANT_FIELDS, type Variant, type VariantField } from './lesson-variants.js';

/**
 * The lessons' text lives in data files (lessons/*.lesson, described in lessons/README.md), not in
 * code, so a teacher can edit a lesson or add one. This module reads them; lesson-command.ts runs them.
 */

/** One terminal (`lesson udp`), or one of two (`lesson udp --server` and `lesson udp --client`). */
export type LessonMode = 'one' | 'server' | 'client';

export interface LessonStep {
  /** The command as the student is asked to type it; for a step checked by what the engine saw, what to do. */
  readonly step: string;
  /** Whose program the step is part of; null: both (a variable each terminal needs). */
  readonly side: 'server' | 'client' | null;
  /** The step only in one terminal (1) or only in two (2); null: in both. */
  readonly terminals: 1 | 2 | null;
  /** The step is done when the engine sees this (a client connecting, a datagram arriving), whatever was typed. */
  readonly seen: Seen | null;
  /** Matches the typed command, spaces collapsed, whole line. */
  readonly expect: RegExp;
  /** The error code the command should fail with, when the step is a failure to see. */
  readonly fails: string | null;
  readonly say: string;
  readonly hint: string;
  readonly then: string;
  /** A step that sends through the lesson's relay: said when the relay loses that datagram (the step stays); null: not such a step (lesson-through.ts). */
  readonly lost: string | null;
  /** Said instead of then when the step's close reset the connection (bytes unread): null, a generic note before then. */
  readonly reset: string | null;
  readonly ask: string | null;
  /** `say if ...:` and `then if ...:` in file order, and `refuse if ...:` (lesson-variants.ts). */
  readonly variants: Readonly<Record<VariantField, readonly Variant[]>>;
}

export interface Lesson {
  readonly name: string;
  readonly title: string;
  readonly intro: string;
  /** The intro in two terminals, for each side (intro-server:, intro-client:); the intro when absent. */
  readonly introOf: Readonly<Record<'server' | 'client', string>>;
  readonly end: string;
  readonly steps: readonly LessonStep[];
}

let lessonsFolder: string | undefined;

/**
 * The folder of the lessons that ship with sockshell: lessons/ beside src/ and dist/ (found from src/,
 * dist/modules/ and the bundle alike). Found on first use: a start-up that teaches nothing reads no package.json.
 */
function lessonsDir(): string {
  return (lessonsFolder ??= join(packageRoot(import.meta.url)?.dir ?? fileURLToPath(new URL('../..', import.meta.url)), 'lessons'));
}

/** The lessons in lessonsDir(), by name (udp for udp.lesson), in name order. */
export function shippedLessons(): string[] {
  try {
    return readdirSync(lessonsDir())
      .filter((f) => f.endsWith('.lesson'))
      .map((f) => basename(f, '.lesson'))
      .sort();
  } catch {
    return [];
  }
}

/** A lesson by name (udp) or by the path of a .lesson file. Throws ShellError when it cannot be read or parsed. */
export function loadLesson(nameOrPath: string): Lesson {
  const isPath = nameOrPath.includes('/') || nameOrPath.endsWith('.lesson');
  const file = isPath ? nameOrPath : join(lessonsDir(), `${nameOrPath}.lesson`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    const known = shippedLessons();
    throw new ShellError(`no lesson '${nameOrPath}'${known.length > 0 ? `; the lessons are: ${known.join(', ')}` : ''}`, null);
  }
  return parseLesson(isPath ? basename(file, '.lesson') : nameOrPath, text, file);
}

const HEAD = ['title', 'intro', 'intro-server', 'intro-client', 'end'] as const;
const STEP = ['step', 'expect', 'fails', 'say', 'hint', 'then', 'lost', 'reset', 'ask', 'side', 'terminals', 'seen', 'refuse'] as const;
type Field = (typeof HEAD)[number] | (typeof STEP)[number];
const FIELDS: ReadonlySet<string> = new Set<Field>([...HEAD, ...STEP]);
const IN_HEAD: ReadonlySet<string> = new Set<Field>(HEAD);
const WITH_IF: ReadonlySet<string> = new Set<string>(VARIANT_FIELDS);

/** A step's fields as read: plain ones by name, variants in file order. */
interface RawStep {
  readonly fields: Partial<Record<Field, string>>;
  readonly variants: { field: VariantField; when: string; text: string; line: number }[];
}

/** The steps of a lesson in a mode: the student's side's steps, and those for this many terminals. */
export function stepsIn(lesson: Lesson, mode: LessonMode): readonly LessonStep[] {
  return lesson.steps.filter((s) => (mode === 'one' ? s.terminals !== 2 : s.terminals !== 1 && (s.side === null || s.side === mode)));
}

/** Parses the text of a .lesson file; errors name the file and line. */
export function parseLesson(name: string, text: string, file: string): Lesson {
  const head: Partial<Record<Field, string>> = {};
  const steps: RawStep[] = [];
  /** Where a continuation line goes: the field last written. */
  let more: ((text: string) => void) | null = null;
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.startsWith('#')) return;
    if (line.startsWith('  ') && more !== null) {
      more(line.trim());
      return;
    }
    const m = /^([a-z-]+)(?: if ([^:]+))?:\s?(.*)$/.exec(line);
    const field = m?.[1];
    if (m === null || field === undefined || !(m[2] === undefined ? FIELDS.has(field) && field !== 'refuse' : WITH_IF.has(field)))
      throw new ShellError(
        `${file}:${i + 1}: expected 'field: text' (${[...FIELDS].filter((f) => f !== 'refuse').join(', ')}; ${[...WITH_IF].join(', ')} also as 'field if CONDITION: text')`,
        null,
      );
    if (field === 'step') steps.push({ fields: {}, variants: [] });
    const into = IN_HEAD.has(field) || steps.length === 0 ? null : steps[steps.length - 1]!;
    if (m[2] !== undefined && into !== null) {
      const variant = { field: field as VariantField, when: m[2], text: m[3]!.trim(), line: i + 1 };
      into.variants.push(variant);
      more = (t) => (variant.text = `${variant.text} ${t}`);
      return;
    }
    const fields = into?.fields ?? head;
    fields[field as Field] = m[3]!.trim();
    more = (t) => (fields[field as Field] = `${fields[field as Field]} ${t}`);
  });
  if (steps.length === 0) throw new ShellError(`${file}: a lesson needs at least one step`, null);
  return {
    name,
    title: head.title ?? name,
    intro: head.intro ?? '',
    introOf: { server: head['intro-server'] ?? head.intro ?? '', client: head['intro-client'] ?? head.intro ?? '' },
    end: head.end ?? '',
    steps: checked(
      file,
      steps.map(({ fields: s, variants }, i) => {
        const step = s.step!;
        const where = `${file}: step ${i + 1}`;
        const expect = s.expect ?? escape(collapse(step));
        let re: RegExp;
        try {
          re = new RegExp(`^(?:${expect})$`);
        } catch {
          throw new ShellError(`${where}: expect is not a regular expression: ${expect}`, null);
        }
        const side = s.side ?? null;
        if (side !== null && side !== 'server' && side !== 'client')
          throw new ShellError(`${where}: side is server or client, not '${side}'`, null);
        const terminals = s.terminals ?? null;
        if (terminals !== null && terminals !== '1' && terminals !== '2')
          throw new ShellError(`${where}: terminals is 1 or 2, not '${terminals}'`, null);
        const seen = s.seen === undefined ? null : parseSeen(s.seen);
        if (typeof seen === 'string') throw new ShellError(`${where}: ${seen}`, null);
        return {
          step,
          side,
          terminals: terminals === null ? null : terminals === '1' ? 1 : 2,
          seen,
          expect: re,
          fails: s.fails ?? null,
          say: s.say ?? '',
          hint: s.hint ?? `Type ${step}`,
          then: s.then ?? '',
          lost: s.lost ?? null,
          reset: s.reset ?? null,
          ask: s.ask ?? null,
          variants: variantsOf(where, variants),
        };
      }),
    ),
  };
}

function variantsOf(where: string, raw: RawStep['variants']): Record<VariantField, Variant[]> {
  const out: Record<VariantField, Variant[]> = { say: [], then: [], refuse: [] };
  for (const v of raw) {
    const when = parseCondition(v.when);
    if (typeof when === 'string') throw new ShellError(`${where} (line ${v.line}): ${when}`, null);
    out[v.field].push({ when, text: v.text });
  }
  return out;
}

/**
 * The steps, once every condition and placeholder names a socket's role or a variable the lesson's
 * steps make: a misspelt name would make a variant that never holds, and the lesson would say the
 * plain text where it is false.
 */
function checked(file: string, steps: LessonStep[]): LessonStep[] {
  const roles = rolesOf(steps);
  const variables = new Set(
    steps.flatMap((s) => compile(s.step).program.flatMap((st) => ('targets' in st ? st.targets.map((t) => t.name) : []))),
  );
  steps.forEach((s, i) => {
    const texts: [Variant['when'] | null, string][] = [
      ...[s.say, s.then, s.hint, s.ask ?? '', s.reset ?? ''].map((t): [null, string] => [null, t]),
      ...VARIANT_FIELDS.flatMap((f) => s.variants[f].map((v): [Variant['when'], string] => [v.when, v.text])),
    ];
    for (const [when, text] of texts) {
      const bad = badPlaceholder(text);
      if (bad !== null)
        throw new ShellError(`${file}: step ${i + 1}: ${bad} is not a placeholder: {NAME}, {ROLE.address} or {ROLE.port}`, null);
      const read = namesRead(when, text);
      const unknown = [...read.roles.filter((r) => !roles.has(r)), ...read.variables.filter((v) => !variables.has(v))];
      if (unknown.length > 0)
        throw new ShellError(
          `${file}: step ${i + 1}: ${unknown[0]} is neither a socket of the lesson (${[...roles].join(', ')}) nor a variable its steps set`,
          null,
        );
    }
  });
  return steps;
}

/** A typed command as steps are matched: trimmed, runs of spaces as one. */
export function collapse(source: string): string {
  return source.trim().replace(/\s+/g, ' ');
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
