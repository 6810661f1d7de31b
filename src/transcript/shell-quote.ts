/**
 * A value put into an `sh -c` command line where a placeholder stands, so the shell reads it back as
 * it is, whatever it holds: a submission's folder from an LMS export ("Jane Doe_4711_assignsubmission_file_",
 * "lower, \"cases\"") split into words at its spaces, and python3 was asked to open half a path. The
 * placeholder may stand bare, inside '…' or inside "…" (as the instructor quoted it); each is quoted
 * as its place needs, so quoting the placeholder or not both work.
 */
export function replaceQuoted(command: string, placeholder: string, value: string): string {
  let out = '';
  let state: 'bare' | 'single' | 'double' = 'bare';
  for (let i = 0; i < command.length;) {
    if (command.startsWith(placeholder, i)) {
      out += quoteFor(state, value);
      i += placeholder.length;
      continue;
    }
    const c = command[i]!;
    out += c;
    i++;
    if (state === 'single') {
      if (c === "'") state = 'bare';
    } else if (c === '\\' && i < command.length) {
      // Outside single quotes a backslash keeps the next character as it is.
      out += command[i];
      i++;
    } else if (state === 'double') {
      if (c === '"') state = 'bare';
    } else if (c === "'") state = 'single';
    else if (c === '"') state = 'double';
  }
  return out;
}

/** `value` as sh reads it back at a place in a command: bare, inside single quotes, or inside double quotes. */
function quoteFor(state: 'bare' | 'single' | 'double', value: string): string {
  switch (state) {
    case 'bare':
      return `'${value.replaceAll("'", `'\\''`)}'`;
    case 'single':
      return value.replaceAll("'", `'\\''`);
    case 'double':
      // Inside double quotes only $, `, " and \ are special (and a backslash only before them).
      return value.replace(/[$`"\\]/g, '\\$&');
    default: {
      const exhaustive: never = state;
      return exhaustive;
    }
  }
}
