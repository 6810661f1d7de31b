import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLI, freeFixedPort, sockshell, startServer, type Server } from '../helpers/proc.js';

/**
 * The README's Scripts section runs the four textbook programs and says what each prints (user
 * trial: it said `# prints: HELLO` where the client prints `Input lowercase sentence:HELLO`). Each
 * line is run as written, on a fresh port (serverPort=N, as the section's own TCP lines do), and its
 * output is compared with its `# prints:` comment.
 */
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('\n## Scripts\n'));
const block = section.slice(section.indexOf('```sh\n') + 6, section.indexOf('\n```', section.indexOf('```sh\n')));
const LINE = /^(?:echo "([^"]*)" \| )?sockshell (run \S+(?: \w+=\S+)*)\s*(&)?\s*# prints: (.*)$/;
const lines = block.split('\n').map((l) => {
  const m = LINE.exec(l);
  if (m === null) throw new Error(`a line of the README's Scripts block this test cannot read: ${l}`);
  return { input: m[1], words: m[2]!.split(' ').filter((w) => !w.startsWith('serverPort=')), background: m[3] === '&', prints: m[4]! };
});

describe("the README's Scripts section", () => {
  it('has the four textbook programs, each with what it prints', () => {
    expect(lines.map((l) => l.words[1])).toEqual([
      'scripts/UDPServer.sock',
      'scripts/UDPClient.sock',
      'scripts/TCPServer.sock',
      'scripts/TCPClient.sock',
    ]);
  });

  it('each line prints what its comment says', async () => {
    const servers: Server[] = [];
    try {
      let port = 0;
      for (const l of lines) {
        if (l.background) {
          port = await freeFixedPort();
          servers.push(await startServer(process.execPath, [CLI, ...l.words, `serverPort=${port}`], `${l.prints}\n`));
          continue;
        }
        const r = await sockshell([...l.words, `serverPort=${port}`], { input: `${l.input ?? ''}\n` });
        expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 0, stdout: `${l.prints}\n` });
      }
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }
  });
});
