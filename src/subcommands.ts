/**
 * The command line's subcommands as data: `sockshell --help` and `sockshell NAME --help` are both
 * derived from this table, so they cannot disagree. cli.ts dispatches on the same names; a name
 * added here without a case there does not compile (its switch ends in a `never` check).
 */

export type SubcommandName = 'run' | 'check' | 'export' | 'record' | 'test' | 'grade' | 'connect' | 'listen' | 'relay';

export interface Subcommand {
  /** What follows `sockshell NAME`. */
  readonly args: string;
  readonly summary: string;
  /** [flag, meaning] rows, for NAME --help. */
  readonly options: readonly (readonly [string, string])[];
  /** Lines after the options: what a person needs to know that the summary does not say. */
  readonly notes: readonly string[];
}

/** The flags of connect and listen, nc's letters. */
const STREAM_OPTIONS: readonly (readonly [string, string])[] = [
  ['-u', 'UDP: each piece of input is a datagram (at most 8 KiB); no end of stream, so -w or Ctrl-C ends it'],
  ['-k', 'keep listening: TCP serves clients at once; UDP answers whoever sent last'],
  ['-C', 'send each line feed of the input as CR LF (one already after CR is left alone)'],
  ['-w S', 'give up connecting (listen: waiting for a client) after S seconds, and close after S seconds with no byte either way'],
  ['-4', 'IPv4 (the default, unless HOST is an IPv6 address)'],
  ['-6', 'IPv6 (chosen by itself when HOST is an IPv6 address, as ::1)'],
  ['-p PORT', 'connect from this local port'],
  ['-q', 'no # lines on stderr'],
  ['--log FILE', 'append a traffic log to FILE (every byte both ways, as a hex dump)'],
];

/** The relay's options: those of the shell's relay command (src/commands/relay-command.ts). */
const RELAY_OPTIONS: readonly (readonly [string, string])[] = [
  ['--loss PCT', 'UDP: lose PCT percent of the datagrams each way'],
  ['--delay MS', 'hold every datagram (UDP) or byte (TCP) back MS milliseconds'],
  ['--jitter MS', 'UDP: each delay ± up to MS milliseconds (which can reorder)'],
  ['--duplicate PCT', 'UDP: send PCT percent of the datagrams twice'],
  ['--reorder PCT', 'UDP: hold PCT percent of the datagrams back to go after the next one'],
  ['--seed N', 'UDP: the seed of the random choices; the same seed and datagrams lose the same ones'],
  ['--rate BYTES_PER_S', 'TCP: at most that many bytes per second each way'],
  ['-q', 'no # lines on stderr'],
  ['--log FILE', 'append what crosses the relay to FILE, both ways, as a hex dump (socat -v -x)'],
];

export const SUBCOMMANDS: { readonly [N in SubcommandName]: Subcommand } = {
  run: {
    args: 'FILE.sock [NAME=VALUE ...]',
    summary: 'run a script; NAME=VALUE overrides its assignments',
    options: [
      ['-v, --verbose', 'also write what the shell did underneath (# lines) to stderr'],
      ['--raw', 'print writes received bytes unescaped even to a terminal'],
      ['--log FILE', 'append a traffic log to FILE: every byte each socket sends and receives, as a hex dump'],
    ],
    notes: ['The script stops at its first error; `input` reads standard input.'],
  },
  check: {
    args: 'FILE.sock|FILE.sockt ...',
    summary: 'parse and validate scripts and transcripts without opening a socket',
    options: [],
    notes: [
      'A transcript (.sockt) must parse and type at least one command; its commands are not run.',
      'Exits 0 when every file is valid, 2 when one is not (its errors are on stderr).',
    ],
  },
  export: {
    args: 'FILE.sock [NAME=VALUE ...]',
    summary: 'the script as a Python program (the socket module)',
    options: [],
    notes: ["The program is written to standard output; NAME=VALUE overrides the script's assignments."],
  },
  record: {
    args: 'FILE.sockt',
    summary: 'the shell, writing a transcript of the session (Ctrl-D ends it)',
    options: [],
    notes: [
      'The file must not exist yet. It is rewritten after every line, so a crash keeps what was done.',
      'Replay it with: sockshell test FILE.sockt',
    ],
  },
  test: {
    args: '[--update [--force]] [--with "COMMAND"]... [--port N] [OPTIONS] PATH ...',
    summary: 'replay transcripts (files, or every .sockt below a directory)',
    options: [
      ['--update', "rewrite each transcript's expected output from this run (never a failed expect)"],
      ['--force', 'let --update run with --with (the program under test then writes the expected output)'],
      ['--with "COMMAND"', 'start COMMAND before each transcript and stop its process group after (repeatable)'],
      ['--port N', 'COMMAND is ready once port N is bound (as well as on its first output line)'],
      ['{port}', "in COMMAND: a fresh port for each transcript, replacing --port N (or the header's port:) in it"],
      ['--timeout S', 'bound on every blocking call and on waiting for notices (default 5)'],
      ['--ready-timeout S', 'how long COMMAND has to get ready, its own time: not the time it waits for a CPU (default 5)'],
      ['--wall S', 'bound on a whole transcript, program start-up included'],
      ['-x', 'start no transcript after the first that fails'],
      ['-j N', 'run N transcripts side by side (needs {port})'],
      ['--feedback MODE', 'student: the first mismatch only; instructor (default): with the diff'],
      ['--json FILE', 'results as JSON'],
      ['--junit FILE', 'results as JUnit XML'],
      ['--gradescope FILE', "results as Gradescope's results.json"],
      ['--allow-files', 'let transcripts use files outside their own folder'],
    ],
    notes: [
      "Grading TCP servers run after run on one port fails while the last run's closed connections are in",
      'TIME_WAIT (60 s); --with "python3 TCPServer.py {port}" --port 12000 gives each run its own port.',
      'Exits 0 if every transcript passed, 1 if one failed, 2 if one does not parse.',
    ],
  },
  grade: {
    args: '--with "COMMAND" [OPTIONS] SUBMISSIONS TRANSCRIPTS ...',
    summary: 'every submission (a folder of SUBMISSIONS) against every transcript',
    options: [
      ['--with "COMMAND"', "{submission} in it is the submission's folder, {port} a fresh port (repeatable)"],
      ['-j N', 'run N transcripts side by side'],
      ['--wall S', 'bound on a whole transcript, program start-up included'],
      ['-x', 'start no transcript after the first that fails'],
      ['--feedback MODE', 'student: the first mismatch only; instructor (default): with the diff'],
      ['--json FILE', 'results as JSON'],
      ['--junit FILE', 'results as JUnit XML, a testsuite per submission'],
      ['--gradescope DIR', "Gradescope's results.json for each submission, as DIR/SUBMISSION/results.json"],
      ['--csv FILE', 'the gradebook: a row per submission (score, max_score, each verdict, the first failure)'],
      ['--csv-bom', 'start --csv with a UTF-8 byte order mark, for Excel (not for LMS imports)'],
      ['--port N', 'the port transcripts were written against, where their header has no port:'],
      ['--timeout S', 'bound on every blocking call and on waiting for notices (default 5)'],
      ['--ready-timeout S', 'how long COMMAND has to get ready, its own time: not the time it waits for a CPU (default 5)'],
      ['--allow-files', 'let transcripts use files outside their own folder'],
    ],
    notes: [
      "Points come from each transcript's header (points: N; 1 without one).",
      'Exits 0 if everything passed, 1 if something failed, 2 for a usage error or a transcript that does not parse.',
    ],
  },
  connect: {
    args: '[-u] [-C] [-w S] [-4|-6] [-p PORT] [-q] [--log FILE] HOST PORT',
    summary: "stream standard input to a server and its replies to standard output (nc's default)",
    options: STREAM_OPTIONS.filter(([flag]) => flag !== '-k'),
    notes: [
      'Byte for byte both ways. End of input (Ctrl-D) sends FIN and keeps receiving; it ends when both',
      'sides have closed. What the OS did goes to stderr as # lines; standard output is only what arrived.',
    ],
  },
  listen: {
    args: '[-u] [-k] [-C] [-w S] [-4|-6] [-q] [--log FILE] [HOST] PORT',
    summary: 'wait for one client (or, with -k, many) and stream as connect does (nc -l)',
    options: STREAM_OPTIONS.filter(([flag]) => flag !== '-p PORT'),
    notes: [
      'HOST is the address to bind; without it, every interface. Without -k the first client is the only',
      'one: -u answers only the first sender. -k (TCP) serves clients at once and sends input to each.',
    ],
  },
  relay: {
    args: 'udp|tcp [LISTENHOST] LISTENPORT HOST PORT [OPTIONS]',
    summary: 'relay from LISTENPORT to HOST PORT both ways, as a bad network would, until Ctrl-C',
    options: RELAY_OPTIONS,
    notes: [
      'LISTENHOST defaults to 127.0.0.1 (give 0.0.0.0 to relay for other hosts). UDP: each client address gets',
      'its own socket to HOST PORT, as a NAT gives. What it lost and its counts go to stderr as # lines.',
    ],
  },
};

export function isSubcommand(name: string | undefined): name is SubcommandName {
  return name !== undefined && Object.hasOwn(SUBCOMMANDS, name);
}

/** `sockshell NAME --help`. */
export function subcommandHelp(name: SubcommandName): string {
  const c = SUBCOMMANDS[name];
  const lines = [`usage: sockshell ${name} ${c.args}`, `  ${c.summary}`];
  if (c.options.length > 0) {
    const width = Math.max(...c.options.map(([flag]) => flag.length));
    lines.push('', 'options:', ...c.options.map(([flag, meaning]) => `  ${flag.padEnd(width)}  ${meaning}`));
  }
  if (c.notes.length > 0) lines.push('', ...c.notes);
  return lines.join('\n');
}

const SUMMARY_COLUMN = 44;

/** The usage lines of `sockshell --help`: the shell itself, each subcommand, and piped input. */
export function usageLines(): string {
  const rows: [string, string][] = [
    ['sockshell', 'interactive shell (a REPL of socket calls)'],
    ...Object.entries(SUBCOMMANDS).map(([name, c]): [string, string] => [`sockshell ${name} ${c.args}`, c.summary]),
    ['sockshell < session.sock', 'run standard input as a session, without prompts'],
  ];
  return rows
    .map(([usage, summary], i) => {
      const lead = `${i === 0 ? 'usage: ' : '       '}${usage}`;
      // A long usage gets its summary on the next line, at the summary column.
      return lead.length < SUMMARY_COLUMN - 1
        ? `${lead.padEnd(SUMMARY_COLUMN)}${summary}`
        : `${lead}\n${' '.repeat(SUMMARY_COLUMN)}${summary}`;
    })
    .join('\n');
}
