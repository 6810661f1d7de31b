import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import type YargsParser from 'yargs-parser';

/**
 * Parsing the command line's words: what each subcommand was asked, checked, or a usage problem
 * as a string. The actions (actions-*.ts) do the work; cli.ts dispatches.
 */

/**
 * yargs-parser, loaded after the --version fast path (it is a tenth of a bare start-up), and as its
 * one-file CommonJS build: its ES module build is five files to resolve and link.
 */
export function argParser(): typeof YargsParser {
  return createRequire(import.meta.url)('yargs-parser') as typeof YargsParser;
}

/** No number parsing, no dotted paths: words stay as typed. */
export const WORDS_AS_TYPED = { 'parse-numbers': false, 'parse-positional-numbers': false, 'dot-notation': false } as const;

/** The options `test` and `grade` share, read and checked once. */
export interface Shared {
  readonly commands: string[];
  readonly port?: number;
  readonly timeoutMs: number;
  readonly readyTimeoutMs: number;
  readonly wallMs?: number;
  readonly feedback: 'student' | 'instructor';
  readonly jobs: number;
  readonly exitFirst: boolean;
  readonly allowFiles: boolean;
  readonly paths: string[];
  readonly args: Record<string, unknown>;
}

const SHARED_STRINGS = ['with', 'port', 'timeout', 'ready-timeout', 'wall', 'feedback', 'jobs', 'json', 'junit', 'gradescope'];

/** Parses `test` or `grade`'s command line; a string is a usage error. */
export function sharedOptions(
  name: 'test' | 'grade',
  argv: readonly string[],
  booleans: readonly string[],
  strings: readonly string[] = [],
): Shared | string {
  const parseArgs = argParser();
  const args = parseArgs([...argv], {
    boolean: ['x', 'allow-files', ...booleans],
    // Not `array`: that would swallow the transcript paths after --with; repeated flags collect anyway.
    string: [...SHARED_STRINGS, ...strings],
    alias: { jobs: ['j'] },
    configuration: { ...WORDS_AS_TYPED, 'camel-case-expansion': false },
  });
  const known = new Set(['_', '--', 'x', 'j', 'allow-files', ...booleans, ...SHARED_STRINGS, ...strings]);
  const unknown = Object.keys(args).find((k) => !known.has(k));
  if (unknown) return `${name}: unknown option ${unknown.length === 1 ? '-' : '--'}${unknown}`;
  const seconds = (option: string, fallback: number | undefined): number | undefined | string => {
    const v = args[option] as string | undefined;
    if (v === undefined) return fallback;
    const n = Number(v);
    return /^\d+(\.\d+)?$/.test(v) && n > 0 ? n : `${name}: --${option} needs a number of seconds above 0, got '${v}'`;
  };
  const timeout = seconds('timeout', 5);
  const ready = seconds('ready-timeout', 5);
  const wall = seconds('wall', undefined);
  for (const v of [timeout, ready, wall]) if (typeof v === 'string') return v;
  // Decimal digits only: Number() would take 1e4 and 0x52DC for ports.
  const port = args.port === undefined ? undefined : /^\d{1,5}$/.test(String(args.port)) ? Number(args.port) : NaN;
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536))
    return `${name}: --port needs a port number, got '${String(args.port)}'`;
  const jobs = args.jobs === undefined ? 1 : /^\d{1,3}$/.test(String(args.jobs)) ? Number(args.jobs) : NaN;
  if (!(jobs >= 1)) return `${name}: -j needs a number of runs side by side (1 or more), got '${String(args.jobs)}'`;
  const feedback = (args.feedback as string | undefined) ?? 'instructor';
  if (feedback !== 'student' && feedback !== 'instructor') return `${name}: --feedback is student or instructor, got '${feedback}'`;
  return {
    commands: ([] as unknown[]).concat(args.with ?? []).map(String),
    ...(port !== undefined ? { port } : {}),
    timeoutMs: (timeout as number) * 1000,
    readyTimeoutMs: (ready as number) * 1000,
    ...(wall !== undefined ? { wallMs: (wall as number) * 1000 } : {}),
    feedback,
    jobs,
    exitFirst: Boolean(args.x),
    allowFiles: Boolean(args['allow-files']),
    paths: args._.map(String),
    args,
  };
}

/** What connect and listen were asked: nc's flags, then HOST PORT (listen: [HOST] PORT). */
export interface StreamRequest {
  readonly host: string;
  readonly port: number;
  readonly udp: boolean;
  readonly keep: boolean;
  readonly crlf: boolean;
  readonly quiet: boolean;
  readonly idleSeconds: number | null;
  readonly family: 4 | 6;
  readonly sourcePort: number | null;
  readonly log?: string;
}

/** Parses connect's or listen's words; a string is a usage error. */
export function streamRequest(mode: 'connect' | 'listen', argv: readonly string[]): StreamRequest | string {
  const logged = takeLog(argv);
  if (typeof logged === 'string') return `${mode}: ${logged}`;
  // -4 and -6 first: yargs-parser would read them as the numbers -4 and -6.
  const asked = logged.rest.includes('-6') ? 6 : logged.rest.includes('-4') ? 4 : null;
  if (logged.rest.includes('-4') && logged.rest.includes('-6')) return `${mode}: -4 and -6 ask for two families; give one`;
  const args = argParser()(
    logged.rest.filter((a) => a !== '-6' && a !== '-4'),
    { boolean: ['u', 'k', 'C', 'q'], string: ['w', 'p'], configuration: { ...WORDS_AS_TYPED, 'camel-case-expansion': false } },
  );
  const allowed = mode === 'connect' ? ['u', 'C', 'q', 'w', 'p'] : ['u', 'k', 'C', 'q', 'w'];
  const unknown = Object.keys(args).find((k) => k !== '_' && k !== '--' && !allowed.includes(k));
  if (unknown) return `${mode}: unknown option ${unknown.length === 1 ? '-' : '--'}${unknown}`;
  const words = args._.map(String);
  const want = mode === 'connect' ? 'HOST PORT' : '[HOST] PORT';
  if (words.length < (mode === 'connect' ? 2 : 1) || words.length > 2) return `${mode} needs ${want}: sockshell ${mode} ${want}`;
  const portOf = (word: string | undefined, what: string): number | string => {
    const n = word !== undefined && /^\d{1,5}$/.test(word) ? Number(word) : NaN;
    return n >= 0 && n < 65536 && (n > 0 || what === '-p' || mode === 'listen')
      ? n
      : `${mode}: ${what} needs a port number, got '${String(word)}'`;
  };
  const port = portOf(words[words.length - 1], 'PORT');
  if (typeof port === 'string') return port;
  const source = args.p === undefined ? null : portOf(String(args.p), '-p');
  if (typeof source === 'string') return source;
  // An address literal says its family, as nc, socat and Python's create_connection take it; a
  // family asked for with -4 or -6 that the literal contradicts is a usage error, said in flags.
  const literal = words.length === 2 ? isIP(words[0]!) : 0;
  if (asked !== null && literal !== 0 && literal !== asked)
    return `${mode}: -${asked} asks for IPv${asked}, but '${words[0]!}' is an IPv${literal} address: leave out -${asked} (the address says IPv${literal}), or give -${literal}`;
  const family = asked ?? (literal === 6 ? 6 : 4);
  const w = args.w === undefined ? null : Number(args.w);
  if (w !== null && !(Number.isFinite(w) && w > 0)) return `${mode}: -w needs a number of seconds above 0, got '${String(args.w)}'`;
  return {
    host: words.length === 2 ? words[0]! : family === 6 ? '::' : '',
    port,
    udp: Boolean(args.u),
    keep: Boolean(args.k),
    crlf: Boolean(args.C),
    quiet: Boolean(args.q),
    idleSeconds: w,
    family,
    sourcePort: source,
    ...(logged.log !== undefined ? { log: logged.log } : {}),
  };
}

/** `--log FILE` (or --log=FILE) among a subcommand's words, before its script or host: the traffic log's file. */
export function takeLog(words: readonly string[]): { log?: string; rest: string[] } | string {
  const at = words.findIndex((w) => w === '--log' || w.startsWith('--log='));
  if (at < 0) return { rest: [...words] };
  const word = words[at]!;
  const file = word === '--log' ? words[at + 1] : word.slice('--log='.length);
  if (!file) return '--log needs a file: --log FILE';
  return { log: file, rest: words.filter((_, i) => i !== at && (word !== '--log' || i !== at + 1)) };
}
