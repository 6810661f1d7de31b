import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The source tree as text and its import graph, read from src/ by pattern (no compiler): what the
 * containment and layering tests check. Paths are src-relative with forward slashes ('engine/udp.ts').
 */
export const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every module of src/, by src-relative path. */
export const FILES: ReadonlyMap<string, string> = new Map(
  sources(SRC).map((f) => [relative(SRC, f).replace(/\\/g, '/'), readFileSync(f, 'utf8')]),
);

/** Module specifiers a file loads at run time: static imports and re-exports (not `import type`), and import(). */
export function runtimeImports(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s+(?!type\b)[^;]*?\bfrom\s+'([^']+)'/gm)) found.push(m[1]!);
  for (const m of text.matchAll(/^\s*import\s+'([^']+)'/gm)) found.push(m[1]!);
  for (const m of text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)) found.push(m[1]!);
  return found;
}

/** Every module specifier a file names, types included: what a reader must know to follow it. */
export function allImports(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?\bfrom\s+'([^']+)'/gm)) found.push(m[1]!);
  for (const m of text.matchAll(/^\s*import\s+'([^']+)'/gm)) found.push(m[1]!);
  for (const m of text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)) found.push(m[1]!);
  return found;
}

/** src-relative path of a relative specifier ('./x.js' → 'dir/x.ts'). */
export function resolveLocal(from: string, spec: string): string {
  return relative(SRC, resolve(SRC, dirname(from), spec))
    .replace(/\\/g, '/')
    .replace(/\.js$/, '.ts');
}

/** The modules of src/ a file imports (types included when `types`), as src-relative paths. */
export function localImports(file: string, types: boolean): string[] {
  const text = FILES.get(file);
  if (text === undefined) throw new Error(`unresolved module ${file}`);
  return (types ? allImports(text) : runtimeImports(text)).filter((s) => s.startsWith('.')).map((s) => resolveLocal(file, s));
}

/** Every module loaded at run time once `entry` is. */
export function closure(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    if (!FILES.has(file)) throw new Error(`unresolved module ${file}`);
    seen.add(file);
    for (const target of localImports(file, false)) visit(target);
  };
  visit(entry);
  return seen;
}

/** The node: built-ins a file loads at run time. */
export const builtins = (file: string): string[] => runtimeImports(FILES.get(file)!).filter((s) => s.startsWith('node:'));
