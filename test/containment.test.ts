import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/commands/table.js';
import { builtins, closure, FILES, resolveLocal } from './helpers/import-graph.js';

/**
 * Scripts cannot escape. Everything a script can reach is the import closure of the Session (the
 * interpreter, every command, the engine). That closure must not start processes or evaluate code,
 * and it touches the file system only in the commands listed below, each of which reads or writes
 * the file its argument names. Outside it, the modules that write files or start a process are
 * listed too. Adding another makes this test fail until it is listed here, with its reason.
 */

const usesFs = (file: string) => builtins(file).some((b) => b.startsWith('node:fs'));

const WRITES =
  /\b(writeFile|writeFileSync|appendFile|appendFileSync|createWriteStream|unlink|unlinkSync|rm|rmSync|rename|renameSync|mkdir|mkdirSync|copyFile|truncate|chmod|symlink)\b/;
const EVALUATES = /\beval\s*\(|\bnew\s+Function\b|\bFunction\s*\(|process\.binding|process\.dlopen|\bcreateRequire\b|\brequire\s*\(/;

/** Within a script's reach: the commands that touch files, each only the file its argument names. */
const FILE_COMMANDS: Readonly<Record<string, string>> = {
  'session/session.ts': 'run FILE reads the script it names',
  'commands/insight-commands.ts': 'file PATH reads the file it names, as data to send',
  'commands/export-command.ts': 'export FILE writes the session as a Python program to the file it names',
  'commands/diagram-command.ts': 'diagram --svg FILE writes the picture to the file it names',
  'engine/file-transfer.ts': 'sendfile PATH reads, and recvfile PATH writes, the file it names',
  'commands/save-command.ts': 'save FILE writes the session as a .sock script to the file it names, never over one unless --force',
  'core/package-root.ts': "reads the package.json files above the module, to find sockshell's own folder (its version, its lessons/)",
  'engine/ephemeral.ts': 'reads /proc/sys/net/ipv4/ip_local_port_range, the ports the OS picks itself',
  'engine/ipv6-scope.ts': 'reads /proc/net/if_inet6 and igmp6: the interface numbers of this network namespace, without the addon',
  'engine/proc-net.ts':
    'reads /proc/net/tcp{,6} and udp{,6}: what listens or is bound on this host on a refusal, and, without the addon, which sockets hold a port on EADDRINUSE (a server, or connections in TIME_WAIT)',
  'engine/kernel-drops.ts':
    "reads /proc/self/fd/N and /proc/net/udp(6): the kernel's drop count of a UDP socket, when sockets or explain asks",
  'session/traffic.ts': 'log on FILE (and --log FILE) writes the traffic log to the file it names, appending',
  'commands/lesson-file.ts': 'lesson NAME reads lessons/NAME.lesson, and lesson FILE.lesson the lesson file it names',
  'commands/lesson-places.ts':
    'lesson writes the step reached and the lines typed for the steps before it (JSON) to the one state file the interactive shell gave the session ($XDG_STATE_HOME/sockshell/lessons.json); a script names no file, and transcripts have none',
  'engine/end-probe.ts': "writes zero bytes to a TCP connection's own descriptor, to ask the kernel whether it ended by FIN or reset",
  'engine/queued-news.ts':
    "reads an accepted TCP connection's own descriptor, without the addon, for what came while it waited in the accept queue (bytes, the peer's FIN, a reset)",
  'engine/accept-cap.ts':
    'reads /proc/sys/net/core/somaxconn and /proc/self/limits, to bound the accept queue as the kernel and the descriptor limit allow',
  'commands/tls-calls.ts': 'tls.connect --ca FILE and tls.listen --cert CERT --key KEY read the PEM files they name',
  'engine/unix-reads.ts':
    "reads an AF_UNIX connection's own descriptor (the bytes a call asks for, and the kernel's word on how the peer closed), and writes zero bytes to it to ask whether the peer closed",
  'engine/unix-path.ts':
    'unix.listen PATH looks at what is at PATH (lstat) and reads /proc/net/unix, to tell a stale socket file from a running server',
  'record/export-log.ts':
    'a long session writes the oldest part of its export record to a temporary file of its own (0600, unlinked as soon as it is open)',
};
/** Outside a script's reach: where the file system is written, and by which command line. */
const WRITERS: Readonly<Record<string, string>> = {
  'repl/history.ts': 'the interactive shell saves its history file (SOCKSHELL_HISTORY; empty disables it)',
  'transcript/record.ts': 'sockshell record FILE.sockt writes the transcript it was given',
  'transcript/update.ts': 'sockshell test --update rewrites the transcripts it was given',
  'transcript/runner.ts': 'sockshell test --json/--junit/--gradescope FILE write the reports asked for',
  'transcript/grade.ts': 'sockshell grade --gradescope DIR makes DIR/SUBMISSION for each results.json',
};
/** The one place a process starts. */
const SPAWNERS: Readonly<Record<string, string>> = { 'transcript/with.ts': 'sockshell test --with "COMMAND" starts the program it names' };
/** Modules that may load code in other ways than import. */
const LOADERS: Readonly<Record<string, string>> = {
  'commandline/parse.ts': 'createRequire loads yargs-parser (a fixed name) for the command line, after the --version fast path',
  'spec/flags.ts': 'createRequire loads yargs-parser (a fixed name) on first use, to keep start-up fast',
  'render/table.ts': 'createRequire loads cli-table3 (a fixed name) as the module loads, so sockets works after EMFILE',
  'engine/native.ts': 'createRequire loads the native addon from its three fixed places (built or not)',
  'engine/tls-module.ts': 'createRequire loads node:tls (a fixed name) when a TLS socket is first made, to keep start-up fast',
};
/** In a loader, createRequire of a name written in the source is allowed; nothing else that loads code is. */
const loadsOnlyFixedNames = (file: string) =>
  LOADERS[file] !== undefined && !/createRequire\([^)]*\)\((?!'[^']+'\))/.test(FILES.get(file)!);

describe('scripts cannot escape', () => {
  const reachable = closure('session/session.ts');

  it('what a script can reach: the session, the interpreter, every command and the engine', () => {
    for (const f of [
      'interp/interpreter.ts',
      'commands/table.ts',
      'commands/socket-calls.ts',
      'commands/session-commands.ts',
      'engine/engine.ts',
    ]) {
      expect(reachable, f).toContain(f);
    }
    expect(reachable).not.toContain('transcript/with.ts');
    expect(reachable).not.toContain('cli.ts');
  });

  it('none of it starts a process or evaluates code; only the file commands write', () => {
    for (const file of reachable) {
      const text = FILES.get(file)!;
      const loader = loadsOnlyFixedNames(file);
      const forbidden = loader
        ? /child_process|node:vm|worker_threads|node:cluster|node:http|node:https/
        : /child_process|node:vm|worker_threads|node:cluster|node:http|node:https|node:module/;
      expect(
        builtins(file).filter((b) => forbidden.test(b)),
        file,
      ).toEqual([]);
      expect(EVALUATES.test(loader ? text.replace(/\bcreateRequire\b/g, '') : text), `${file} evaluates code`).toBe(false);
      if (usesFs(file) && WRITES.test(text)) expect(FILE_COMMANDS[file] ?? '', `${file} writes files`).toMatch(/ writes /);
    }
  });

  // The relay layer opens sockets of its own, on purpose: a relay's sockets are not the user's, and
  // none of them is reachable by name from a script.
  it('it touches files only in the file commands, and opens sockets only in the engine and the relay', () => {
    const fsUsers = [...reachable].filter(usesFs);
    for (const f of fsUsers) expect(FILE_COMMANDS, f).toHaveProperty([f]);
    expect(fsUsers).toContain('session/session.ts');
    expect(FILES.get('session/session.ts')!.match(/\breadFile\(/g)).toHaveLength(1);
    const netUsers = [...reachable].filter((f) => builtins(f).some((b) => /node:(net|dgram|dns)/.test(b)));
    expect(
      netUsers.every((f) => f.startsWith('engine/') || f.startsWith('relay/')),
      netUsers.join(', '),
    ).toBe(true);
  });

  it('in all of src, processes start only for test --with, files are written only by the commands listed', () => {
    for (const [file, text] of FILES) {
      if (builtins(file).some((b) => b === 'node:child_process')) expect(SPAWNERS, file).toHaveProperty([file]);
      if (usesFs(file) && WRITES.test(text)) expect({ ...WRITERS, ...FILE_COMMANDS }, file).toHaveProperty([file]);
      if (EVALUATES.test(text)) expect(LOADERS, file).toHaveProperty([file]);
      expect(
        builtins(file).filter((b) => /node:vm|worker_threads|node:cluster/.test(b)),
        file,
      ).toEqual([]);
    }
  });

  it('outside the engine, modules reach it only through its public API (index.ts) or its contract (types.ts)', () => {
    const internals = [...FILES].flatMap(([file, text]) =>
      file.startsWith('engine/')
        ? []
        : [...text.matchAll(/\bfrom\s+'([^']+)'/g)]
            .map((m) => resolveLocal(file, m[1]!))
            .filter((t) => t.startsWith('engine/') && t !== 'engine/index.ts' && t !== 'engine/types.ts')
            .map((t) => `${file} imports ${t}`),
    );
    expect(internals).toEqual([]);
  });

  it('no command is a way out: none is named for a shell, and none takes a command line to run', () => {
    for (const c of COMMANDS) {
      expect(c.name, c.name).not.toMatch(/^(!|exec|system|shell|sh|eval|spawn|source|open)$/);
      // `write` (issue 13) puts bytes on standard output, as print does; it takes no file to write to.
      if (c.name === 'write') expect(c.forms.flat().map((a) => a.kind)).toEqual(['value']);
      for (const form of c.forms)
        for (const arg of form) expect(arg.kind === 'command' ? c.name : 'ok', `${c.name} ${arg.name}`).toMatch(/^(ok|help)$/);
    }
  });
});
