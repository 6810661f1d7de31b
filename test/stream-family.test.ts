import { describe, expect, it } from 'vitest';
import { streamRequest } from '../src/commandline/parse.js';

/**
 * `sockshell connect` and `listen` take the family from an address literal, as nc, socat and Python's
 * create_connection do (user trial: `sockshell connect ::1 PORT` failed with EAI_FAMILY without -6).
 * A flag the literal contradicts is a usage error whose advice is a flag to type, not a socket call.
 */
const family = (mode: 'connect' | 'listen', ...argv: string[]) => {
  const r = streamRequest(mode, argv);
  return typeof r === 'string' ? r : r.family;
};

describe('connect and listen: the family from the address', () => {
  it('an IPv6 literal makes an IPv6 socket, without -6', () => {
    expect(family('connect', '::1', '12000')).toBe(6);
    expect(family('listen', '::1', '12000')).toBe(6);
    expect(family('listen', '::', '12000')).toBe(6);
  });

  it('an IPv4 literal, a name or no host stays IPv4; -6 and -4 are taken', () => {
    expect(family('connect', '127.0.0.1', '12000')).toBe(4);
    expect(family('connect', 'localhost', '12000')).toBe(4);
    expect(family('listen', '12000')).toBe(4);
    expect(family('connect', '-6', 'localhost', '12000')).toBe(6);
    expect(family('connect', '-6', '::1', '12000')).toBe(6);
    expect(family('connect', '-4', '127.0.0.1', '12000')).toBe(4);
    const any6 = streamRequest('listen', ['-6', '12000']);
    expect(typeof any6 === 'string' ? any6 : any6.host).toBe('::');
  });

  it('-4 with an IPv6 literal (or -6 with an IPv4 one) is a usage error that says which flag to type', () => {
    expect(family('connect', '-4', '::1', '12000')).toBe(
      "connect: -4 asks for IPv4, but '::1' is an IPv6 address: leave out -4 (the address says IPv6), or give -6",
    );
    expect(family('listen', '-6', '127.0.0.1', '12000')).toBe(
      "listen: -6 asks for IPv6, but '127.0.0.1' is an IPv4 address: leave out -6 (the address says IPv4), or give -4",
    );
    expect(family('connect', '-4', '-6', 'localhost', '12000')).toBe('connect: -4 and -6 ask for two families; give one');
  });
});
