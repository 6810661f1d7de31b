import { describe, expect, it } from 'vitest';
import { FILES, localImports } from './helpers/import-graph.js';

/**
 * The layers of src/, lowest first. A module may import (types included) only from its own layer
 * and the layers before it, so each folder can be read knowing only the ones above it in this list,
 * and none is pulled into a knot with another. A new folder fails this test until it is placed here.
 */
const LAYERS = [
  'core', // spans, the shell's errors, Output, cancellation, background jobs: nothing of ours
  'engine', // the sockets: imports nothing of ours, never prints
  'relay', // a UDP/TCP relay with seeded impairments (loss, delay, duplicate, reorder, rate): its own sockets, never prints
  'lang', // lexer, parser, values, comparisons: the language, no commands
  'record', // what a session keeps of what happened: the exchange log (diagram), the export log, the last trouble (explain)
  'spec', // what a command is: CommandDef, its arguments and flags, its Python spelling, the services it may call
  'render', // text from values, spans, socket infos and command definitions
  'explain', // the paragraphs explain prints
  'diagram', // the ladder from the exchange log, and its text, Mermaid and SVG
  'export', // the Python writer
  'commands', // the command table: every handler, and compile (checks a program against the table)
  'interp', // the interpreter
  'session', // a session: engine, jobs, interpreters, output events
  'repl', // front ends
  'run',
  'transcript',
  'subcommands.ts', // the command line's subcommands and their help
  'commandline', // each subcommand's action, and the parsing of its words
  'cli.ts', // the only module that touches argv, exit status and process signals
] as const;

/** The layer of a src-relative path: its top folder, or the file itself at the top. */
const layerOf = (file: string): string => file.split('/')[0]!;
const rank = (file: string): number => LAYERS.indexOf(layerOf(file) as (typeof LAYERS)[number]);

/** Every import that crosses from one layer into another, types included. */
const crossings = [...FILES.keys()].flatMap((file) =>
  localImports(file, true)
    .filter((target) => layerOf(target) !== layerOf(file))
    .map((target) => ({ file, target })),
);

describe('layers', () => {
  it('every folder of src/ is placed in the list, and every layer listed exists', () => {
    const present = new Set([...FILES.keys()].map(layerOf));
    expect([...present].filter((l) => rank(l) < 0)).toEqual([]);
    expect(LAYERS.filter((l) => !present.has(l))).toEqual([]);
  });

  it('no module imports from a layer above its own', () => {
    const upward = crossings
      .filter(({ file, target }) => rank(target) > rank(file))
      .map(({ file, target }) => `${file} imports ${target}: ${layerOf(file)} is below ${layerOf(target)}`);
    expect(upward).toEqual([]);
  });

  it('no import cycle between folders', () => {
    const edges = new Map<string, Set<string>>();
    for (const { file, target } of crossings) {
      const from = layerOf(file);
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)!.add(layerOf(target));
    }
    expect(cycles(edges)).toEqual([]);
  });

  it('only cli.ts ends the process, sets its exit status or handles its signals', () => {
    const EXITS = /\bprocess\.(exit|reallyExit|abort)\s*\(|\bprocess\.exitCode\b/;
    const HOOKS =
      /\bprocess\.(on|once|addListener|prependListener|prependOnceListener|off|removeListener|removeAllListeners)\s*\(\s*['"](SIG\w+|exit|beforeExit|uncaughtException|unhandledRejection)['"]/;
    const offenders = [...FILES]
      .filter(([file, text]) => file !== 'cli.ts' && (EXITS.test(text) || HOOKS.test(text)))
      .map(([file]) => file);
    expect(offenders).toEqual([]);
  });
});

/** Each cycle of the folder graph, once, as 'a → b → a' (a depth-first search from every folder). */
function cycles(edges: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const found = new Set<string>();
  const walk = (path: readonly string[]) => {
    for (const next of edges.get(path[path.length - 1]!) ?? []) {
      const at = path.indexOf(next);
      if (at >= 0) {
        const loop = path.slice(at);
        // The same cycle found from another folder: name it from its smallest folder.
        const start = loop.indexOf([...loop].sort()[0]!);
        found.add([...loop.slice(start), ...loop.slice(0, start), loop[start]].join(' → '));
      } else walk([...path, next]);
    }
  };
  for (const start of edges.keys()) walk([start]);
  return [...found].sort();
}
