import { writeFile } from 'node:fs/promises';
import { NONE } from '../lang/values.js';
import { comment } from '../spec/python.js';
import { toPython } from '../export/python.js';
import { withPortStandIns } from '../export/port-stand-ins.js';
import { onlyLooks } from '../export/only-looks.js';
import { ephemeralRange } from '../engine/index.js';
import { ShellError } from '../core/errors.js';
import { existsMessage } from './file-exists.js';
import { defineCommand } from '../spec/command.js';

/** `export [FILE]`: the session so far as a runnable Python program in the textbook's style. */
export const exportCommand = defineCommand({
  name: 'export',
  onlyShows: true,
  group: 'session',
  usage: 'export [--force] [FILE]',
  forms: [[], [{ name: 'FILE', kind: 'file', writes: true }]],
  flags: { force: 'replace FILE if it exists (without it, an existing file is kept and export fails)' },
  summary: 'Write this session as a Python program (the socket module, textbook style); shows it without FILE',
  python: { none: 'it writes the Python; for a script, run sockshell export FILE.sock' },
  example: 'export udp.py',
  toPython: (py) => comment(`export${py.count ? ` ${py.arg(0).replace(/'/g, '')}` : ''}: the shell wrote this program here`),
  async run(ctx) {
    const ran = ctx.session.ran;
    // The program a student would write, the same whether typed at the prompt, piped or saved: what the
    // prompt showed on its own (sendto's count, a bare $x) is not printed; `print` is (trial 8, D).
    // What only looked (help, sockets, hexdump…) is left out, as save leaves it out (newuser trial 3, 6).
    // An OS-chosen port typed as a number is written as the variable that held it, as save does.
    const typed = ran.program().filter((s) => !onlyLooks(s, ctx.session.table));
    if (typed.length === 0)
      throw new ShellError(
        `nothing to export yet: export writes the commands this session ran${ran.empty ? '' : ' that did something (help, sockets and the like only looked)'}; for a script, run sockshell export FILE.sock`,
        ctx.span,
      );
    const program = withPortStandIns(typed, {
      table: ctx.session.table,
      variable: (name) => (ctx.scope.names().includes(name) ? ctx.scope.get(name, ctx.span) : undefined),
      ephemeral: ephemeralRange(),
    });
    const originals = new Map(program.map((s, i) => [s, typed[i]!]));
    const python = toPython(program, ctx.session.table, {
      overrides: new Map(),
      // The record knows statements as they were typed: a rewritten one is looked up as its original.
      made: (stmt) => ran.socket(originals.get(stmt) ?? stmt),
      failed: (stmt) => ran.failure(originals.get(stmt) ?? stmt),
    });
    const path = ctx.a.FILE;
    if (path === undefined) {
      ctx.display(python.replace(/\n$/, ''));
      return NONE;
    }
    const { span } = ctx.args[0]!;
    try {
      // 'wx' fails if the file exists, at the moment of creating it: a student's own UDPServer.py is
      // never replaced without --force, as record refuses to replace a transcript.
      await writeFile(path, python, { flag: ctx.flags.has('force') ? 'w' : 'wx' });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'error';
      if (code === 'EEXIST') throw new ShellError(existsMessage('export', path, `export --force ${path}`), span);
      throw new ShellError(`can't write ${path} (${code})`, span);
    }
    ctx.info(`wrote ${python.split('\n').length - 1} lines of Python to ${path}; run it with: python3 ${path}`);
    return NONE;
  },
});
