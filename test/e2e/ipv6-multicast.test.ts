/**
 * IPv6 multicast as Python does it, between the two ends of a veth pair in a network namespace of the
 * test's own (`unshare -rn`: no root, no traffic outside it; lo has no multicast for IPv6). v0 holds
 * fe80::a and v1 fe80::b (nodad, so they are usable at once). A datagram to ff02::1:3 that leaves by
 * v0 arrives on v1, where the receiver joined the group. Skipped where such a namespace cannot be made.
 *
 * Each side is played once by the shell and once by Python: the shell's receiver against Python's
 * sender, then the receiver's export (the Python `sockshell export` writes) against the shell's sender.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, hasPython, runProcess } from '../helpers/proc.js';

const NAMESPACE = [
  'ip link set lo up',
  'ip link add v0 type veth peer name v1',
  'ip link set v0 up',
  'ip link set v1 up',
  'ip -6 addr add fe80::a/64 dev v0 nodad',
  'ip -6 addr add fe80::b/64 dev v1 nodad',
].join(' && ');

const namespaces = process.platform === 'linux' && spawnSync('unshare', ['-rn', 'sh', '-c', NAMESPACE]).status === 0;
// IPV6_MULTICAST_IF is set on the descriptor by the addon; dist is built by the e2e setup.
const addon = existsSync(join(ROOT, 'dist/native/sockshell.node')) || !namespaces;

const dir = mkdtempSync(join(tmpdir(), 'sockshell-mcast6-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, lines: readonly string[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

/** Waits (bounded) until some socket in the namespace has joined ff02::1:3: its entry in /proc/net/igmp6. */
const JOINED = 'for i in $(seq 1000); do grep -q ff020000000000000000000000010003 /proc/net/igmp6 && break; sleep 0.01; done';

/** `script` (sh) in a namespace of its own, set up as above. */
function inNamespace(script: string, env: NodeJS.ProcessEnv = {}): ReturnType<typeof runProcess> {
  return runProcess('unshare', ['-rn', 'sh', '-c', `${NAMESPACE} && ${script}`], { env });
}

const RECEIVER = [
  'r = udp.socket -6',
  "r.bind '::' 5007",
  'r.setsockopt IPV6_JOIN_GROUP ff02::1:3 v1',
  'r.settimeout 10',
  'data, sender = r.recvfrom 100',
  'print $data',
  'print $sender',
];

const SENDER = [
  's = udp.socket -6',
  's.setsockopt IPV6_MULTICAST_IF v0',
  's.setsockopt IPV6_MULTICAST_HOPS 1',
  's.sendto "hello group" ff02::1:3 5007',
];

const PYTHON_SENDER = [
  'from socket import *',
  's = socket(AF_INET6, SOCK_DGRAM)',
  "s.bind(('fe80::a', 7000, 0, if_nametoindex('v0')))",
  "s.setsockopt(IPPROTO_IPV6, IPV6_MULTICAST_IF, if_nametoindex('v0'))",
  "s.sendto(b'hello group', ('ff02::1:3', 5007))",
];

describe.runIf(namespaces && hasPython && addon)('IPv6 multicast, in a network namespace of the test', () => {
  it("the shell's receiver joins on v1 and gets Python's datagram sent by v0, on both engines", async () => {
    const receiver = file('receiver.sock', RECEIVER);
    const sender = file('sender.py', PYTHON_SENDER);
    for (const engine of ['native', 'loop']) {
      const r = await inNamespace(`${process.execPath} ${CLI} run ${receiver} & ${JOINED}; python3 ${sender}; wait`, {
        SOCKSHELL_ENGINE: engine,
      });
      // The sender as Python's recvfrom gives it: its link-local address, and v1's number as scope id.
      expect({ engine, stdout: r.stdout, stderr: r.stderr }).toEqual({
        engine,
        stdout: expect.stringMatching(/^hello group\n\('fe80::a', 7000, 0, \d+\)\n$/) as unknown,
        stderr: '',
      });
    }
  });

  it("the receiver's export, run by python3, gets the shell's datagram sent by IPV6_MULTICAST_IF v0", async () => {
    const exported = await runProcess(process.execPath, [CLI, 'export', file('receiver2.sock', RECEIVER)]);
    expect(exported.stderr).toBe('');
    expect(exported.stdout).toContain(
      "r.setsockopt(IPPROTO_IPV6, IPV6_JOIN_GROUP, inet_pton(AF_INET6, 'ff02::1:3') + struct.pack('@I', if_nametoindex('v1')))",
    );
    const receiver = file('receiver.py', [exported.stdout]);
    const sender = file('sender.sock', SENDER);
    const r = await inNamespace(`python3 ${receiver} & ${JOINED}; ${process.execPath} ${CLI} run ${sender}; wait`);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^hello group\n\('fe80::a', \d+, 0, \d+\)\n$/);
  });
});
