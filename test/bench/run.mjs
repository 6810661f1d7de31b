#!/usr/bin/env node
/**
 * npm run bench [-- --quick | --smoke] [--only ID,...] [--repeats N] [--pin] [--json FILE]
 *
 * Measures sockshell against raw Node, the textbook's Python, nc and socat in one run. Contenders
 * are interleaved (A B C A B C ...) and each measurement is repeated (5 times at least), so a slow
 * moment of the machine hits every contender alike. Prints medians, min–max and paired ratios (the
 * ratio of the runs made side by side in one round), checks the targets of issue 5, and writes JSON.
 */
import { writeFileSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';
import { bulk } from './bulk.mjs';
import { udpBurst } from './burst.mjs';
import { clientConnections, connections } from './connections.mjs';
import { grading } from './grading.mjs';
import { PYTHON, has, killAll, setPinning, summary, versionOf } from './lib.mjs';
import { memory } from './memory.mjs';
import { report } from './report.mjs';
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
 * Sizes: the full run is issue 5's; --quick keeps every measurement but shrinks it to finish in under
 * a minute; --smoke (CI) only checks that every part of the machinery runs, in a few seconds.
 */
const size = smoke
  ? { roundTrips: 1_000, clients: 50, bulkMiB: 8, startups: 1, held: 20, burst: 100, submissions: 2 }
  : quick
    ? { roundTrips: 2_000, clients: 300, bulkMiB: 128, startups: 5, held: 300, burst: 1_000, submissions: 8 }
    : { roundTrips: 20_000, clients: 2_000, bulkMiB: 1024, startups: 21, held: 1_000, burst: 1_000, submissions: 20 };

const all = [
  roundTrips('udp', size.roundTrips),
  roundTrips('tcp', size.roundTrips),
  connections(size.clients),
  clientConnections(size.clients),
  bulk(size.bulkMiB),
  startup(size.startups),
  memory(size.held),
  udpBurst(size.burst),
  grading(size.submissions),
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

async function main() {
  const command = `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`;
  process.stdout.write(
    `${command}\n${machine.cpus} × ${machine.cpu}, Node ${machine.node}${machine.python ? `, ${machine.python}` : ''}\n`,
  );
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
  process.stdout.write(`${text}\n`);
  writeFileSync(
    jsonFile,
    JSON.stringify({ command, quick, smoke, repeats, machine, date: new Date().toISOString(), results }, null, 2) + '\n',
  );
  process.stdout.write(`JSON: ${jsonFile}\n`);
  return failures === 0 ? 0 : 1;
}

/** One measurement's numbers: each contender's runs and summary, and the paired ratios. */
function measured(m, runs) {
  const contenders = m.contenders.map((c) => {
    const list = runs.get(c.id) ?? [];
    const values = list.map((x) => x.value);
    return { id: c.id, label: c.label, available: c.available, runs: list, ...(values.length ? summary(values) : {}) };
  });
  const ratios = m.ratios
    .filter((p) => runs.get(p.a)?.length && runs.get(p.b)?.length)
    .map((p) => {
      const paired = runs.get(p.a).flatMap((x) => {
        const y = runs.get(p.b).find((z) => z.round === x.round);
        return y ? [x.value / y.value] : [];
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
