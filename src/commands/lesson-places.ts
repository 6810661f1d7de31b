import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Where each lesson stands, kept in a small JSON file (SessionServices.lessonState: the REPL's is
 * under the user's state directory) so that leaving the shell and starting `lesson udp` again
 * resumes at the step reached. Keys are the lesson and its mode ('udp', 'tcp --server'); values the
 * index of the step to do next. Progress is a convenience: a file that cannot be read counts as no
 * progress, and one that cannot be written leaves the lesson going on, not failing.
 */
export type SavedPlaces = Readonly<Record<string, number>>;

export function readPlaces(file: string): SavedPlaces {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, number] => Number.isInteger(e[1]) && (e[1] as number) >= 0));
  } catch {
    return {};
  }
}

/** Records key's place (null: forgets it, when the lesson is done or started over). */
export function writePlace(file: string, key: string, at: number | null): void {
  const places: Record<string, number> = { ...readPlaces(file) };
  if (at === null) delete places[key];
  else places[key] = at;
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    // Written beside it and renamed, so two shells never leave half a file.
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(places) + '\n', { mode: 0o600 });
    renameSync(temp, file);
  } catch {
    // No state directory we may write: the lesson goes on; only leaving the shell loses the place.
  }
}
