import { SOCKET_OPTION_TABLE } from '../engine/index.js';
import { CODE_PARAGRAPHS } from './codes.js';
import { IDEAS } from './ideas.js';

/** Each socket option, from the table setsockopt, help and the README read: what it does and how to set it. */
const OPTIONS = Object.fromEntries(
  Object.entries(SOCKET_OPTION_TABLE).map(([name, o]) => [
    name,
    `${name} is a socket option, at level ${o.level}: ${o.summary}. Set it with setsockopt ${name} VALUE (Python: s.setsockopt(${o.level}, ${name}, value)) and read it with getsockopt ${name}; help setsockopt lists every option.`,
  ]),
);

/**
 * `explain`: a short paragraph for each error code and each idea of the chapter (Kurose & Ross
 * §2.7). The error message itself stays one line; this is the longer answer, asked for.
 */
export const TOPICS: Readonly<Record<string, string>> = { ...CODE_PARAGRAPHS, ...IDEAS, ...OPTIONS };

/** What `explain` offers when it has nothing to say: the codes and ideas, and the options as one hint (they are many). */
export const TOPICS_HINT = `${Object.keys({ ...CODE_PARAGRAPHS, ...IDEAS }).join(', ')}, or a socket option (SO_REUSEADDR; help setsockopt lists them)`;

/** The topic a word names, whatever its case, with its paragraph; null when there is none. */
export function topic(word: string): { readonly key: string; readonly text: string } | null {
  const key = Object.keys(TOPICS).find((k) => k.toLowerCase() === word.toLowerCase());
  return key === undefined ? null : { key, text: TOPICS[key]! };
}
