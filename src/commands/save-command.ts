import { writeFile } from 'node:fs/promises';
import { ephemeralRange } from '../engine/index.js';
import { NONE, type Value } from '../lang/values.js';
import { comment } from '../spec/python.js';
import { toSockScript } from '../export/sock-script.js';
import { ShellError } from '../core/errors.js';
import { defineCommand, type CallContext } from '../spec/command.js';

/** `save [FILE [NAME...]]`: this session as a .sock script that does it again (`sockshell run FILE`). */
export const saveCommand = defineCommand({
  name: 'save',
  group: 'session',
  onlyShows: true,
  usage: 'save [--force] [FILE|- [NAME...]]',
  forms: [
    [],
    [{ name: 'FILE', kind: 'file', writes: true }],
    [
      { name: 'FILE', kind: 'file', writes: true },
      { name: 'NAME', kind: 'socket', rest: true },
    ],
  ],
  flags: { force: 'replace FILE if it exists' },
  summary: 'Write the commands this session ran without error as a .sock script (- or no FILE shows it); NAMEs keep only those sockets',
  python: { none: 'it writes a sockshell script; export writes Python' },
  example: 'save udp-server.sock serverSocket',
  toPython: (py) => comment(`save${py.count ? ` ${py.arg(0).replace(/'/g, '')}` : ''}: the shell wrote a .sock script here`),
  async run(ctx) {
    const ran = ctx.session.ran;
    if (ran.empty) throw new ShellError('nothing to save yet: save writes the commands this session ran without error', ctx.span);
    const [fileArg, ...names] = ctx.args;
    const path = ctx.a.FILE ?? '-';
    const sockets = names.length === 0 ? null : selectedSockets(ctx, names);
    const header = (cutShort: boolean) => [
      `Saved by sockshell's save on ${stamp()} from ${ctx.session.interactive ? 'an interactive' : 'a piped'} session: the commands that ran without error, in order${
        cutShort ? ', and those of an interact an error ended, up to the error (the comment on its last line says which)' : ''
      }.`,
      ...(sockets === null
        ? []
        : [`Only what involves ${names.map((n) => text(n.value)).join(', ')}, the sockets made from them, and the values they need.`]),
      `Run it with: sockshell run ${path !== '-' ? path : 'FILE'}`,
    ];
    // A socket call kept failing is export's alone: in a script it would stop the run (ExportLog.add).
    const saved = toSockScript(
      ran.chunks().filter((c) => c.failed === undefined),
      {
        table: ctx.session.table,
        sockets,
        variable: (name) => (ctx.scope.names().includes(name) ? ctx.scope.get(name, ctx.span) : undefined),
        ephemeral: ephemeralRange(),
        header,
      },
    );
    if (saved.statements === 0)
      throw new ShellError('nothing to save: every command so far only looked (sockets, help, $x…) or failed', ctx.span);
    if (path === '-') {
      ctx.display(saved.text.replace(/\n$/, ''));
      return NONE;
    }
    try {
      await writeFile(path, saved.text, { flag: ctx.flags.has('force') ? 'w' : 'wx' });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'error';
      if (code === 'EEXIST')
        throw new ShellError(`${path} exists; save --force ${path} replaces it, or choose another name`, fileArg!.span);
      throw new ShellError(`can't write ${path} (${code})`, fileArg!.span);
    }
    const commands = `${saved.statements} command${saved.statements === 1 ? '' : 's'}`;
    ctx.info(`wrote ${commands} to ${path}; run it with: sockshell run ${path}`);
    if (saved.marked > 0)
      ctx.warn(
        saved.marked === 1
          ? '1 line types a port the OS chose in this session, which no variable held: it is marked with a comment'
          : `${saved.marked} lines type ports the OS chose in this session, which no variable held: each is marked with a comment`,
      );
    return NONE;
  },
});

/**
 * The engine serials of the sockets NAMEs label: open ones as `sockets` names them, closed ones by the
 * label they had last, as `diagram NAME` draws them. A socket made as NAME whose label moved on (NAME
 * given to a new socket: this one is NAME2 now) is NAME2's, not NAME's.
 */
function selectedSockets(ctx: CallContext, names: CallContext['args']): Set<number> {
  const selected = new Set<number>();
  const madeAs = ctx.session.ran.chunks().flatMap((c) => [...c.made]);
  const labels = labelsNow(ctx);
  for (const arg of names) {
    const name = text(arg.value);
    const before = selected.size;
    const open = arg.value.kind === 'socket' ? arg.value.handle : ctx.session.engine.lookup(name);
    if (open) selected.add(open.serial);
    for (const [serial, as] of madeAs) if ((labels.get(serial) ?? as) === name) selected.add(serial);
    if (selected.size === before) {
      const known = [...new Set(madeAs.map(([serial, as]) => labels.get(serial) ?? as))];
      throw new ShellError(`no socket named '${name}' in this session (it made: ${known.join(', ') || 'none'})`, arg.span);
    }
  }
  return selected;
}

/** Each relabelled or open socket's label now: its last relabel the exchange log holds, then the engine's name for an open one. */
function labelsNow(ctx: CallContext): Map<number, string> {
  const labels = new Map<number, string>();
  for (const e of ctx.session.exchanges.all()) if (e.kind === 'relabel') labels.set(e.socket.serial, e.socket.name);
  for (const s of ctx.session.engine.list()) labels.set(s.serial, s.name);
  return labels;
}

function text(v: Value): string {
  switch (v.kind) {
    case 'str':
      return v.value;
    case 'socket':
      return v.handle.name;
    case 'none':
    case 'bool':
    case 'int':
    case 'float':
    case 'bytes':
    case 'address':
    case 'tuple':
      return '';
    default: {
      const never: never = v;
      return never;
    }
  }
}

/** Local date and time to the minute, as a person reads it in a header. */
function stamp(): string {
  const d = new Date();
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}
