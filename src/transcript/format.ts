import { programLineProblem, programNumber } from './program-lines.js';

/**
 * The transcript format (.sockt): a REPL session as text. Lines indented by two spaces are the
 * session: `sockshell NAME> COMMAND` (or `sockshell> COMMAND`) is typed input, `... LINE` continues
 * an open block, anything else is expected output. Every other line is prose and is kept as it is.
 *
 * Expected output may hold: [PORTn] (a port the OS picked; the same n is the same port), [...]
 * (any text within a line), a line that is just `...` (any number of lines), and a line ending in
 * ` (re)` (the rest is a regular expression for the whole line). `program> ACTION` lines act on the
 * program under test (program-lines.ts). A header between `---` lines at the top sets options
 * (header.ts).
 */

export const EXTENSION = '.sockt';
export const INDENT = '  ';
const PROMPT = /^(sockshell(?: [A-Za-z_][A-Za-z0-9_]*)?> |program(?: [1-9]\d?)?> )(.*)$/;
const CONTINUATION = /^\.\.\. (.*)$/;

export type Item =
  | { readonly kind: 'prose'; readonly text: string; readonly line: number }
  | { readonly kind: 'input'; readonly prompt: string; readonly text: string; readonly line: number }
  | { readonly kind: 'more'; readonly text: string; readonly line: number }
  | { readonly kind: 'output'; readonly text: string; readonly line: number };

/** One command and what it should show. */
export interface Block {
  readonly index: number;
  /** A `program> ` line: an action on the program under test, not a command for the shell. */
  readonly program: boolean;
  /** Which program (`program N> `; 1 for `program> `, the first --with); 1 for a shell command. */
  readonly programNumber: number;
  /** The command's lines, joined with newlines, as typed. */
  readonly source: string;
  readonly line: number;
  readonly expected: readonly Extract<Item, { kind: 'output' }>[];
}

export interface Transcript {
  readonly items: readonly Item[];
  readonly blocks: readonly Block[];
}

export interface TranscriptError {
  readonly line: number;
  readonly message: string;
}

export function parseTranscript(text: string): { transcript: Transcript; errors: TranscriptError[] } {
  const items: Item[] = [];
  const errors: TranscriptError[] = [];
  const lines = text.replace(/\n$/, '').split('\n');
  lines.forEach((raw, i) => {
    const line = i + 1;
    const row = raw.replace(/\r$/, '');
    if (!row.startsWith(INDENT)) {
      items.push({ kind: 'prose', text: row, line });
      return;
    }
    const body = row.slice(INDENT.length);
    const prompt = PROMPT.exec(body);
    const more = CONTINUATION.exec(body);
    if (prompt) items.push({ kind: 'input', prompt: prompt[1]!, text: prompt[2]!, line });
    else if (more) items.push({ kind: 'more', text: more[1]!, line });
    else items.push({ kind: 'output', text: body, line });
  });
  const blocks: Block[] = [];
  let current: { source: string[]; line: number; program: number | null; expected: Extract<Item, { kind: 'output' }>[] } | null = null;
  let sawOutput = false;
  const shown = new Set<string>(); // [PORTn] names some output line has shown so far
  const unshown = (item: Item & { text: string }) => {
    for (const m of item.text.matchAll(/\[(PORT\d+)\]/g)) {
      if (!shown.has(m[1]!))
        errors.push({
          line: item.line,
          message: `[${m[1]}] is typed before any output shows it: a typed [PORTn] repeats a port printed above`,
        });
    }
  };
  const finish = () => {
    if (current)
      blocks.push({
        index: blocks.length,
        program: current.program !== null,
        programNumber: current.program ?? 1,
        source: current.source.join('\n'),
        line: current.line,
        expected: current.expected,
      });
  };
  for (const item of items) {
    switch (item.kind) {
      case 'prose':
        break;
      case 'input':
        finish();
        unshown(item);
        current = { source: [item.text], line: item.line, program: programNumber(item.prompt), expected: [] };
        if (current.program !== null) {
          const problem = programLineProblem(item.text);
          if (problem) errors.push({ line: item.line, message: problem });
        }
        sawOutput = false;
        break;
      case 'more':
        if (!current || sawOutput || current.program !== null)
          errors.push({ line: item.line, message: "a '... ' line must follow a command line or another '... ' line" });
        else {
          unshown(item);
          current.source.push(item.text);
        }
        break;
      case 'output':
        if (!current)
          errors.push({ line: item.line, message: "output with no command above it: a command line looks like '  sockshell> COMMAND'" });
        else {
          current.expected.push(item);
          sawOutput = true;
          for (const m of item.text.matchAll(/\[(PORT\d+)\]/g)) shown.add(m[1]!);
          const problem = patternProblem(item.text);
          if (problem) errors.push({ line: item.line, message: problem });
        }
        break;
      default: {
        const exhaustive: never = item;
        return exhaustive;
      }
    }
  }
  finish();
  return { transcript: { items, blocks }, errors };
}

/** A bad regular expression in a ` (re)` line; null when fine. */
function patternProblem(text: string): string | null {
  if (!text.endsWith(' (re)')) return null;
  try {
    new RegExp(text.slice(0, -5));
    return null;
  } catch (e) {
    return `bad regular expression: ${(e as Error).message}`;
  }
}

/** Writes items back as text; the inverse of parseTranscript. */
export function renderItems(items: readonly Item[]): string {
  return (
    items
      .map((item) => {
        switch (item.kind) {
          case 'prose':
            return item.text;
          case 'input':
            return `${INDENT}${item.prompt}${item.text}`;
          case 'more':
            return `${INDENT}... ${item.text}`;
          case 'output':
            return `${INDENT}${item.text}`;
          default: {
            const exhaustive: never = item;
            return exhaustive;
          }
        }
      })
      .join('\n') + '\n'
  );
}
