#!/usr/bin/env node
/**
 * npm run bench [-- --quick | --smoke] [--only ID,...] [--repeats N] [--pin] [--json FILE]
 *
 * Measures sockshell (a row per engine: native and event loop) against the textbook's Python, raw
 * Node, nc and socat in one run. Contenders are interleaved (A B C A B C ...) and each measurement is
 * repeated (5 times at least), so a slow moment of the machine hits every contender alike. Prints
 * medians, min–max and paired ratios (the ratio of the runs made side by side in one round), Python
 * the peer of every measurement, checks the targets of issue 16, and writes JSON. A contender that
 * cannot run here (a peer not installed, the native addon not built) is said in one line and skipped.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { bulk } from './bulk.mjs';
import { udpBurst } from './burst.mjs';
import { clientConnections, connections } from './connections.mjs';
import { grading } from './grading.mjs';
import { PYTHON, has, killAll, setPinning, summary, versionOf } from './lib.mjs';
import { memory } from './memory.mjs';
import { report } from './report.mjs';
import { sendallMemory } from './sendall-memory.mjs';
import { roundTrips } from './round-trips.mjs';
import { startup } from './startup.mjs';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
};
const quick = flag('--quick');
const smoke = flag('--smoke');
const repeats = Math.max(1, Number(option('--repeats', smoke ? '1' : '5')));
const only = option('--only', null)?.split(',') ?? null;
setPinning(flag('--pin'));
const jsonFile = option('--json', 'bench-results.json');

/** The round under way, redrawn in place at a terminal; a redirected run's output holds only the tables. */
function progress(text) {
  if (!process.stdout.isTTY) return;
  process.stdout.write(text === null ? '\r\x1b[K' : `\r\x1b[K${text}`);
}

/**
 * Sizes. The full run measures the steady state: each client first makes `warm` round trips or
 * connections untimed (V8 compiles the hot paths meanwhile; at 2,000 round trips most of the CPU is
 * compilation), then times the next `roundTrips` or `clients`. --quick keeps every measurement but
 * shrinks it (its ratios still include some warm-up, so they are not the full run's); --smoke (CI)
 * only checks that every part of the machinery runs, in a few seconds (memory holds 200 and 400
 * connections even so: Python's sockets cost so little RSS that 20 of them may not move it a page).
 */
const size = smoke
  ? {
      roundTrips: 1_000,
      warmRoundTrips: 1,
      clients: 50,
      warmClients: 1,
      bulkMiB: 8,
      startups: 1,
      held: 200,
      burst: 100,
      submissions: 2,
      sendallMiB: 16,
      sendallSeconds: 0.5,
    }
  : quick
    ? {
        roundTrips: 5_000,
        warmRoundTrips: 5_000,
        clients: 500,
        warmClients: 500,
        bulkMiB: 128,
        startups: 5,
        held: 300,
        burst: 1_000,
        submissions: 8,
        sendallMiB: 64,
        sendallSeconds: 2,
      }
    : {
        roundTrips: 50_000,
        warmRoundTrips: 10_000,
        // Connections warm up far longer than round trips: V8 still compiled 71 functions in connections
        // 1,000-3,000 of TCPServer.sock, ~170 ms of TurboFan per 1,000 (more than the server's own ~75 ms),
        // and ~11 ms per 1,000 past 7,000 (`--trace-opt`, 2026-12-06). 2,000 after 2,000 measured the warm-up.
        clients: 5_000,
        warmClients: 10_000,
        bulkMiB: 1024,
        startups: 21,
        held: 1_000,
        burst: 1_000,
        submissions: 20,
        sendallMiB: 200,
        sendallSeconds: 2,
      };

const all = [
  roundTrips('udp', size.roundTrips, size.warmRoundTrips),
  roundTrips('tcp', size.roundTrips, size.warmRoundTrips),
  connections(size.clients, size.warmClients),
  clientConnections(size.clients, size.warmClients),
  bulk(size.bulkMiB),
  startup(size.startups),
  memory(size.held),
  udpBurst(size.burst),
  grading(size.submissions),
  sendallMemory('tcp', size.sendallMiB, size.sendallSeconds),
  sendallMemory('tls', size.sendallMiB, size.sendallSeconds),
];
const measurements = all.filter((m) => only === null || only.includes(m.id));

const machine = {
  cpus: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  os: `${platform()} ${release()}`,
  node: process.version,
  python: PYTHON ? versionOf(PYTHON, ['--version']) : null,
  nc: has('nc') ? 'nc (installed)' : null,
  socat: has('socat') ? (versionOf('socat', ['-V'])?.replace(/^socat by .*/, 'socat') ?? 'socat') : null,
};

/** The load average (1, 5, 15 minutes) as uptime shows it: how busy the machine was around the run. */
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(', ');

async function main() {
  const command = `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`;
  const loadBefore = load();
  process.stdout.write(
    `${command}\n${machine.cpus} × ${machine.cpu}, Node ${machine.node}${machine.python ? `, ${machine.python}` : ''}\nload average before: ${loadBefore}\n`,
  );
  const skipped = new Set();
  for (const m of measurements) {
    for (const c of m.contenders.filter((x) => !x.available)) {
      const line = `skipped: ${c.label}: ${c.missing || 'not available here'}`;
      if (!skipped.has(line)) process.stdout.write(`${line}\n`);
      skipped.add(line);
    }
  }
  const results = [];
  let failures = 0;
  for (const m of measurements) {
    await m.setup?.();
    const contenders = m.contenders.filter((c) => c.available);
    const runs = new Map(contenders.map((c) => [c.id, []]));
    try {
      for (let r = 0; r < repeats; r++) {
        progress(`${m.title}: round ${r + 1}/${repeats}`);
        for (const c of contenders) {
          // --smoke (CI) checks that the machinery works on a machine busy with other tests: a run
          // that fails is said and tried once more, and only a second failure counts.
          for (let attempt = 1; ; attempt++) {
            try {
              runs.get(c.id).push({ round: r, ...(await c.run()) });
              break;
            } catch (err) {
              const last = !smoke || attempt === 2;
              if (last) failures += 1;
              process.stdout.write(
                `\n  ${c.id} failed in round ${r + 1}${last ? '' : ', trying again'}: ${err instanceof Error ? err.message : String(err)}\n`,
              );
              if (last) break;
            }
          }
        }
      }
    } finally {
      await m.teardown?.();
    }
    progress(null);
    results.push(measured(m, runs));
  }
  const text = report(results);
  const loadAfter = load();
  process.stdout.write(`${text}\nload average after: ${loadAfter}\n`);
  writeFileSync(
    jsonFile,
    JSON.stringify(
      { command, quick, smoke, repeats, machine, load: { before: loadBefore, after: loadAfter }, date: new Date().toISOString(), results },
      null,
      2,
    ) + '\n',
  );
  process.stdout.write(`JSON: ${jsonFile}\n`);
  return failures === 0 ? 0 : 1;
}

/** One measurement's numbers: each contender's runs and summary, and the paired ratios. */
function measured(m, runs) {
  const contenders = m.contenders.map((c) => {
    const list = runs.get(c.id) ?? [];
    const values = list.map((x) => x.value);
    return {
      id: c.id,
      label: c.label,
      available: c.available,
      missing: c.missing ?? '',
      runs: list,
      ...(values.length ? summary(values) : {}),
    };
  });
  const ratios = m.ratios
    .filter((p) => runs.get(p.a)?.length && runs.get(p.b)?.length)
    .map((p) => {
      const paired = runs.get(p.a).flatMap((x) => {
        const y = runs.get(p.b).find((z) => z.round === x.round);
        // A zero below (Python's RSS grows by nothing for a few connections) gives no ratio.
        return y && y.value !== 0 ? [x.value / y.value] : [];
      });
      const s = paired.length ? summary(paired) : null;
      const met = p.target && s ? (p.target.min !== undefined ? s.median >= p.target.min : s.median <= p.target.max) : null;
      return { a: p.a, b: p.b, ...(s ?? {}), values: paired, target: p.target ?? null, met };
    });
  return { id: m.id, title: m.title, unit: m.unit, better: m.better, extras: m.extras ?? [], contenders, ratios };
}

main().then(
  (status) => {
    killAll();
    process.exit(status);
  },
  (err) => {
    process.stderr.write(`bench: ${err instanceof Error ? err.stack : String(err)}\n`);
    killAll();
    process.exit(2);
  },
);
