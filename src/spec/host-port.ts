import type { Word } from '../lang/ast.js';
import type { CommandDef } from './command.js';

/**
 * `HOST:PORT` and `[IPv6]:PORT`, typed where a command takes HOST PORT (tcp.connect 127.0.0.1:6379,
 * sendto hi [::1]:9000), read as the two words HOST PORT. Done on the words, before anything reads
 * them, so checking, running, save and export all see HOST PORT. Only a bare word written out is
 * split: text in a variable or in quotes is left as it is.
 */
export function splitHostPort(def: CommandDef, positional: readonly Word[]): Word[] {
  const n = positional.length;
  for (let i = 0; i < n; i++) {
    const w = positional[i]!;
    if (w.kind !== 'literal' || w.quoted) continue;
    const m = /^\[([^\]]+)\]:(\d+)$/.exec(w.text) ?? /^([^:[\]\s]+):(\d+)$/.exec(w.text);
    if (m === null) continue;
    const takes = def.forms.some((f) => f.length === n + 1 && f[i]?.kind === 'host' && f[i + 1]?.kind === 'port');
    if (!takes) continue;
    const [, host, port] = m as unknown as [string, string, string];
    const portAt = w.span.col + w.text.length - port.length;
    const pieces: Word[] = [
      { kind: 'literal', text: host, quoted: true, span: { line: w.span.line, col: w.span.col, width: w.text.length - port.length - 1 } },
      { kind: 'literal', text: port, quoted: false, span: { line: w.span.line, col: portAt, width: port.length } },
    ];
    return [...positional.slice(0, i), ...pieces, ...positional.slice(i + 1)];
  }
  return positional as Word[];
}
