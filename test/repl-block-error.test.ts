import { afterEach, describe, expect, it } from 'vitest';
import { ReplDriver } from './helpers/repl-driver.js';

/**
 * A line with an error inside an open block ends the block at the prompt: nothing of it runs, as
 * Python's REPL drops a block with a SyntaxError. New-user trial 7: the student saw "'while' block is
 * not closed: add 'end'" first, about a block they had not finished typing, and the block was gone
 * without a word.
 */
let repl: ReplDriver | null = null;
afterEach(async () => {
  await repl?.close();
  repl = null;
});

describe('an error inside a block being typed', () => {
  it("says the line's error and that the block was dropped, not that it lacks an 'end'", async () => {
    repl = new ReplDriver();
    await repl.type('serverSocket = udp.bind 127.0.0.1 0');
    await repl.type('while true');
    await repl.type('  message, clientAddress = serverSocket.recvfrom 2048');
    const typed = await repl.type('  modifiedMessage = message.decode().upper()');
    expect(typed.err).not.toContain('not closed');
    expect(typed.err).toContain('write modifiedMessage = upper $message');
    expect(typed.err).toMatch(/\n# the 'while' block typed since line 1 is dropped[^\n]*: type it again\n$/);
    // Back at the shell's prompt, not the block's: the block is gone, and the shell says so.
    expect(repl.out.endsWith('sockshell serverSocket> ')).toBe(true);
  });

  it('names the outer block when blocks are nested', async () => {
    repl = new ReplDriver();
    await repl.type('while true');
    await repl.type('  if true');
    const typed = await repl.type('    while True:');
    expect(typed.err).toMatch(/the 'while' block typed since line 1 is dropped[^\n]*\n$/);
    expect(typed.err).not.toContain("'if' block");
  });
});
