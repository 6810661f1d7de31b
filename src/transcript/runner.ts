import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { unifiedDiff } from './diff.js';
import { EXTENSION, renderItems, type Item, type Transcript } from './format.js';
import { transcriptProblems } from './problems.js';
import { freshPort } from './port-probe.js';
import { replacePorts } from './ports.js';
import { renumberItems, renumberTranscript } from './renumber.js';
import { replay } from './replay.js';
import { startPeer, type Peer } from './with.js';

/** In a --with command: a fresh port for each transcript, standing for --port in the transcript. */
export const PORT_PLACEHOLDER = '{port}';

export interface TestOptions {
  readonly update: boolean;
  readonly with: readonly string[];
  /** The port the program listens on; with {port} in a command, the port the transcript recorded it on. */
  readonly port?: number;
  readonly timeoutMs: number;
  readonly readyTimeoutMs: number;
  readonly out: Writable;
  readonly err: Writable;
  readonly signal: AbortSignal;
}

/**
 * `sockshell test PATH ...`: replays every transcript, each in a fresh session with fresh --with
 * programs, prints a diff for each failure and a summary line. Returns 0, 1 (a transcript failed)
 * or 2 (a transcript could not be read or parsed).
 */
export async function runTests(paths: readonly string[], options: TestOptions): Promise<number> {
  const files = await transcriptFiles(paths, options.err);
  if (files === null) return 2;
  let passed = 0;
  let failed = 0;
  let broken = false;
  for (const file of files) {
    if (options.signal.aborted) break;
    const text = await readFile(file, 'utf8');
    const { transcript, problems } = transcriptProblems(text);
    if (problems.length > 0) {
      for (const e of problems) options.err.write(`${file}:${e.line}: ${e.message}\n`);
      options.out.write(`FAIL    ${file}: it cannot be replayed (see above)\n`);
      broken = true;
      failed++;
      continue;
    }
    const peers: Peer[] = [];
    try {
      // {port}: this run's program gets a port no earlier run used, so none of their TIME_WAIT is in its way.
      const fresh =
        options.port !== undefined && options.with.some((c) => c.includes(PORT_PLACEHOLDER))
          ? { recorded: options.port, now: await freshPort() }
          : null;
      const port = fresh?.now ?? options.port;
      for (const command of options.with) {
        // With {port}, the port is only for the commands that are given it: another program (a
        // helper, a second peer) is ready by its first line.
        const given = fresh !== null && command.includes(PORT_PLACEHOLDER);
        peers.push(
          await startPeer(given ? command.replaceAll(PORT_PLACEHOLDER, String(fresh.now)) : command, {
            readyTimeoutMs: options.readyTimeoutMs,
            transcriptPorts: typedPorts(transcript),
            ...(port !== undefined && (fresh === null || given) ? { port } : {}),
            ...(given ? { placeholder: { command, recorded: fresh.recorded } } : {}),
          }),
        );
      }
      const raw = await replay(fresh ? renumberTranscript(transcript, fresh.recorded, fresh.now) : transcript, {
        timeoutMs: options.timeoutMs,
        signal: options.signal,
      });
      const result = fresh
        ? {
            ...raw,
            actual: renumberItems(raw.actual, fresh.now, fresh.recorded),
            updated: renumberItems(raw.updated, fresh.now, fresh.recorded),
          }
        : raw;
      if (options.signal.aborted) break;
      const failedCheck = options.update ? failedExpect(result.updated) : null;
      if (failedCheck !== null) {
        // A failed `expect` is the program being wrong, not new output to accept.
        options.out.write(
          `FAIL    ${file}: not updated: the check at line ${failedCheck.line} failed this run (${failedCheck.why}); --update never writes a failed check as expected output\n`,
        );
        failed++;
      } else if (options.update) {
        const updated = renderItems(result.updated);
        if (updated !== text) await writeFile(file, updated);
        options.out.write(`${updated !== text ? 'updated' : 'ok     '} ${file}\n`);
        passed++;
      } else if (result.passed) {
        options.out.write(`ok      ${file}\n`);
        passed++;
      } else {
        const expected = text.replace(/\n$/, '').split('\n');
        const actual = renderItems(result.actual).replace(/\n$/, '').split('\n');
        options.out.write(`FAIL    ${file}\n`);
        for (const p of peers) {
          const ended = p.ended();
          if (ended) options.out.write(`        ${ended}\n`);
        }
        options.out.write(unifiedDiff(expected, actual, { expected: `${file} (expected)`, actual: `${file} (this run)` }));
        failed++;
      }
    } catch (e) {
      options.out.write(`FAIL    ${file}: ${e instanceof Error ? e.message : String(e)}\n`);
      failed++;
    } finally {
      for (const left of await Promise.all(peers.map((p) => p.stop()))) if (left) options.err.write(`sockshell test: ${left}\n`);
    }
  }
  options.out.write(`${passed} passed, ${failed} failed${options.signal.aborted ? ' (interrupted)' : ''}\n`);
  if (options.signal.aborted) return 130;
  return broken ? 2 : failed > 0 ? 1 : 0;
}

/** The first `expect` whose run printed something (an `expect` that holds prints nothing), and what it printed last. */
function failedExpect(items: readonly Item[]): { line: number; why: string } | null {
  for (const [i, item] of items.entries()) {
    if (item.kind !== 'input' || !/^(\w+\.)?expect\b/.test(item.text)) continue;
    const output = items.slice(i + 1).findIndex((o) => o.kind !== 'output');
    const shown = items.slice(i + 1, output === -1 ? items.length : i + 1 + output).filter((o) => o.kind === 'output');
    const last = shown[shown.length - 1];
    if (last) return { line: item.line, why: last.text.replace(/^\s*\^+\s*/, '') };
  }
  return null;
}

/** The numbers typed where a port stands: the ports a program under test may have failed to bind. */
function typedPorts(transcript: Transcript): number[] {
  const ports = new Set<number>();
  for (const block of transcript.blocks) replacePorts(block.source, 'input', (port) => (ports.add(port), null));
  return [...ports];
}

/** Files named on the command line, and every transcript below directories, in a stable order. */
async function transcriptFiles(paths: readonly string[], err: Writable): Promise<string[] | null> {
  const files: string[] = [];
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch {
      err.write(`sockshell test: no such file or directory: ${path}\n`);
      return null;
    }
    if (!info.isDirectory()) files.push(path);
    else files.push(...(await below(path)));
  }
  return files;
}

async function below(dir: string): Promise<string[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  const out: string[] = [];
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await below(path)));
    else if (e.name.endsWith(EXTENSION)) out.push(path);
  }
  return out;
}
