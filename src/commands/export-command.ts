import { writeFile } from 'node:fs/promises';
import { NONE } from '../lang/values.js';
import { comment } from '../spec/python.js';
import { toPython } from '../export/python.js';
import { namePorts } from '../export/os-ports.js';
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
  forms: [[], [{ name: 'FILE', kind: 'file' }]],
  flags: { force: 'replace FILE if it exists (without it, an existing file is kept and export fails)' },
  summary: 'Write this session as a Python program (the socket module, textbook style); shows it without FILE',
  python: { none: 'it writes the Python; for a script, run sockshell export FILE.sock' },
  example: 'export udp.py',
  toPython: (py) => comment(`export${py.count ? ` ${py.arg(0).replace(/'/g, '')}` : ''}: the shell wrote this program here`),
  async run(ctx) {
    const ran = ctx.session.ran;
    if (ran.empty)
      throw new ShellError(
        'nothing to export yet: export writes the commands this session ran; for a script, run sockshell export FILE.sock',
        ctx.span,
      );
    // A port the OS chose, typed back as a number, is written as the variable that held it, as save does.
    const { program, original } = namePorts(ran.program(), {
      table: ctx.session.table,
      variable: (name) => (ctx.scope.names().includes(name) ? ctx.scope.get(name, ctx.span) : undefined),
      ephemeral: ephemeralRange(),
    });
    // A REPL showed the results nobody assigned; a piped session did not, so its Python does not either.
    const python = toPython(program, ctx.session.table, {
      echo: ctx.session.interactive,
      overrides: new Map(),
      made: (stmt) => ran.socket(original.get(stmt) ?? stmt),
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
