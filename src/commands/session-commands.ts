import { NONE, type Value } from '../lang/values.js';
import { parseOverride } from '../lang/overrides.js';
import { isName } from '../lang/lexer.js';
import type { Part } from '../lang/ast.js';
import { helpCommand, helpIndex, helpOverview, SYNTAX } from '../render/help.js';
import { socketsTable } from '../render/sockets.js';
import { renderTable } from '../render/table.js';
import { wrapWords } from '../render/wrap.js';
import { ExitRequest, ShellError } from '../core/errors.js';
import { suggest } from './table.js';
import { openSocket } from './socket-arg.js';
import { boundedWait } from './foreground-limit.js';
import { familyOrTopic } from './help-topic.js';
import { comment, lines } from '../spec/python.js';
import { defineCommand, type Arg, type CallContext, type CommandDef } from '../spec/command.js';

/** `jobs %N`: the job, what it has done so far, and its notes, each wrapped to the terminal. */
function jobNotes(ctx: CallContext, id: number): typeof NONE {
  const job = ctx.session.jobs.list().find((j) => j.id === id);
  const kept = ctx.session.jobs.notes(id);
  if (job === undefined || kept === null) throw new ShellError(`no job %${id} (see jobs)`, ctx.args[0]!.span);
  const width = ctx.session.columns();
  const item = (t: string): string[] => wrapWords(t, width === undefined ? undefined : width - 1, '  ', '    ');
  const text = [`%${job.id} ${job.state}: ${job.command}`];
  if (job.status !== null) text.push(...item(job.status));
  if (kept.forgotten > 0) text.push(`  (${kept.forgotten} older notes let go)`);
  text.push(...kept.notes.flatMap(item));
  if (kept.notes.length === 0) text.push('  no notes');
  ctx.display(text.join('\n'));
  return NONE;
}

/** Commands about the session itself: sockets, help, jobs, scripts. None is a Python call. */

/**
 * NAME=VALUE words of `run`, as make reads its command-line variables. NAME=$var passes the variable's
 * value itself, keeping its type: a socket (`run handler.sock conn=$c &` serves c in a job), an
 * address, bytes. Any other word is read as text, as on the command line.
 */
export function overrides(args: readonly Arg[], scope: CallContext['scope']): Map<string, Value> {
  const out = new Map<string, Value>();
  for (const a of args) {
    const passed = passedVariable(a);
    if (passed !== null) {
      out.set(passed.name, scope.get(passed.var.name, passed.var.span));
      continue;
    }
    const parsed = a.value.kind === 'str' ? parseOverride(a.value.value) : null;
    if (parsed === null) throw new ShellError(`expected NAME=VALUE, as in serverPort=12001`, a.span);
    if (typeof parsed === 'string') throw new ShellError(parsed, a.span);
    out.set(...parsed);
  }
  return out;
}

/** NAME=$var, written as one word: the name and the variable (not indexed), else null. */
function passedVariable(a: Arg): { name: string; var: Extract<Part, { kind: 'var' }> } | null {
  const w = a.word;
  if (w.kind !== 'template' || w.parts.length !== 2) return null;
  const [head, tail] = w.parts;
  if (head?.kind !== 'text' || tail?.kind !== 'var' || tail.path !== undefined || !head.text.endsWith('=')) return null;
  const name = head.text.slice(0, -1);
  return isName(name) ? { name, var: tail } : null;
}

function useSocket(ctx: CallContext<{ readonly NAME: Value }>): Value {
  const handle = openSocket(ctx.session.engine, ctx.a.NAME, ctx.args[0]!.span);
  ctx.session.engine.info(handle); // throws EBADF for a closed socket
  ctx.scope.current = handle;
  return NONE;
}

const NOT_PYTHON = { none: 'it is about the shell, not a socket call' };

export const sessionCommands: readonly CommandDef[] = [
  defineCommand({
    name: 'use',
    group: 'session',
    usage: 'use NAME',
    forms: [[{ name: 'NAME', kind: 'socket' }]],
    summary: 'Make NAME the current socket, which bare socket calls act on',
    python: NOT_PYTHON,
    example: 'use serverSocket',
    toPython: (py) => {
      const socket = py.socket(0);
      if (socket === null)
        return comment(`use ${py.arg(0)}: the shell's calls below act on the socket it names, which only the running shell knows`);
      return { kind: 'current', socket, text: `use ${socket}: the calls below act on it` };
    },
    run: useSocket,
  }),
  defineCommand({
    name: 'sockets',
    showsSockets: true,
    onlyShows: true,
    group: 'session',
    usage: 'sockets',
    forms: [[]],
    summary: 'Table of open sockets: addresses, state, queued data (a listener: connections to accept), bytes sent and received',
    python: {
      none: "Python has no socket table; ss -tuanp shows the kernel's, whose Recv-Q leaves out the data the shell has read into its queue, and on a TCP listener counts the connections waiting for accept, as sockets does where the kernel holds them (explain queued)",
    },
    example: 'sockets',
    toPython: () => comment('sockets: the shell listed its open sockets here'),
    run(ctx) {
      const engine = ctx.session.engine;
      const rows = engine.list().map((s) => (s.transport === 'udp' ? { ...s, kernelDropped: engine.kernelDropped(s) } : s));
      ctx.display(socketsTable(rows, ctx.scope.current, (socket) => ctx.session.jobOf(socket), ctx.session.columns()));
      // The shell's own name, not the kernel's (user trial 5: ss showed TIME-WAIT): said when it shows.
      if (rows.some((r) => r.state === 'SHUT_DOWN'))
        ctx.info(
          "SHUT_DOWN: shut down both ways, the socket still open; the kernel's state (ss) is TIME-WAIT where this end's FIN went first, and closed where the peer's did",
        );
      return NONE;
    },
  }),
  defineCommand({
    name: 'help',
    onlyShows: true,
    group: 'session',
    usage: 'help [COMMAND|all]',
    forms: [[], [{ name: 'COMMAND', kind: 'command' }]],
    summary: "The commands in the chapter's order (help all: with a line each), or one with its Python call and an example",
    python: { none: 'Python has help(socket.socket.recvfrom)' },
    example: 'help recvfrom',
    toPython: () => comment('help'),
    run(ctx) {
      const table = ctx.session.table;
      const asked = ctx.a.COMMAND;
      if (asked === undefined) {
        ctx.display(helpOverview([...table.values()], ctx.session.columns()));
        return NONE;
      }
      if (asked === 'all' && !table.has('all')) {
        ctx.display(helpIndex([...table.values()], ctx.session.columns()));
        return NONE;
      }
      const method = asked.slice(asked.indexOf('.') + 1); // help serverSocket.recvfrom
      const name = table.has(asked) || !table.get(method)?.method ? asked : method;
      const def = table.get(name);
      const said = familyOrTopic(name, table, ctx.session.columns());
      if (def) ctx.display(helpCommand(def, ctx.session.columns()));
      else if (SYNTAX[name]) ctx.display(SYNTAX[name]);
      else if (said !== null) ctx.display(said);
      else {
        const near = suggest(name);
        throw new ShellError(`no command '${name}'${near ? `; did you mean '${near}'?` : '; type help for the list'}`, ctx.args[0]!.span);
      }
      return NONE;
    },
  }),
  defineCommand({
    name: 'run',
    group: 'session',
    usage: 'run FILE [NAME=VALUE ...]',
    forms: [
      [
        { name: 'FILE', kind: 'file' },
        { name: 'NAME=VALUE', kind: 'value', rest: true },
      ],
    ],
    summary: 'Run a .sock script here; add & to run it in the background (jobs, kill)',
    python: { none: 'like running python3 FILE.py; its sockets close when it ends' },
    example: 'run scripts/UDPServer.sock serverPort=12001 &',
    toPython: (py) => comment(`run ${py.arg(0).replace(/'/g, '')}: export that script too (sockshell export FILE) and run it on its own`),
    async run(ctx) {
      const [file, ...rest] = ctx.args;
      const path = ctx.a.FILE;
      const vars = overrides(rest, ctx.scope);
      // A socket handed to a job (run handler.sock conn=$c &) is the job's while it runs: what waits on it is for the job to read.
      const job = ctx.job;
      const releases =
        job === undefined ? [] : [...vars.values()].flatMap((v) => (v.kind === 'socket' ? [ctx.session.lend(v.handle, job)] : []));
      try {
        await ctx.session.runFile(path, vars, {
          signal: ctx.block.signal,
          depth: ctx.scope.depth + 1,
          ...(ctx.job !== undefined ? { job: ctx.job } : {}),
        });
      } catch (e) {
        // A script's `exit N` ends that script; here it is the outcome of this command.
        if (e instanceof ExitRequest) throw new ShellError(`${path} exited with status ${e.status}`, file!.span);
        throw e;
      } finally {
        for (const release of releases) release();
      }
      return NONE;
    },
  }),
  defineCommand({
    name: 'trace',
    group: 'session',
    usage: 'trace on|off',
    forms: [[{ name: 'SWITCH', kind: 'switch', choices: ['on', 'off'] }]],
    summary: 'Show the Python each command performs (>>> lines) and, in scripts, what happened beneath',
    python: NOT_PYTHON,
    example: 'trace on',
    toPython: (py) => comment(`trace ${py.arg(0).replace(/'/g, '')}`),
    run(ctx) {
      ctx.session.trace = ctx.a.SWITCH;
      return NONE;
    },
  }),
  defineCommand({
    name: 'jobs',
    onlyShows: true,
    group: 'session',
    usage: 'jobs [%JOB]',
    forms: [[], [{ name: 'JOB', kind: 'job' }]],
    summary: "List background jobs, with what each has done so far; %JOB: that job's notes (what a relay lost, say)",
    python: NOT_PYTHON,
    example: 'jobs',
    toPython: () => comment('jobs: the shell listed its background jobs here'),
    run(ctx) {
      if (ctx.a.JOB !== undefined) return jobNotes(ctx, ctx.a.JOB);
      const jobs = ctx.session.jobs.list();
      if (jobs.length === 0) {
        ctx.display('no jobs');
        return NONE;
      }
      // What a job has done goes under the table, a line each: beside the command it would not fit 80 columns.
      const width = ctx.session.columns();
      const done = jobs.flatMap((j) =>
        j.status === null ? [] : wrapWords(j.status, width === undefined ? undefined : width - 1, `%${j.id}: `, '    '),
      );
      ctx.display(
        [
          renderTable(
            ['job', 'state', 'command'],
            jobs.map((j) => [`%${j.id}`, j.state, j.command]),
          ),
          ...done,
        ].join('\n'),
      );
      return NONE;
    },
  }),
  defineCommand({
    name: 'kill',
    group: 'session',
    usage: 'kill %JOB',
    forms: [[{ name: 'JOB', kind: 'job' }]],
    summary: 'Stop a background job; the sockets it opened close',
    python: NOT_PYTHON,
    example: 'kill %1',
    toPython: (py) => comment(`kill ${py.arg(0).replace(/'/g, '')}: the shell stopped a background job here`),
    async run(ctx) {
      const id = ctx.a.JOB;
      if (!(await ctx.session.jobs.kill(id, ctx.block.signal))) throw new ShellError(`no running job %${id} (see jobs)`, ctx.args[0]!.span);
      return NONE;
    },
  }),
  defineCommand({
    name: 'wait',
    group: 'session',
    usage: 'wait %JOB',
    forms: [[{ name: 'JOB', kind: 'job' }]],
    summary: 'Wait until a background job ends (Ctrl-C stops waiting, not the job)',
    python: NOT_PYTHON,
    example: 'wait %1',
    toPython: (py) => comment(`wait ${py.arg(0).replace(/'/g, '')}: the shell waited for a background job here`),
    async run(ctx) {
      const id = ctx.a.JOB;
      const info = await boundedWait(ctx, 'wait', `the job runs on; jobs %${id} shows it, kill %${id} stops it`, (signal) =>
        ctx.session.jobs.wait(id, signal),
      );
      if (!info) throw new ShellError(`no job %${id} (see jobs)`, ctx.args[0]!.span);
      return NONE;
    },
  }),
  defineCommand({
    name: 'exit',
    group: 'session',
    usage: 'exit [STATUS]',
    forms: [[], [{ name: 'STATUS', kind: 'status' }]],
    summary: 'Close every socket and leave (a script stops with STATUS)',
    python: { code: 'sys.exit(0)' },
    example: 'exit',
    toPython: (py) => {
      py.need('sys');
      return lines(`sys.exit(${py.count ? py.arg(0) : ''})`);
    },
    run(ctx) {
      throw new ExitRequest(ctx.a.STATUS ?? 0);
    },
  }),
];
