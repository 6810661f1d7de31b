import { HANG_MS } from './helpers/wait.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TABLE } from '../src/commands/table.js';
import { bytes } from '../src/lang/values.js';
import { comment } from '../src/spec/python.js';
import type { CommandDef } from '../src/spec/command.js';
import { CoreDriver } from './helpers/core-driver.js';

/**
 * One stream of what happened: the engine tells of every completed socket call, and `diagram` draws
 * from that alone. A command written today, with no diagram code of its own, shows in the diagram, as
 * do sendfile and recvfile (whose handlers never wrote the diagram's log).
 */

/** A command no release has: sendall DATA, then recv what comes back. It knows nothing of views. */
const pingOnce: CommandDef = {
  name: 'pingonce',
  group: 'socket',
  method: true,
  usage: 'pingonce DATA',
  forms: [[{ name: 'DATA', kind: 'data' }]],
  summary: 'test only: sendall DATA, then recv up to 1024 bytes',
  python: { none: 'a command of this test only' },
  example: 'pingonce hi',
  toPython: () => comment('pingonce'),
  async run(ctx) {
    const s = ctx.socket();
    const arg = ctx.args[0]!.value;
    const data = Buffer.from(arg.kind === 'str' ? arg.value : '');
    await ctx.session.engine.sendall(s, data, ctx.block);
    return bytes(await ctx.session.engine.recv(s, 1024, ctx.block));
  },
};

// The command table is one module-level map; vitest gives each test file its own copy of the modules.
const table = TABLE as Map<string, CommandDef>;
beforeAll(() => table.set(pingOnce.name, pingOnce));
afterAll(() => table.delete(pingOnce.name));

let shell: CoreDriver;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sockshell-stream-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => shell.close());

/** A connected pair in the shell: c (client) and k (the connection socket accept returned). */
async function pair(): Promise<void> {
  shell = new CoreDriver({ maxWaitMs: HANG_MS });
  await shell.ok('w = tcp.listen 127.0.0.1 0', 'a = w.getsockname', 'c = tcp.connect $a', 'k, addr = w.accept');
}

describe('one event stream', () => {
  it('a new command that calls the engine shows in the diagram with no diagram code', async () => {
    await pair();
    await shell.ok('k.send pong');
    expect(await shell.ok('c.pingonce hello')).toBe("b'pong'\n");
    await shell.ok('k.recv 1024');
    const diagram = await shell.ok('diagram');
    // pingonce's two socket calls, on c's lane, from the engine's events alone.
    expect(diagram).toMatch(/c\s.*sendall 5 B b'hello'.*►│/s);
    expect(diagram).toContain("recv → 4 B b'pong'");
    expect(diagram).toContain("recv → 5 B b'hello'");
  });

  it('sendfile and recvfile show in the diagram, as what each moved and the file', async () => {
    const source = join(dir, 'photo.bin');
    const copy = join(dir, 'copy.bin');
    writeFileSync(source, Buffer.alloc(3000, 7));
    await pair();
    await shell.ok(`c.sendfile ${source}`, 'c.shutdown wr', `k.recvfile ${copy}`);
    const diagram = await shell.ok('diagram --mermaid');
    const rows = diagram.split('\n').map((l) => l.trim());
    // Lanes: p0 w, p1 c, p2 k.
    expect(rows).toContain(`p1->>p2: sendfile 3000 B of ${source}`);
    expect(rows).toContain('p1-->>p2: FIN (shutdown wr)');
    expect(rows).toContain(`Note right of p2: recvfile → 3000 B into ${copy}`);
  });

  it('a socket a script leaves open is drawn closing when the script ends: the engine closed it', async () => {
    await pair();
    const script = join(dir, 'leaves-open.sock');
    writeFileSync(script, 'u = udp.socket\nu.sendto hi 127.0.0.1 9\n');
    await shell.ok(`run ${script}`);
    const diagram = await shell.ok('diagram --mermaid');
    expect(diagram).toMatch(/sendto 2 B b'hi'/);
    expect(diagram).toMatch(/Note right of p\d: close/);
  });
});
