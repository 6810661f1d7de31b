/**
 * A connection's end notice says how many bytes were still queued when the FIN came, which is the
 * run's timing, not the program's doing. Instructor trial 7: a web server that sends its reply and
 * closes at once was recorded with its FIN told after a recvuntil (38 bytes queued); in 4 of 5
 * replays the FIN came first (82 queued), that notice was set aside as an unexpected one, and the
 * block after waited 5 s and said "no FIN came: the program did not close its side".
 */
import { describe, expect, it } from 'vitest';
import { asyncMatches, collect, takeUnexpected } from '../src/transcript/async-lines.js';
import type { Bindings } from '../src/transcript/pattern.js';

const none = (): Bindings => new Map();
const recorded = "[c] the peer closed its side (FIN); recv returns b'' after the 38 queued bytes";
const early = "[c] the peer closed its side (FIN); recv returns b'' after the 82 queued bytes";

describe("a connection's end notice, whatever it says of the queue", () => {
  it('matches the same end of the same socket with another count, or none left', () => {
    expect(asyncMatches(recorded, early, none())).toBe(true);
    expect(asyncMatches(recorded, "[c] the peer closed its side (FIN); recv returns b'' from now on", none())).toBe(true);
  });

  it("is not another socket's end, another kind of end, or another notice", () => {
    expect(asyncMatches(recorded, early.replace('[c]', '[d]'), none())).toBe(false);
    expect(
      asyncMatches(recorded, "[c] the connection ended (FIN or reset; the OS did not say which); recv returns b'' from now on", none()),
    ).toBe(false);
    expect(asyncMatches(recorded, '[c] 82 bytes are waiting; recv will return them', none())).toBe(false);
    expect(asyncMatches('[c] 82 bytes are waiting; recv will return them', '[c] 44 bytes are waiting; recv will return them', none())).toBe(
      false,
    );
  });

  it('an early one is kept for the later block that expects it, and found there', async () => {
    // The block of the sendall: its own notice came, and the FIN's, earlier than recorded.
    const pool = ['[c] 82 bytes are waiting; recv will return them', early];
    const first = await collect(['[c] 82 bytes are waiting; recv will return them'], pool, none(), { timeoutMs: 0 });
    expect(first.lines).toEqual(['[c] 82 bytes are waiting; recv will return them']);
    expect(takeUnexpected(pool, [recorded], none())).toEqual([]);
    // The block of the recvuntil, where the transcript has it.
    const second = await collect([recorded], pool, none(), { timeoutMs: 0 });
    expect(second.lines).toEqual([early]);
    expect(pool).toEqual([]);
  });
});
