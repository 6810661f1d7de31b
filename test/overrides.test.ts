import { describe, expect, it } from 'vitest';
import { parseOverride, parseOverrides } from '../src/lang/overrides.js';
import { repr } from '../src/lang/values.js';

/** NAME=VALUE on the command line takes a script's literal syntax (issue 13). */
describe('NAME=VALUE', () => {
  const cases: [string, string][] = [
    ['serverPort=12001', '12001'],
    ['name=localhost', "'localhost'"],
    ['msg=hello world', "'hello world'"],
    ['msg=x"00ff"', "b'\\x00\\xff'"],
    ["msg=b'\\x00A'", "b'\\x00A'"],
    ['msg="a\\r\\n"', "'a\\r\\n'"],
    ['msg="\\xff"', "b'\\xff'"],
    ["msg='12'", "'12'"],
    ["msg=it's", '"it\'s"'],
    ['path=C:\\dir', "'C:\\\\dir'"],
    ['none=', "''"],
  ];
  it.each(cases)('%s', (word, value) => {
    const parsed = parseOverride(word);
    expect(Array.isArray(parsed) ? repr(parsed[1]) : parsed).toBe(value);
  });

  it('says what is wrong with a VALUE that is not one literal', () => {
    expect(parseOverrides(['msg=x"41'])).toBe('msg=x"41: unterminated bytes: add a closing " (at character 1)');
    expect(parseOverrides(['msg=$x'])).toBe('msg=$x: a value on the command line is written out: it cannot use $name or (command)');
    expect(parseOverrides(['msg="a" "b"'])).toBe('msg="a" "b": write one value; quote text with spaces, as in msg="hello world"');
    expect(parseOverrides(['12=x'])).toBe("expected NAME=VALUE, as in serverPort=12001; got '12=x'");
  });
});
