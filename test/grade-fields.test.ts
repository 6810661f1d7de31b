import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { csvField } from '../src/transcript/gradebook.js';
import { replaceQuoted } from '../src/transcript/shell-quote.js';

/**
 * A submission's folder put into a --with command where {submission} stands: sh itself reads the
 * result back (printf of each word), for folders as LMS exports name them and worse, with the
 * placeholder bare, in single quotes and in double quotes.
 */
const NAMES = ['Jane Doe_4711_assignsubmission_file_', 'lower, "cases"', "o'brien", 'dollar $HOME `id` back\\slash', 'plain'];

function words(command: string): string[] {
  const r = spawnSync('sh', ['-c', `printf '%s\\n' ${command}`], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').slice(0, -1);
}

describe('replaceQuoted', () => {
  it.each(NAMES)('sh reads %j back as one word, bare, in single quotes and in double quotes', (name) => {
    const path = `subs/${name}`;
    expect(words(replaceQuoted('{submission}/UDPServer.py 1', '{submission}', path))).toEqual([`${path}/UDPServer.py`, '1']);
    expect(words(replaceQuoted("'{submission}/UDPServer.py' 1", '{submission}', path))).toEqual([`${path}/UDPServer.py`, '1']);
    expect(words(replaceQuoted('"{submission}/UDPServer.py" 1', '{submission}', path))).toEqual([`${path}/UDPServer.py`, '1']);
  });

  it('follows the quoting before the placeholder: escaped quotes and a closed pair', () => {
    const command = `a\\' "b\\"c" 'd' {submission}`;
    expect(words(replaceQuoted(command, '{submission}', "x y'z"))).toEqual(["a'", 'b"c', 'd', "x y'z"]);
  });
});

describe('csvField', () => {
  it('quotes a field with a comma, a quote, CR or LF (quotes doubled), and leaves others as they are', () => {
    expect(['plain', 'a,b', 'say "hi"', 'two\r\nlines', 'lf\nonly', "it's"].map(csvField)).toEqual([
      'plain',
      '"a,b"',
      '"say ""hi"""',
      '"two\r\nlines"',
      '"lf\nonly"',
      "it's",
    ]);
  });
});
