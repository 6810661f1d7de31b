/**
 * Student feedback when what never came is a connection's end: the transcript's FIN notice is the
 * missing line, and the bytes before it did arrive (user trial 5: a server that never closes its
 * connection socket was told "nothing arrived on clientSocket").
 */
import { describe, expect, it } from 'vitest';
import { studentFeedback } from '../src/transcript/feedback.js';
import { parseTranscript } from '../src/transcript/format.js';

const TEXT = `A TCP server's reply and its close.

  sockshell> clientSocket = tcp.connect 127.0.0.1 12000
  sockshell clientSocket> clientSocket.send "hello tcp"
  9
  [clientSocket] 9 bytes are waiting to be read
  [clientSocket] the peer closed its side (FIN); recv returns b'' once the bytes before it are read
`;

describe('feedback for a connection that did not end', () => {
  it('says the FIN did not come, not that nothing arrived', () => {
    const { transcript, errors } = parseTranscript(TEXT);
    expect(errors).toEqual([]);
    const index = transcript.blocks.findIndex((b) => b.source.includes('send'));
    const block = transcript.blocks[index]!;
    const expected = block.expected.map((e) => e.text);
    const lines = studentFeedback({
      transcript,
      failure: { block, expected, got: expected.slice(0, 2), stopped: true, cutShort: null, meanwhile: [] },
      programExit: null,
      hasProgram: true,
      stderrTail: [],
      timeoutMs: 5000,
    });
    const end = expected[2]!;
    expect(lines).toContain(
      `at line ${block.expected.find((e) => e.text === end)!.line}: clientSocket's connection did not end (no FIN came: the program did not close its side); line ${block.line} before it (clientSocket.send "hello tcp") did what was expected`,
    );
    expect(lines).toContain(
      `got:      clientSocket's connection did not end (no FIN came: the program did not close its side) within --timeout (5 s)`,
    );
    expect(lines.join('\n')).not.toMatch(/nothing arrived/);
  });

  it("a recv that waited for b'' and timed out: the program did not close its side (a TCP server without close())", () => {
    const text = `A TCP server's reply and its close.

  sockshell> c = tcp.connect 127.0.0.1 12000
  sockshell c> c.recv 1024
  b''
`;
    const { transcript, errors } = parseTranscript(text);
    expect(errors).toEqual([]);
    const block = transcript.blocks.find((b) => b.source.includes('recv'))!;
    const lines = studentFeedback({
      transcript,
      failure: {
        block,
        expected: ["b''"],
        got: ['ETIMEDOUT: recv timed out after 5 s; the socket is still usable (TimeoutError)'],
        stopped: true,
        cutShort: null,
        meanwhile: [],
      },
      programExit: null,
      hasProgram: true,
      stderrTail: [],
      timeoutMs: 5000,
    });
    expect(lines).toContain("no end of the connection came: the program did not close its side (close()), so recv could not return b''");
  });
});
