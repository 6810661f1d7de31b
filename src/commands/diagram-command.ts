import { writeFile } from 'node:fs/promises';
import { buildLadder } from '../diagram/ladder.js';
import { ladderMermaid } from '../diagram/mermaid.js';
import { selectLanes, type LaneChoice } from '../diagram/select.js';
import { ladderSvg } from '../diagram/svg.js';
import { ladderText } from '../diagram/text.js';
import { comment } from '../spec/python.js';
import { NONE } from '../lang/values.js';
import { ShellError } from '../core/errors.js';
import { existsMessage } from './file-exists.js';
import { defineCommand, type Arg } from '../spec/command.js';

/**
 * A NAME of `diagram NAME...`: a socket value ($k) is that socket; a word is every socket labelled so:
 * the open one that goes by it now (as `sockets` shows it) and the closed ones whose last label it was.
 */
function choice(arg: Arg): LaneChoice {
  const v = arg.value;
  if (v.kind === 'socket') return { kind: 'serial', serial: v.handle.serial };
  if (v.kind === 'str' && v.value !== '') return { kind: 'label', label: v.value };
  throw new ShellError('expected the name of a socket in the diagram', arg.span);
}

/** `diagram`: the session's socket calls as a ladder diagram, in the terminal, as Mermaid, or as SVG. */
export const diagramCommand = defineCommand({
  name: 'diagram',
  onlyShows: true,
  showsSockets: true,
  group: 'session',
  usage: 'diagram [NAME...] [--mermaid] [--svg FILE [--force]]',
  valued: { svg: { name: 'FILE', kind: 'file', writes: true } },
  forms: [[{ name: 'NAME', kind: 'socket', rest: true }]],
  flags: {
    mermaid: 'print Mermaid sequence-diagram text',
    svg: 'write an SVG picture to FILE',
    force: 'with --svg: replace FILE if it exists (without it, an existing file is kept)',
  },
  summary:
    'Draw this session as a ladder diagram: a lane per socket, arrows for what crossed the network (datagrams, handshakes, data as it arrived, FIN, RST); NAME draws only the sockets labelled NAME (an open one as sockets shows it, closed ones by their last label), $var that one socket',
  python: { none: 'Python has no picture of its own calls' },
  example: 'diagram',
  toPython: () => comment('diagram: the shell drew the calls so far here'),
  async run(ctx) {
    const names = ctx.args.map(choice);
    const log = ctx.session.exchanges;
    // Lanes go by the labels `sockets` and the prompt use now.
    const labels = new Map(ctx.session.engine.list().map((s) => [s.serial, s.name] as const));
    let ladder = buildLadder(log.all(), { dropped: log.dropped, names: log.names, relays: log.relays, labels });
    if (names.length > 0) {
      const chosen = selectLanes(ladder, names);
      const missing = chosen.unmatched[0];
      if (missing !== undefined) {
        const shown = ladder.lanes.flatMap((l) => (l.socket ? [l.socket.label] : []));
        const what = missing.kind === 'label' ? `'${missing.label}'` : 'that socket';
        const known = shown.length > 0 ? ` (drawn: ${[...new Set(shown)].join(', ')})` : '';
        throw new ShellError(`no socket ${what} in the diagram${known}`, ctx.args[ctx.args.length - 1]?.span ?? ctx.span);
      }
      ladder = chosen.ladder;
    }
    const path = ctx.a.FILE;
    if (path !== undefined) {
      // 'wx': an existing file is kept unless --force, as export and record keep theirs.
      await writeFile(path, ladderSvg(ladder), { flag: ctx.flags.has('force') ? 'w' : 'wx' }).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'EEXIST') throw new ShellError(existsMessage('diagram', path, `diagram --svg ${path} --force`), ctx.span);
        throw new ShellError(`can't write ${path} (${e.code ?? 'error'})`, ctx.span);
      });
      ctx.info(`wrote ${path}: ${ladder.lanes.length} lanes, ${ladder.rows.length} rows; open it in a browser`);
      return NONE;
    }
    if (ctx.flags.has('force')) throw new ShellError('--force goes with --svg FILE: diagram --svg FILE --force', ctx.span);
    if (ctx.flags.has('mermaid')) {
      ctx.display(ladderMermaid(ladder));
      return NONE;
    }
    // At a terminal the lanes narrow to its width, cutting long labels; a pipe or a file gets them whole.
    const columns = ctx.session.columns();
    const text = ladderText(ladder, columns);
    ctx.display(text);
    const width = Math.max(...text.split('\n').map((l) => l.length));
    if (columns !== undefined && width > columns) {
      ctx.info(
        `the diagram is ${width} columns wide and the terminal ${columns}: widen the terminal, draw fewer sockets with diagram NAME..., or write it with diagram --svg FILE or diagram --mermaid`,
      );
    }
    return NONE;
  },
});
