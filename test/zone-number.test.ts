/**
 * An interface typed by its number after '%' (fe80::3%1, the scope id Python shows) is that interface
 * whether or not it has an IPv6 address: Node's os.networkInterfaces gives a number only with one, so
 * lo without a link-local address (number 1 on Linux) was refused as "no interface of this host",
 * where Python's ('fe80::3', 5000, 0, 1) goes to lo (closing note of 2026-12-05). The addon asks the
 * kernel (if_indextoname).
 */
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { nativeCalls } from '../src/engine/index.js';
import { namedZone } from '../src/engine/ipv6-scope.js';
import { CoreDriver } from './helpers/core-driver.js';
import { hasPython } from './helpers/proc.js';

let driver: CoreDriver | null = null;
afterEach(async () => {
  await driver?.close();
  driver = null;
});

describe.runIf(process.platform === 'linux' && nativeCalls().calls !== null)('a zone typed as a number', () => {
  it('1 is lo, link-local address or not; a number no interface has is refused', () => {
    expect(namedZone('fe80::3%1')).toBe('fe80::3%lo');
    expect(namedZone('fe80::3%99999')).toBeNull();
  });

  it.runIf(hasPython)("a sendto there fails or succeeds as Python's does", async () => {
    const python = spawnSync(
      'python3',
      [
        '-c',
        "import errno\nfrom socket import *\ns = socket(AF_INET6, SOCK_DGRAM)\ntry:\n    s.sendto(b'hi', ('fe80::3', 5000, 0, 1)); print('sent')\nexcept OSError as e:\n    print(errno.errorcode[e.errno])",
      ],
      { encoding: 'utf8' },
    );
    const expected = python.stdout.trim();
    driver = new CoreDriver();
    await driver.ok('s = udp.socket -6');
    const ran = await driver.run('s.sendto hi fe80::3%1 5000');
    if (expected === 'sent') expect(ran.err).toBe('');
    else expect(ran.err).toContain(`${expected}:`);
  });
});
