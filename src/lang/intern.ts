/**
 * One string object per distinct variable name. The interpreter looks a variable up in a Map at every
 * use, and two equal names written in different places of a script are different strings to V8: the
 * Map compared them by content (first flattening a sliced one), which cost more than the lookup.
 * Interned by the lexer and parser, they compare by identity. A program has few names; past LIMIT
 * (a fuzzer, a generated script) new ones are returned as they are, which is only slower.
 */
const NAMES = new Map<string, string>();
const LIMIT = 10_000;

export function intern(name: string): string {
  const known = NAMES.get(name);
  if (known !== undefined) return known;
  if (NAMES.size < LIMIT) NAMES.set(name, name);
  return name;
}
