import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { topic } from '../src/explain/topics.js';

/**
 * Every word of TCP/IP jargon the shell prints can be asked about with `explain` (user trial: the
 * EADDRINUSE message and the README say TIME_WAIT, and `explain TIME_WAIT` had nothing to say). The
 * words are collected from the string literals of src/, where every message, diagram label and help
 * line is written, so a message that starts using a new one fails here until it has its paragraph.
 */
const JARGON = /\b(?:TIME_WAIT|SYN\+ACK|SYN|ACK|FIN|RST|ICMP|DNS|NAT|EOF|SO_[A-Z]+|IP_[A-Z_]+|TCP_[A-Z]+)(?![A-Za-z0-9_])/g;
const STRINGS = /'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const printed = new Set<string>();
for (const file of sources(new URL('../src', import.meta.url).pathname)) {
  for (const literal of readFileSync(file, 'utf8').match(STRINGS) ?? []) for (const word of literal.match(JARGON) ?? []) printed.add(word);
}

describe('explain knows the words the shell prints', () => {
  it('finds the words (the collector works)', () => {
    expect([...printed]).toEqual(expect.arrayContaining(['TIME_WAIT', 'FIN', 'RST', 'SYN', 'SO_REUSEADDR']));
  });

  it.each([...printed].sort())('explain %s has a paragraph', (word) => {
    expect(topic(word)?.text ?? `nothing to say about '${word}'`).toMatch(/\w{3,}/);
    expect(topic(word)).not.toBeNull();
  });
});
