import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../src/transcript/diff.js';
import { parseTranscript, renderItems } from '../src/transcript/format.js';
import { replay } from '../src/transcript/replay.js';
import { HANG_MS } from './helpers/wait.js';

/** Every transcript under test/transcripts replays green: one test case per transcript. */
const dir = new URL('./transcripts/', import.meta.url);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.sockt'))
  .sort();

describe('transcripts', () => {
  it('there are transcripts to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
  });

  it.each(files)('%s', async (file) => {
    const text = readFileSync(new URL(file, dir), 'utf8');
    const { transcript, errors } = parseTranscript(text);
    expect(errors).toEqual([]);
    const result = await replay(transcript, { timeoutMs: HANG_MS });
    const diff = unifiedDiff(text.replace(/\n$/, '').split('\n'), renderItems(result.actual).replace(/\n$/, '').split('\n'), {
      expected: file,
      actual: 'this run',
    });
    expect(diff).toBe('');
    expect(result.passed).toBe(true);
  });
});
