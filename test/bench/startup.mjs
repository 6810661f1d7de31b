/**
 * Measurement 5: start-up, from spawn to exit. `sockshell --version` and `sockshell run empty.sock`
 * (with the engine `run` picks by itself, and as the fallback runs it: a copy of the build without its
 * addon, lib.mjs ENGINES) against `node -e ''` and Python importing socket. Start-up varies more from one
 * moment to the next on a VM than between the contenders, so within a round the starts themselves
 * are interleaved (A B C D A B C D ...), `spawns` of each; a run's value is the median of its starts.
 * Processes are not pinned, as a user's are not.
 */
import { BENCH, CLI, ENGINES, NODE, PYTHON, median, start } from './lib.mjs';

const fallback = ENGINES.find((e) => e.id === 'fallback');

async function once(command, args) {
  const proc = start(command, args);
  const exit = await proc.wait(10_000);
  if (exit.code !== 0) throw new Error(`${args.join(' ')} exited with ${exit.code ?? exit.signal}: ${proc.stderr()}`);
  return exit.at - proc.spawnedAt;
}

export function startup(spawns) {
  const all = [
    { id: 'version', label: 'sockshell --version', command: NODE, args: [CLI, '--version'], available: true },
    { id: 'empty', label: 'sockshell run empty.sock', command: NODE, args: [CLI, 'run', `${BENCH}empty.sock`], available: true },
    {
      id: 'empty-fallback',
      label: `sockshell run empty.sock (${fallback.label})`,
      command: NODE,
      // A getter: the fallback's launcher is made on first use (lib.mjs), not when the bench is listed.
      get args() {
        return [fallback.cli, 'run', `${BENCH}empty.sock`];
      },
      available: fallback.available,
      missing: fallback.missing,
    },
    { id: 'node', label: "node -e ''", command: NODE, args: ['-e', ''], available: true },
    {
      id: 'python',
      label: "python3 -c 'import socket'",
      command: PYTHON,
      args: ['-c', 'import socket'],
      available: PYTHON !== null,
      missing: 'python3 is not installed',
    },
  ];
  const live = all.filter((c) => c.available);
  /** The round's medians, made by the first contender run in the round and handed out to each once. */
  const round = new Map();
  const runOf = (c) => async () => {
    if (!round.has(c.id)) {
      const times = new Map(live.map((x) => [x.id, []]));
      for (let i = 0; i < spawns; i++) for (const x of live) times.get(x.id).push(await once(x.command, x.args));
      for (const [id, xs] of times) round.set(id, median(xs));
    }
    const value = round.get(c.id);
    round.delete(c.id);
    return { value };
  };
  return {
    id: 'startup',
    title: `Start-up, spawn to exit (median of ${spawns} interleaved per round)`,
    unit: 'ms',
    better: 'lower',
    contenders: all.map((c) => ({ id: c.id, label: c.label, available: c.available, missing: c.missing, run: runOf(c) })),
    ratios: [
      { a: 'empty', b: 'node', target: { max: 1.3 } },
      { a: 'empty-fallback', b: 'node' },
      { a: 'version', b: 'node', target: { max: 1.25 } },
      { a: 'empty', b: 'python' },
      { a: 'node', b: 'python' },
    ],
  };
}
