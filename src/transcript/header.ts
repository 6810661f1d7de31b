import type { Item, TranscriptError } from './format.js';

/**
 * A transcript's header: `key: value` lines between a `---` first line and the next `---`, as
 * Markdown front matter reads. Everything is optional; a transcript without one is as before.
 *
 *   ---
 *   title: the server upper-cases each datagram
 *   points: 5
 *   port: 12000
 *   commentary: checked
 *   visibility: hidden
 *   ---
 */
export interface Header {
  /** The test's name in results; the file name when absent. */
  readonly title: string | null;
  /** What passing it is worth in results (Gradescope, JSON); 1 when absent. */
  readonly points: number;
  /** The port the transcript was written against: `{port}` in --with stands for it (as --port does). */
  readonly port: number | null;
  /**
   * `checked`: the shell's `#` commentary lines are compared too. By default (`ignored`) they are
   * not, so a later release that words them differently does not fail the transcript.
   */
  readonly commentary: 'checked' | 'ignored';
  /** Gradescope's visibility of this test to the student. */
  readonly visibility: Visibility;
}

export const VISIBILITIES = ['visible', 'hidden', 'after_due_date', 'after_published'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

const DEFAULT: Header = { title: null, points: 1, port: null, commentary: 'ignored', visibility: 'visible' };
const FENCE = '---';

/** The header of a parsed transcript, with a problem for each line it cannot use. */
export function readHeader(items: readonly Item[]): { header: Header; errors: TranscriptError[] } {
  const errors: TranscriptError[] = [];
  if (items[0]?.kind !== 'prose' || items[0].text !== FENCE) return { header: DEFAULT, errors };
  const end = items.findIndex((item, i) => i > 0 && item.kind === 'prose' && item.text === FENCE);
  if (end < 0) return { header: DEFAULT, errors: [{ line: 1, message: "a header opened with '---' must end with a '---' line" }] };
  let header: Header = DEFAULT;
  for (const item of items.slice(1, end)) {
    if (item.kind !== 'prose' || item.text.trim() === '') continue;
    const m = /^([a-z]+):\s*(.*?)\s*$/.exec(item.text);
    const fail = (message: string) => errors.push({ line: item.line, message });
    if (!m) {
      fail(`a header line is 'key: value', got '${item.text}'`);
      continue;
    }
    const [, key, value] = m as unknown as [string, string, string];
    switch (key) {
      case 'title':
        header = { ...header, title: value };
        break;
      case 'points': {
        const n = Number(value);
        if (/^\d+(\.\d+)?$/.test(value) && Number.isFinite(n)) header = { ...header, points: n };
        else fail(`points: needs a number of points (0 or more), got '${value}'`);
        break;
      }
      case 'port': {
        const n = Number(value);
        if (/^\d{1,5}$/.test(value) && n > 0 && n < 65536) header = { ...header, port: n };
        else fail(`port: needs a port number from 1 to 65535, got '${value}'`);
        break;
      }
      case 'commentary':
        if (value === 'checked' || value === 'ignored') header = { ...header, commentary: value };
        else fail(`commentary: is checked or ignored, got '${value}'`);
        break;
      case 'visibility':
        if ((VISIBILITIES as readonly string[]).includes(value)) header = { ...header, visibility: value as Visibility };
        else fail(`visibility: is one of ${VISIBILITIES.join(', ')}, got '${value}'`);
        break;
      default:
        fail(`unknown header key '${key}': title, points, port, commentary or visibility`);
    }
  }
  return { header, errors };
}
