import { describe, expect, it } from 'vitest';
import { neverBound } from '../src/transcript/never-bound.js';

/** The words for a running program that never bound its port, one case per thing it can be seen to hold. */
describe('neverBound', () => {
  const words = { command: 'python3 s/UDPServer.py {port}', given: 'the port it was given as its argument (sys.argv[1])', seconds: '5 s' };

  it('where /proc cannot be read says only what is known: no port question, no guess at what it holds', () => {
    const said = neverBound(null, words);
    expect(said.student).toBe('the program never bound the port it was given as its argument (sys.argv[1]) in 5 s, and was still running');
    expect(said.instructor).toContain('(which ports it held cannot be read here)');
  });

  it('counts the sockets a stuck program holds, and says one as a socket', () => {
    expect(neverBound({ running: 1, sockets: 0, ports: [] }, words).student).toContain('it has opened no socket yet.');
    expect(neverBound({ running: 1, sockets: 1, ports: [] }, words).student).toContain('it has a socket open, but no UDP socket bound');
    expect(neverBound({ running: 2, sockets: 2, ports: [] }, words).student).toContain('it has 2 sockets open, but no UDP socket bound');
  });
});
