import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freeFixedPort, hasPython, runProcess, sockshell } from '../helpers/proc.js';

/**
 * `sockshell grade --csv FILE`, the gradebook an instructor pastes into a spreadsheet or imports into
 * an LMS (instructor trial 2): read back with python3's csv module (RFC 4180's quoting), its rows
 * checked against the JSON of the same run. A submission folder named with a comma and quotes makes
 * the quoting matter; the failure reasons hold commas and quotes of their own.
 */
const dir = mkdtempSync(join(tmpdir(), 'sockshell-grade-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const QUOTED = 'lower, "cases"';

/** test/grading/udp-server's transcripts and three of its submissions, one renamed, on a free port. */
async function batch(): Promise<{ submissions: string; transcripts: string }> {
  const from = new URL('../grading/udp-server/', import.meta.url);
  const port = String(await freeFixedPort());
  const submissions = join(dir, 'submissions');
  const copies: [string, string][] = [
    ['textbook', 'textbook'],
    ['lower-cases', QUOTED],
    ['no-loop', 'no-loop'],
  ];
  for (const [name, as] of copies) cpSync(new URL(`submissions/${name}/`, from), join(submissions, as), { recursive: true });
  const transcripts = join(dir, 'transcripts');
  cpSync(new URL('transcripts/', from), transcripts, { recursive: true });
  for (const name of readdirSync(transcripts)) {
    const path = join(transcripts, name);
    if (statSync(path).isFile()) writeFileSync(path, readFileSync(path, 'utf8').replace(/\b21212\b/g, port));
  }
  return { submissions, transcripts };
}

interface Json {
  submissions: { submission: string; score: number; max_score: number; tests: { file: string; outcome: string }[] }[];
}

describe.runIf(hasPython)('sockshell grade --csv: the gradebook', () => {
  it('a row per submission with its score, max score, a verdict per transcript and the first failure, as csv reads it', async () => {
    const { submissions, transcripts } = await batch();
    const [csv, json] = [join(dir, 'grades.csv'), join(dir, 'results.json')];
    const r = await sockshell([
      'grade',
      '-j',
      '3',
      '--feedback',
      'student',
      '--csv',
      csv,
      '--json',
      json,
      '--with',
      'python3 {submission}/UDPServer.py {port}',
      submissions,
      transcripts,
    ]);
    expect(r.status, r.stdout + r.stderr).toBe(1);
    const raw = readFileSync(csv, 'utf8');
    expect(raw.endsWith('\r\n')).toBe(true);
    expect(raw.split('\r\n').every((line) => !line.includes('\n'))).toBe(true);
    const read = await runProcess('python3', [
      '-c',
      'import csv, json, sys\nwith open(sys.argv[1], newline="") as f: print(json.dumps(list(csv.reader(f, strict=True))))',
      csv,
    ]);
    expect(read.stderr).toBe('');
    const rows = JSON.parse(read.stdout) as string[][];
    // A column per transcript, named by its path below the folder they share.
    const names = ['non-ascii.sockt', 'two-clients.sockt', 'upper.sockt'];
    const files = names.map((n) => join(transcripts, n));
    expect(rows[0]).toEqual(['student', 'score', 'max_score', ...names, 'reason']);
    const results = (JSON.parse(readFileSync(json, 'utf8')) as Json).submissions;
    expect(rows.slice(1).map((row) => row[0])).toEqual(results.map((s) => s.submission));
    expect(rows.slice(1).map((row) => row[0])).toContain(QUOTED);
    for (const [i, s] of results.entries()) {
      const row = rows[i + 1]!;
      expect(row).toHaveLength(files.length + 4);
      expect(row.slice(1, 3)).toEqual([String(s.score), String(s.max_score)]);
      expect(row.slice(3, 3 + files.length)).toEqual(files.map((f) => s.tests.find((t) => t.file === f)!.outcome));
    }
    const byName: Record<string, string[]> = Object.fromEntries(rows.slice(1).map((row) => [row[0]!, row]));
    expect(byName.textbook).toEqual(['textbook', '4', '4', 'passed', 'passed', 'passed', '']);
    const port = readPort(files[0]!);
    expect(byName[QUOTED]!.at(-1)).toBe(
      `non-ascii.sockt: at line 11: c.recvfrom 2048: expected (b'H\\xc3\\x89LLO W\\xc3\\x96RLD', ('127.0.0.1', ${port})), got (b'h\\xc3\\xa9llo w\\xc3\\xb6rld', ('127.0.0.1', ${port}))`,
    );
    expect(byName['no-loop']!.slice(1, 3)).toEqual(['1', '4']);
  });
});

describe.runIf(hasPython)('sockshell grade --csv: non-ASCII names, with and without a byte order mark', () => {
  it('no BOM by default (csv with utf-8 reads the header as student); --csv-bom starts it with EF BB BF (utf-8-sig reads both alike)', async () => {
    const from = new URL('../grading/udp-server/', import.meta.url);
    const root = join(dir, 'bom');
    const name = 'Zoë Ñúñez_4711_assignsubmission_file_';
    cpSync(new URL('submissions/textbook/', from), join(root, 'submissions', name), { recursive: true });
    const transcript = join(root, 'upper.sockt');
    writeFileSync(
      transcript,
      readFileSync(new URL('transcripts/upper.sockt', from), 'utf8').replace(/\b21212\b/g, String(await freeFixedPort())),
    );
    const read = async (file: string, encoding: string): Promise<string[][]> => {
      const r = await runProcess('python3', [
        '-c',
        'import csv, json, sys\nwith open(sys.argv[1], newline="", encoding=sys.argv[2]) as f: print(json.dumps(list(csv.reader(f, strict=True))))',
        file,
        encoding,
      ]);
      expect(r.stderr).toBe('');
      return JSON.parse(r.stdout) as string[][];
    };
    const rows = [
      ['student', 'score', 'max_score', 'upper.sockt', 'reason'],
      [name, '2', '2', 'passed', ''],
    ];
    for (const bom of [false, true]) {
      const csv = join(root, bom ? 'bom.csv' : 'plain.csv');
      const args = ['grade', '--csv', csv, ...(bom ? ['--csv-bom'] : []), '--with', 'python3 {submission}/UDPServer.py {port}'];
      const r = await sockshell([...args, join(root, 'submissions'), transcript]);
      expect(r.status, r.stdout + r.stderr).toBe(0);
      const head = readFileSync(csv).subarray(0, 3);
      expect(head.equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(bom);
      expect(await read(csv, 'utf-8-sig')).toEqual(rows);
      const plain = await read(csv, 'utf-8');
      expect(plain[0]![0]).toBe(bom ? '\ufeffstudent' : 'student');
      expect(plain[1]![0]).toBe(name);
    }
    const lone = await sockshell([
      'grade',
      '--csv-bom',
      '--with',
      'python3 {submission}/UDPServer.py {port}',
      join(root, 'submissions'),
      transcript,
    ]);
    expect(lone.status).toBe(2);
    expect(lone.stderr).toContain('--csv-bom is for the gradebook: give --csv FILE too');
  });
});

function readPort(file: string): string {
  return /^port: (\d+)$/m.exec(readFileSync(file, 'utf8'))![1]!;
}
