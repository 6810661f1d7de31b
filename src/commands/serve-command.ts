import { address as addressValue, addressRepr, clientRepr, NONE, type Value } from '../lang/values.js';
import type { SocketHandle } from '../engine/index.js';
import { overrides } from './session-commands.js';
import { comment } from '../spec/python.js';
import { foregroundLimit } from './foreground-limit.js';
import { defineCommand, type CallContext, type CommandDef } from '../spec/command.js';

/**
 * `serve PORT FILE [NAME=VALUE ...]`: a concurrent TCP server in one line, as `ncat -l -k -e` and
 * socat's `TCP-LISTEN:PORT,fork` are. It listens on every interface and accepts for ever; each
 * connection runs FILE in a job of its own, with the connection as `conn` and the client's address as
 * `addr` (and NAME=VALUE as `run` takes them), so clients are served at once. The connection closes
 * when its job ends, as ncat closes it when the program it ran exits. Ctrl-C, or `kill` of the job
 * `serve … &` is, stops the server and every job it started.
 *
 * A command of its own, not a flag on tcp.listen: tcp.listen is one Python call and returns at once
 * with the welcoming socket; serving is a loop of accept and run that lasts until stopped, which
 * Python writes as a loop with a thread per connection.
 *
 * Its jobs are quiet: a handler's start and end would be two lines per client at the prompt (the
 * flood issue 14 names), so `jobs` lists them while they serve (serve's own row counts those done),
 * a failed one is said in one line, and serve says how many it served when it stops. A connection is
 * lent to its handler's job, so what happens on it is that job's, even with serve in the foreground.
 */
export const serveCommand: CommandDef = defineCommand({
  name: 'serve',
  group: 'session',
  usage: 'serve PORT FILE [NAME=VALUE ...]',
  forms: [
    [
      { name: 'PORT', kind: 'port' },
      { name: 'FILE', kind: 'file' },
      { name: 'NAME=VALUE', kind: 'value', rest: true },
    ],
  ],
  summary:
    'A concurrent TCP server: accept each connection and run FILE for it in a job of its own, with conn and addr (ncat -k, socat fork)',
  python: { code: 'while True: conn, addr = s.accept(); threading.Thread(target=handle, args=(conn, addr)).start()' },
  example: 'serve 12000 handler.sock &',
  toPython: (py) =>
    comment(
      `serve ${py.arg(0)} ${py.arg(1).replace(/'/g, '')}: Python accepts in a loop and starts a threading.Thread per connection running the handler (export the handler too: sockshell export FILE)`,
    ),
  async run(ctx) {
    const { PORT: port, FILE: file } = ctx.a;
    const extra = overrides(ctx.args.slice(2), ctx.scope);
    const { engine, jobs } = ctx.session;
    // The handler is read and checked before the port is taken: one that could never run (a missing
    // file, a variable nothing sets) is refused once, not failed once per client. Each client's job
    // reads it again, so an edit reaches the next client.
    await ctx.session.loadFile(file, ['conn', 'addr', ...extra.keys()]);
    // A job's sockets carry its number, so what happens on them stays in the job (session.attribute).
    const owner = ctx.job === undefined ? ctx.scope.owner : `%${ctx.job} serve:${file}`;
    const listener = engine.create('tcp', 4, { name: 'server', owner });
    let local;
    try {
      local = await engine.bind(listener, '', port);
      await engine.listen(listener, 128);
    } catch (e) {
      engine.close(listener);
      throw e;
    }
    ctx.info(
      `serving ${addressRepr(local)}: each connection runs ${file} in a job of its own, with conn and addr; ${ctx.job === undefined ? 'Ctrl-C' : `kill %${ctx.job}`} stops it and them`,
    );
    const handlers = new Set<number>();
    let served = 0;
    let failed = 0;
    const counts = () => `served ${served} connection${served === 1 ? '' : 's'}${failed > 0 ? `, ${failed} failed` : ''}`;
    if (ctx.job !== undefined) ctx.session.jobs.setStatus(ctx.job, () => `${counts()}, ${handlers.size} being served now`);
    const limit = foregroundLimit(ctx, 'serve');
    try {
      for (;;) {
        const { socket, address } = await engine.accept(listener, { signal: limit.signal, owner, name: 'conn' });
        served += 1;
        const vars = new Map<string, Value>(extra);
        vars.set('conn', { kind: 'socket', handle: socket, transport: 'tcp' });
        vars.set('addr', address === null ? NONE : addressValue(address)); // None: not known (clientRepr)
        let release = (): void => undefined;
        const id = jobs.start(
          `${file} for ${clientRepr(address)} (serve${ctx.job === undefined ? '' : ` %${ctx.job}`})`,
          (signal, job) => ctx.session.runFile(file, vars, { signal, job, depth: ctx.scope.depth + 1 }),
          (job, end) => {
            handlers.delete(job);
            engine.close(socket); // the connection ends with its job (closing a closed socket does nothing)
            release();
            if (end.state !== 'failed') return;
            failed += 1;
            const text = `${file} for ${clientRepr(address)} (job %${job}) failed: ${errorText(end.error)}`;
            ctx.warn(text);
            // Kept among serve's notes too, which jobs %N shows: a warning scrolls away (trial 7: "no notes").
            if (ctx.job !== undefined) ctx.session.jobs.note(ctx.job, text);
          },
          { forget: true }, // serve counts them; jobs lists only those serving a client now
        );
        handlers.add(id);
        // The connection is its handler's, in the foreground too: data waiting on it is the handler's
        // business, not a line at the prompt for each client (20 clients made 20 lines at once).
        release = ctx.session.lend(socket, id);
      }
    } catch (e) {
      throw limit.reached() ?? e;
    } finally {
      limit.done();
      await stopAll(ctx, handlers, listener);
      ctx.info(`stopped serving ${addressRepr(local)}: ${counts()}`);
    }
    return NONE;
  },
});

/** Kills the jobs still serving a connection, then closes the welcoming socket. */
async function stopAll(ctx: CallContext, handlers: ReadonlySet<number>, listener: SocketHandle): Promise<void> {
  await Promise.all([...handlers].map((id) => ctx.session.jobs.kill(id)));
  ctx.session.engine.close(listener);
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
