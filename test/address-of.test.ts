import { describe, expect, it } from 'vitest';
import { ADDRESS_BYTES, ADDRESS_RAW_BYTES, addressOf } from '../src/engine/native.js';

/** An address as the addon writes it (native/sockshell.c put_address): family, text length, port, raw address, scope, text. */
function written(ip: number[], port: number, text: string): Buffer {
  const b = Buffer.alloc(ADDRESS_BYTES);
  b[0] = ip.length === 4 ? 4 : 6;
  b[1] = text.length;
  b.writeUInt16BE(port, 2);
  Buffer.from(ip).copy(b, 4);
  b.write(text, ADDRESS_RAW_BYTES, 'latin1');
  return b;
}

/**
 * addressOf reuses the host text of the last raw address it read (issue 16: each held connection kept
 * its own copy of '127.0.0.1'). The port is not part of what it compares, the address and its family are.
 */
describe('addressOf', () => {
  it('reads the host and port, the same host text again for another port, and a new one for another host', () => {
    const a = addressOf(written([127, 0, 0, 1], 40001, '127.0.0.1'), 4);
    const b = addressOf(written([127, 0, 0, 1], 40002, '127.0.0.1'), 4);
    const c = addressOf(written([127, 0, 0, 2], 40002, '127.0.0.2'), 4);
    expect([a, b, c]).toEqual([
      { host: '127.0.0.1', port: 40001, family: 4 },
      { host: '127.0.0.1', port: 40002, family: 4 },
      { host: '127.0.0.2', port: 40002, family: 4 },
    ]);
    const v6 = addressOf(written([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], 40003, '::1'), 6);
    expect(v6).toEqual({ host: '::1', port: 40003, family: 6 });
    expect(addressOf(written([127, 0, 0, 2], 1, '127.0.0.2'), 4).host).toBe('127.0.0.2');
  });
});
