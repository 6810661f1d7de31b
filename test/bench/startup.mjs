/**
 * Measurement 5: start-up, from spawn to exit. `sockshell --version` and `sockshell run empty.sock`
 * against `node -e ''` (and Python importing socket, for reference). A run is the median of `spawns`
 * start-ups in a row; processes are not pinned, as a user's are not.
 */
import { BENCH, CLI, NODE, PYTHON, median, start } from './lib.mjs';

async function startups(command, args, spawns) {
  const times = [];
  for (let i = 0; i < spawns; i++) {
    const proc = start(command, args);
    const exit = await proc.wait(10_000);
    if (exit.code !== 0) throw new Error(`${args.join(' ')} exited with ${exit.code ?? exit.signal}: ${proc.stderr()}`);
    times.push(exit.at - proc.spawnedAt);
  }
  return { value: median(times) };
}

export function startup(spawns) {
  const contender = (id, label, command, args, available = true) => ({ id, label, available, run: () => startups(command, args, spawns) });
  return {
    id: 'startup',
    title: `Start-up, spawn to exit (median of ${spawns} per round)`,
    unit: 'ms',
    better: 'lower',
    contenders: [
      contender('version', 'sockshell --version', NODE, [CLI, '--version']),
      contender('empty', 'sockshell run empty.sock', NODE, [CLI, 'run', `${BENCH}empty.sock`]),
      contender('node', "node -e ''", NODE, ['-e', '']),
      contender('python', "python3 -c 'import socket'", PYTHON, ['-c', 'import socket'], PYTHON !== null),
    ],
    ratios: [
      { a: 'version', b: 'node', target: { max: 1.25 } },
      { a: 'empty', b: 'node' },
    ],
  };
}
