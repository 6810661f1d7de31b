import { closeSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LessonMode } from './lesson-file.js';

/**
 * Where each lesson stands, kept in a small JSON file (SessionServices.lessonState: the REPL's is
 * under the user's state directory) so that leaving the shell and starting `lesson udp` again
 * resumes at the step reached. Keys are the lesson and its mode ('udp', 'tcp --server'). Progress is
 * a convenience: a file that cannot be read counts as no progress, and one that cannot be written
 * leaves the lesson going on, not failing.
 */
export interface Place {
  /** The index of the step to do next. */
  readonly at: number;
  /**
   * What the student typed to do each step before `at`, by step: their own lines (their port, their
   * names), so a later session can show them to type again. Empty for a step done by what the engine
   * saw from another terminal; two lines where a near miss was kept (`connectionSocket.recv 1024`,
   * then `sentence = $_`).
   */
  readonly typed: readonly (readonly string[])[];
}

export type SavedPlaces = Readonly<Record<string, Place>>;

/** The key of a lesson in a mode, in the places of a session and of the state file: 'udp', 'tcp --server'. */
export function placeKey(name: string, mode: LessonMode): string {
  return mode === 'one' ? name : `${name} --${mode}`;
}

/** Where one lesson under way stands: its entry in the session's places, written through to the state file. */
export class Standing {
  constructor(
    /** This session's places, by key. */
    private readonly places: Map<string, Place>,
    readonly key: string,
    /** How many steps the lesson has in its mode. */
    private readonly steps: number,
    /** The state file; undefined: this session only. */
    private readonly file: string | undefined,
  ) {}

  get at(): number {
    return this.places.get(this.key)?.at ?? 0;
  }

  /** What the student typed for each step before the current one. */
  typed(): readonly (readonly string[])[] {
    return this.places.get(this.key)?.typed ?? [];
  }

  /** Moves to step `at`, the student's lines for the step left behind kept with the place. */
  moveTo(at: number, lines: readonly string[]): void {
    const was = this.places.get(this.key) ?? { at: 0, typed: [] };
    const typed = Array.from({ length: at }, (_, i) =>
      i < was.at ? (was.typed[i] ?? []) : i === was.at ? lines.map((l) => l.trim()) : [],
    );
    const place = { at, typed };
    this.places.set(this.key, place);
    if (this.file !== undefined) writePlace(this.file, this.key, at < this.steps ? place : null);
  }

  /** The lesson is done: `lesson NAME` starts it afresh. */
  forget(): void {
    this.places.delete(this.key);
  }
}

export function readPlaces(file: string): SavedPlaces {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
    return Object.fromEntries(
      Object.entries(parsed).flatMap(([key, value]): [string, Place][] => {
        const place = asPlace(value);
        return place === null ? [] : [[key, place]];
      }),
    );
  } catch {
    return {};
  }
}

/**
 * Records key's place (null: forgets it, when the lesson is done or started over). Two terminals of
 * one lesson write the same file at the same moment (the client's connect and the server's
 * accept-queue step are one event), so the read and the write are one step under a lock file: without
 * it, one shell wrote back the other's place as it had read it a moment before.
 */
export function writePlace(file: string, key: string, place: Place | null): void {
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  } catch {
    return; // No state directory we may write: the lesson goes on; only leaving the shell loses the place.
  }
  const unlock = lock(`${file}.lock`);
  try {
    const places: Record<string, Place> = { ...readPlaces(file) };
    if (place === null) delete places[key];
    else places[key] = place;
    // Written beside it and renamed, so a reader never sees half a file.
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(places) + '\n', { mode: 0o600 });
    renameSync(temp, file);
  } catch {
    // A file we may not write: as above.
  } finally {
    unlock();
  }
}

/** How long a lock may be held before it counts as left by a shell that died holding it. */
const STALE_MS = 2000;
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/**
 * Takes the lock file (created exclusively), waiting a few milliseconds at a time while another
 * shell holds it, for at most about half a second; returns its release. A lock that cannot be had
 * (a stale one is removed first) is gone without: a place is a convenience, never worth a hang.
 */
function lock(path: string): () => void {
  for (let tries = 0; tries < 100; tries++) {
    try {
      closeSync(openSync(path, 'wx', 0o600));
      return () => {
        try {
          unlinkSync(path);
        } catch {
          // Already removed as stale by another shell.
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') break;
      try {
        if (Date.now() - statSync(path).mtimeMs > STALE_MS) unlinkSync(path);
      } catch {
        // Released meanwhile: try again.
      }
      Atomics.wait(PAUSE, 0, 0, 5);
    }
  }
  return () => {};
}

/** A place as the file holds it; a bare step number is how the first version wrote one (no lines kept). */
function asPlace(value: unknown): Place | null {
  const isAt = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 0;
  if (isAt(value)) return { at: value, typed: [] };
  if (typeof value !== 'object' || value === null) return null;
  const { at, typed } = value as { at?: unknown; typed?: unknown };
  if (!isAt(at)) return null;
  const lines = Array.isArray(typed) ? typed : [];
  return { at, typed: lines.map((step) => (Array.isArray(step) ? step.filter((l): l is string => typeof l === 'string') : [])) };
}
