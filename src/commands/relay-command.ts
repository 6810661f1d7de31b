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
import type { Arg, ArgSpec, CallContext, CommandDef } from '../spec/command.js';
import { comment } from '../spec/python.js';
import { addressRepr } from '../lang/values.js';
import * as want from './args.js';

/** The options that take a value, in the order their values come first among the arguments (spec/flags.ts). */
const VALUED = ['loss', 'delay', 'jitter', 'duplicate', 'reorder', 'seed', 'rate'] as const;
type Option = (typeof VALUED)[number];
const UDP_ONLY: readonly Option[] = ['loss', 'jitter', 'duplicate', 'reorder', 'seed'];
const TCP_ONLY: readonly Option[] = ['rate'];
/** The longest delay or jitter taken: ten minutes, far past any test and far below a timer's limit. */
const MAX_MS = 600_000;

const MODE: ArgSpec = { name: 'udp|tcp', kind: 'value', choices: ['udp', 'tcp'] };
const LISTEN_HOST: ArgSpec = { name: 'LISTENHOST', kind: 'host' };
const LISTEN_PORT: ArgSpec = { name: 'LISTENPORT', kind: 'port' };
const HOST: ArgSpec = { name: 'HOST', kind: 'host' };
const PORT: ArgSpec = { name: 'PORT', kind: 'port' };
/** An option's value (--loss 30: 30), which comes first among the arguments. */
const VALUE: ArgSpec = { name: 'OPTIONS', kind: 'count' };
const BASE: readonly (readonly ArgSpec[])[] = [
  [MODE, LISTEN_PORT, HOST, PORT],
  [MODE, LISTEN_HOST, LISTEN_PORT, HOST, PORT],
];

export const relayCommand: CommandDef = {
  name: 'relay',
  group: 'session',
  // The options (flags below) are spelled out by `help relay`: all of them would not fit a line of help.
  usage: 'relay udp|tcp [LISTENHOST] LISTENPORT HOST PORT [OPTIONS]',
  // The values of the options come first among the arguments (spec/flags.ts): one form per count of them.
  forms: Array.from({ length: VALUED.length + 1 }, (_, k) => BASE.map((f) => [...Array<ArgSpec>(k).fill(VALUE), ...f])).flat(),
  valued: VALUED,
  flags: {
    loss: 'PCT: UDP: lose PCT percent (0 to 100) of the datagrams, each way',
    delay: 'MS: hold every datagram (UDP) or byte (TCP) back MS milliseconds',
    jitter: 'MS: UDP: add to each delay a random ±MS milliseconds (which can reorder datagrams)',
    duplicate: 'PCT: UDP: send PCT percent of the datagrams twice',
    reorder: 'PCT: UDP: hold PCT percent of the datagrams back to go after the next one',
    seed: 'N: UDP: the seed of the random choices (default: a fresh one, shown); the same seed and datagrams lose the same ones',
    rate: 'BYTES_PER_S: TCP: at most that many bytes per second each way',
  },
  summary:
    'Relay UDP or TCP from LISTENPORT on this host to HOST PORT, both ways, as a bad network would (loss, delay, duplicates, reordering; TCP: delay, rate); run it as a job with &',
  python: { none: 'Python has no relay; it is a small program of its own (socat, or a selectors loop), or tc netem with root' },
  example: 'relay udp 12001 localhost 12000 --loss 30 --seed 7 &',
  toPython: () => comment('relay: the shell ran a relay here; point the program at its port, or at the server itself'),
  run: relay,
};

async function relay(ctx: CallContext): Promise<Value> {
  const spec = relaySpec(ctx);
  const job = ctx.job;
  const started = await startRelay(spec, (e) => ctx.session.relayed(e, job));
  if (job !== undefined) ctx.session.jobs.setStatus(job, () => relaySummary(started.transport, started.counts()));
  const settings = impairText(spec);
  const stop = job === undefined ? 'Ctrl-C stops it' : `kill %${job} stops it, jobs %${job} shows what it did`;
  const what = settings ? settings : 'nothing impaired';
  ctx.notice(
    `relaying ${started.transport.toUpperCase()} from ${addressRepr(started.local)} to ${addressRepr(started.target)} (${what}); ${stop}`,
  );
  try {
    await untilAborted(ctx.block.signal);
  } finally {
    await started.close();
    ctx.notice(`relay stopped: ${relaySummary(started.transport, started.counts())}`);
  }
  if (job === undefined) throw new Cancelled('relay');
  return NONE;
}

/** Resolves when the signal aborts (Ctrl-C, kill %N): the relay runs until then. */
function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** The relay the arguments ask for: the option values come first (in VALUED's order), then the words. */
function relaySpec(ctx: CallContext): RelaySpec {
  const given = VALUED.filter((o) => ctx.flags.has(o));
  const values = new Map<Option, Arg>(given.map((o, i) => [o, ctx.args[i]!]));
  const words = ctx.args.slice(given.length);
  const transport = want.word(words[0]!, 'udp or tcp', ['udp', 'tcp']) as 'udp' | 'tcp';
  const wrong = given.find((o) => (transport === 'udp' ? TCP_ONLY : UDP_ONLY).includes(o));
  if (wrong !== undefined) {
    const takes = transport === 'udp' ? '--loss, --delay, --jitter, --duplicate, --reorder, --seed' : '--delay, --rate';
    throw new ShellError(`--${wrong} is not for a ${transport.toUpperCase()} relay (it takes ${takes})`, values.get(wrong)!.span);
  }
  const listenHost = words.length === 5 ? want.host(words[1]!) : '127.0.0.1';
  const listenPort = want.port(words[words.length === 5 ? 2 : 1]!);
  const target = want.hostAndPort(words, words.length === 5 ? 3 : 2);
  if (target.port === 0) throw new ShellError('expected the port of the target, 1 to 65535', words[words.length - 1]!.span);
  const listen = { host: listenHost, port: listenPort };
  const num = (o: Option, max: number, what: string): number => {
    const arg = values.get(o);
    return arg === undefined ? 0 : number(arg, max, what);
  };
  if (transport === 'tcp') {
    const rate = values.get('rate');
    return {
      transport,
      listen,
      target,
      impair: { delayMs: num('delay', MAX_MS, 'milliseconds'), rate: rate === undefined ? null : positive(rate) },
    };
  }
  const seed = values.get('seed');
  return {
    transport,
    listen,
    target,
    impair: {
      loss: num('loss', 100, 'a percentage'),
      delayMs: num('delay', MAX_MS, 'milliseconds'),
      jitterMs: num('jitter', MAX_MS, 'milliseconds'),
      duplicate: num('duplicate', 100, 'a percentage'),
      reorder: num('reorder', 100, 'a percentage'),
    },
    seed: seed === undefined ? freshSeed() : want.count(seed, 'a seed'),
  };
}

/** A number from 0 to max (a percentage or milliseconds). */
function number(arg: Arg, max: number, what: string): number {
  const v = arg.value;
  const n = v.kind === 'int' || v.kind === 'float' ? v.value : v.kind === 'str' && v.value.trim() !== '' ? Number(v.value) : NaN;
  if (!Number.isFinite(n) || n < 0 || n > max)
    throw new ShellError(`expected ${what} from 0 to ${max}, got ${arg.word.kind === 'literal' ? arg.word.text : 'that'}`, arg.span);
  return n;
}

/** A rate in bytes per second: 1 or more. */
function positive(arg: Arg): number {
  const n = want.count(arg, 'bytes per second');
  if (n < 1) throw new ShellError('expected bytes per second, 1 or more', arg.span);
  return n;
}
