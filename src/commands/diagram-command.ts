import { writeFile } from 'node:fs/promises';
import { buildLadder } from '../diagram/ladder.js';
import { ladderMermaid } from '../diagram/mermaid.js';
import { ladderSvg } from '../diagram/svg.js';
import { ladderText } from '../diagram/text.js';
import { comment } from '../export/types.js';
import { NONE } from '../lang/values.js';
import { ShellError } from '../session/errors.js';
import { existsMessage } from './file-exists.js';
import type { CommandDef } from './types.js';

/** `diagram`: the session's socket calls as a ladder diagram, in the terminal, as Mermaid, or as SVG. */
export const diagramCommand: CommandDef = {
  name: 'diagram',
  group: 'session',
  usage: 'diagram [--mermaid] [--svg FILE [--force]]',
  forms: [[], [{ name: 'FILE', kind: 'file' }]],
  flags: {
    mermaid: 'print Mermaid sequence-diagram text',
    svg: 'write an SVG picture to FILE',
    force: 'with --svg: replace FILE if it exists (without it, an existing file is kept)',
  },
  summary: 'Draw this session as a ladder diagram: a lane per socket, arrows for datagrams, handshakes, data and FIN',
  python: { none: 'Python has no picture of its own calls' },
  example: 'diagram',
  toPython: () => comment('diagram: the shell drew the calls so far here'),
  async run(ctx) {
    const ladder = buildLadder(ctx.session.exchanges.all(), ctx.session.exchanges.dropped);
    const file = ctx.args[0];
    if (ctx.flags.has('svg')) {
      const path = file?.value.kind === 'str' ? file.value.value : '';
      if (!path) throw new ShellError('diagram --svg needs a file name, as in: diagram --svg session.svg', ctx.span);
      // 'wx': an existing file is kept unless --force, as export and record keep theirs.
      await writeFile(path, ladderSvg(ladder), { flag: ctx.flags.has('force') ? 'w' : 'wx' }).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'EEXIST') throw new ShellError(existsMessage('diagram', path, `diagram --svg ${path} --force`), file!.span);
        throw new ShellError(`can't write ${path} (${e.code ?? 'error'})`, file!.span);
      });
      ctx.info(`wrote ${path}: ${ladder.lanes.length} lanes, ${ladder.rows.length} rows; open it in a browser`);
      return NONE;
    }
    if (file) throw new ShellError('a file goes with --svg: diagram --svg FILE', file.span);
    if (ctx.flags.has('force')) throw new ShellError('--force goes with --svg FILE: diagram --svg FILE --force', ctx.span);
    if (ctx.flags.has('mermaid')) {
      ctx.display(ladderMermaid(ladder));
      return NONE;
    }
    const text = ladderText(ladder);
    ctx.display(text);
    // A terminal narrower than the drawing folds every row; say how to see it whole.
    const columns = ctx.session.columns();
    const width = Math.max(...text.split('\n').map((l) => l.length));
    if (columns !== undefined && width > columns) {
      ctx.info(
        `the diagram is ${width} columns wide and the terminal ${columns}: widen the terminal, or write it with diagram --svg FILE or diagram --mermaid`,
      );
    }
    return NONE;
  },
};
