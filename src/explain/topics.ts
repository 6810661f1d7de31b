import { CODE_PARAGRAPHS } from './codes.js';
import { IDEAS } from './ideas.js';

/**
 * `explain`: a short paragraph for each error code and each idea of the chapter (Kurose & Ross
 * §2.7). The error message itself stays one line; this is the longer answer, asked for.
 */
export const TOPICS: Readonly<Record<string, string>> = { ...CODE_PARAGRAPHS, ...IDEAS };

/** The topic a word names, whatever its case, with its paragraph; null when there is none. */
export function topic(word: string): { readonly key: string; readonly text: string } | null {
  const key = Object.keys(TOPICS).find((k) => k.toLowerCase() === word.toLowerCase());
  return key === undefined ? null : { key, text: TOPICS[key]! };
}
