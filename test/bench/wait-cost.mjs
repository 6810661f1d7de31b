#!/usr/bin/env node
/**
 * What the native engine's wait costs, apart from everything else (issue 16's "a wait without the
 * poll"): one UDP upper-casing server written three times in Python (peers/py_wait_cost.py), waiting
 * by a blocking recvfrom, by poll() on the socket, and by poll() on the socket and an epoll descriptor
 * watching it (what the addon's wait is), each against the textbook's client (py_rt.py) with both on
 * one CPU (taskset, when installed). Python's own overhead is the same in all three, so the system
 * time's differences are the kernel's price of each way to wait.
 *
 *   node test/bench/wait-cost.mjs [COUNT=100000] [ROUNDS=3]
 */
import { BENCH, PYTHON, freePort, setPinning, start } from './lib.mjs';

const [countText = '100000', roundsText = '3'] = process.argv.slice(2);
const count = Number(countText);
const MODES = ['block', 'poll1', 'poll2'];
if (PYTHON === null) {
  process.stderr.write('wait-cost: needs python3\n');
  process.exit(2);
}
setPinning(true);
const same = { cpu: 0 };

/** One server of `mode` against the textbook's client: its user and system µs per round trip. */
async function once(mode) {
  const port = await freePort('udp');
  const server = start(PYTHON, [`${BENCH}peers/py_wait_cost.py`, mode, String(port), String(count)], same);
  let client = null;
  try {
    await server.line('The server is ready to receive', 15_000);
    client = start(PYTHON, [`${BENCH}peers/py_rt.py`, 'udp-client', String(port), String(count - 1), '1'], same);
    const { text } = await server.line(mode, 300_000);
    const [, user, , system] = text.split(' ').slice(1);
    return { user: Number(user), system: Number(system) };
  } finally {
    await client?.kill();
    await server.kill();
  }
}

const runs = new Map(MODES.map((m) => [m, []]));
for (let round = 0; round < Number(roundsText); round++) for (const mode of MODES) runs.get(mode).push(await once(mode));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const block = median(runs.get('block').map((r) => r.system));
process.stdout.write(`UDP server, ${count.toLocaleString('en-US')} round trips, median of ${roundsText}, CPU µs per round trip:\n`);
for (const [mode, rs] of runs) {
  const system = median(rs.map((r) => r.system));
  const extra = mode === 'block' ? '' : `, system +${(system - block).toFixed(2)} over block`;
  process.stdout.write(`  ${mode}: user ${median(rs.map((r) => r.user)).toFixed(2)}, system ${system.toFixed(2)}${extra}\n`);
}
