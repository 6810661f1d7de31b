/**
 * `relay`: a full-duplex relay between a port of this host and a target, for UDP (with loss, delay,
 * jitter, duplicates and reordering, seeded so a run repeats) and TCP (with delay and a rate limit).
 * It runs until stopped: as a job (`relay ... &`, `kill %N`), or in the foreground until Ctrl-C. What
 * it did goes to the session (SessionServices.relayed): the diagram, and the job's notes.
 */
import { Cancelled, ShellError } from '../core/errors.js';
import { NONE, type Value } from '../lang/values.js';
import { freshSeed, startRelay, type RelaySpec } from '../relay/index.js';
import { impairText, relaySummary } from '../render/relay-text.js';
import { defineCommand, type ArgSpec, type ArgsOf, type CallContext, type Given, type KindValue } from '../spec/command.js';
import { comment } from '../spec/python.js';
import { foregroundLimit } from './foreground-limit.js';
import { addressRepr } from '../lang/values.js';

const MODE = { name: 'udp|tcp', kind: 'choice', choices: ['udp', 'tcp'], what: 'udp or tcp' } as const satisfies ArgSpec;
const LISTEN_HOST = { name: 'LISTENHOST', kind: 'host' } as const satisfies ArgSpec;
const LISTEN_PORT = { name: 'LISTENPORT', kind: 'port' } as const satisfies ArgSpec;
const HOST = { name: 'HOST', kind: 'host' } as const satisfies ArgSpec;
const PORT = { name: 'PORT', kind: 'port', what: 'the port of the target, 1 to 65535' } as const satisfies ArgSpec;

/** The options that take a value, and which relay each is for. */
const VALUED = {
  loss: { name: 'LOSS_PCT', kind: 'percent' },
  delay: { name: 'DELAY_MS', kind: 'millis' },
  jitter: { name: 'JITTER_MS', kind: 'millis' },
  duplicate: { name: 'DUPLICATE_PCT', kind: 'percent' },
  reorder: { name: 'REORDER_PCT', kind: 'percent' },
  seed: { name: 'SEED', kind: 'count', what: 'a seed' },
  rate: { name: 'BYTES_PER_S', kind: 'count', what: 'bytes per second', min: 1 },
} as const satisfies Readonly<Record<string, ArgSpec>>;
type Option = keyof typeof VALUED;
const FOR: { readonly [O in Option]: 'udp' | 'tcp' | 'both' } = {
  loss: 'udp',
  delay: 'both',
  jitter: 'udp',
  duplicate: 'udp',
  reorder: 'udp',
  seed: 'udp',
  rate: 'tcp',
};

const FORMS = [
  [MODE, LISTEN_PORT, HOST, PORT],
  [MODE, LISTEN_HOST, LISTEN_PORT, HOST, PORT],
] as const;

export const relayCommand = defineCommand({
  name: 'relay',
  group: 'session',
  // The options (flags below) are spelled out by `help relay`: all of them would not fit a line of help.
  usage: 'relay udp|tcp [LISTENHOST] LISTENPORT HOST PORT [OPTIONS]',
  forms: FORMS,
  valued: VALUED,
  flags: {
    loss: 'UDP: lose that percent (0 to 100) of the datagrams, each way',
    delay: 'hold every datagram (UDP) or byte (TCP) back that many milliseconds',
    jitter: 'UDP: add to each delay a random ± up to that many milliseconds (which can reorder datagrams)',
    duplicate: 'UDP: send that percent of the datagrams twice',
    reorder: 'UDP: hold that percent of the datagrams back to go after the next one',
    seed: 'UDP: the seed of the random choices (default: a fresh one, shown); the same seed and datagrams lose the same ones',
    rate: 'TCP: at most that many bytes per second each way',
  },
  summary:
    'Relay UDP or TCP from LISTENPORT on this host to HOST PORT, both ways, as a bad network would (loss, delay, duplicates, reordering; TCP: delay, rate); run it as a job with &',
  python: { none: 'Python has no relay; it is a small program of its own (socat, or a selectors loop), or tc netem with root' },
  example: 'relay udp 12001 localhost 12000 --loss 30 --seed 7 &',
  toPython: () => comment('relay: the shell ran a relay here; point the program at its port, or at the server itself'),
  refine,
  run: (ctx) => relay(ctx, relaySpec(ctx)),
});

/** What the handler reads: the words by the form's names, the options by theirs (absent when not given). */
type RelayArgs = ArgsOf<typeof FORMS> & { readonly [S in (typeof VALUED)[Option] as S['name']]?: KindValue[S['kind']] };

async function relay(ctx: CallContext, spec: RelaySpec): Promise<Value> {
  const job = ctx.job;
  const engine = ctx.session.engine;
  const started = await startRelay(
    spec,
    (e) => ctx.session.relayed(e, job),
    (transport, address) => engine.holderOf(transport, address),
  );
  // A bind of this shell refused at the relay's port names the relay, not "another program".
  const forget = ctx.session.engine.holdAddress(
    started.transport,
    started.local,
    job === undefined ? 'a relay' : `the relay job %${job}`,
    job === undefined ? 'Ctrl-C' : `kill %${job}`,
  );
  if (job !== undefined) ctx.session.jobs.setStatus(job, () => relaySummary(started.transport, started.counts()));
  const settings = impairText(spec);
  const stop = job === undefined ? 'Ctrl-C stops it' : `kill %${job} stops it, jobs %${job} shows what it did`;
  const what = settings ? settings : 'nothing impaired';
  ctx.notice(
    `relaying ${started.transport.toUpperCase()} from ${addressRepr(started.local)} to ${addressRepr(started.target)} (${what}); ${stop}`,
  );
  const limit = foregroundLimit(ctx, 'relay');
  try {
    await untilAborted(limit.signal);
  } finally {
    limit.done();
    forget();
    await started.close();
    ctx.notice(`relay stopped: ${relaySummary(started.transport, started.counts())}`);
  }
  const reached = limit.reached();
  if (reached !== null) throw reached;
  if (job === undefined) throw new Cancelled('relay');
  return NONE;
}

/** Resolves when the signal aborts (Ctrl-C, kill %N): the relay runs until then. */
function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/**
 * What no one kind says: an option for the other transport is refused, and the target needs a real
 * port. Run before the relay starts, and by sockshell check.
 */
function refine({ a, flags, at }: Given<RelayArgs>): void {
  const transport = a['udp|tcp'];
  const wrong = (Object.keys(VALUED) as Option[]).find(
    (o) => flags.has(o) && FOR[o] !== 'both' && transport !== undefined && FOR[o] !== transport,
  );
  if (wrong !== undefined && transport !== undefined) {
    const takes = (Object.keys(FOR) as Option[]).filter((o) => FOR[o] === 'both' || FOR[o] === transport).map((o) => `--${o}`);
    throw new ShellError(`--${wrong} is not for a ${transport.toUpperCase()} relay (it takes ${takes.join(', ')})`, at(VALUED[wrong].name));
  }
  if (a.PORT === 0) throw new ShellError('expected the port of the target, 1 to 65535, got 0', at('PORT'));
}

/** The relay the arguments ask for, once refine has passed them. */
function relaySpec(ctx: CallContext<RelayArgs>): RelaySpec {
  const a = ctx.a;
  const transport = a['udp|tcp'];
  const listen = { host: a.LISTENHOST ?? '127.0.0.1', port: a.LISTENPORT };
  const target = { host: a.HOST, port: a.PORT };
  if (transport === 'tcp') {
    return { transport, listen, target, impair: { delayMs: a.DELAY_MS ?? 0, rate: a.BYTES_PER_S ?? null } };
  }
  const impair = {
    loss: a.LOSS_PCT ?? 0,
    delayMs: a.DELAY_MS ?? 0,
    jitterMs: a.JITTER_MS ?? 0,
    duplicate: a.DUPLICATE_PCT ?? 0,
    reorder: a.REORDER_PCT ?? 0,
  };
  return { transport, listen, target, impair, seed: a.SEED ?? freshSeed() };
}
