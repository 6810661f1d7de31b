import { join } from 'node:path';
import { PEERS, startServer, type Server } from './proc.js';
import { waitFor } from './wait.js';

/** A test/peers/UnixPeer.py process: one step per line written, one outcome line back per step. */
export interface UnixPeer {
  readonly server: Server;
  /** Writes steps without waiting for their lines. */
  tell(...steps: string[]): void;
  /** Writes one step and resolves with the outcome it printed ("recv ConnectionResetError"). */
  step(line: string): Promise<string>;
}

/** Starts UnixPeer.py as role at path, once it says ready (listen: bound and listening; connect: connected). */
export async function unixPeer(role: 'listen' | 'connect', path: string): Promise<UnixPeer> {
  const server = await startServer('python3', [join(PEERS, 'UnixPeer.py'), role, path], 'ready');
  const lines = (): string[] => server.output().split('\n').slice(1, -1);
  const peer: UnixPeer = {
    server,
    tell: (...steps) => void server.child.stdin!.write(steps.map((s) => s + '\n').join('')),
    step: async (line) => {
      const before = lines().length;
      peer.tell(line);
      await waitFor(
        () => lines().length > before,
        () => `the peer's answer to ${line}: ${server.output()}`,
      );
      return lines()[before]!;
    },
  };
  return peer;
}
