import { writeFile } from 'node:fs/promises';
import { buildLadder } from '../diagram/ladder.js';
import { ladderMermaid } from '../diagram/mermaid.js';
import { ladderSvg } from '../diagram/svg.js';
import { ladderText } from '../diagram/text.js';
import { comment } from '../spec/python.js';
import { NONE } from '../lang/values.js';
import { ShellError } from '../core/errors.js';
import type { CommandDef } from '../spec/command.js';

/** `diagram`: the session's socket calls as a ladder diagram, in the terminal, as Mermaid, or as SVG. */
export const diagramCommand: CommandDef = {
  name: 'diagram',
  onlyShows: true,
  group: 'session',
  usage: 'diagram [--mermaid] [--svg FILE]',
  forms: [[], [{ name: 'FILE', kind: 'file' }]],
  flags: { mermaid: 'print Mermaid sequence-diagram text', svg: 'write an SVG picture to FILE' },
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
      await writeFile(path, ladderSvg(ladder)).catch((e: NodeJS.ErrnoException) => {
        throw new ShellError(`can't write ${path} (${e.code ?? 'error'})`, file!.span);
      });
      ctx.info(`wrote ${path}: ${ladder.lanes.length} lanes, ${ladder.rows.length} rows; open it in a browser`);
      return NONE;
    }
    if (file) throw new ShellError('a file goes with --svg: diagram --svg FILE', file.span);
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
