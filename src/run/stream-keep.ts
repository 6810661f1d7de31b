import { streamWords } from './stream-words.js';
import { SocketError } from '../engine/index.js';
import type { Address, SocketHandle } from '../engine/types.js';
import { clientRepr, UNKNOWN_CLIENT_WHY } from '../lang/values.js';
import { bytes, clientWait, listening, noClient, pumpSocket, type Streamer } from './stream-sockets.js';

/**
 * TCP listen -k, as ncat -k: every client is served at once; what each sends goes to standard output,
 * and standard input goes to every client connected when it is read. The end of input is a FIN
 * (shutdown SHUT_WR) to every client connected then, as ncat's; a client that connects after it gets
 * nothing from this side, as with ncat (a sink run with stdin at /dev/null must not close every
 * client's stream at once), and its line says so. A client's connection is closed when it closes its side. Ends
 * only with Ctrl-C, which says what was served (connections, bytes each way, those still connected)
 * and gives 130, as the other ways of ending say their totals.
 */
export async function listenKeep(s: Streamer): Promise<number> {
  const { engine, o, say } = s;
  const listener = await listening(s);
  const clients = new Map<SocketHandle, { sent: number }>();
  const served = { connections: 0, sent: 0, received: 0 };
  const pumps = new Set<Promise<void>>();
  const input = broadcast(s, clients, served);
  try {
    for (let first = true; ; first = false) {
      // -w bounds the wait for the first client; after it, clients come and go until Ctrl-C.
      const accepted = await noClient(
        s,
        engine.accept(listener, { ...(first ? clientWait(s) : { signal: o.signal }), owner: 'main', name: 'conn' }),
      );
      if (accepted === null) return 1;
      const { socket, address } = accepted;
      say(
        `connection from ${clientRepr(address)}${address === null ? ` (${UNKNOWN_CLIENT_WHY})` : ''}${input.ended ? ' (the input has ended: nothing will be sent to it)' : ''}`,
      );
      served.connections += 1;
      const counts = { sent: 0, received: 0 };
      clients.set(socket, counts);
      // Counted as they go out, so a client whose pump fails (a reset) still counts what it sent.
      const counting: Streamer = {
        ...s,
        output: (data) => {
          counts.received += data.length;
          served.received += data.length;
          return s.output(data);
        },
      };
      const ending = pumpSocket(counting, socket, null)
        .then(
          (r) => {
            // Ctrl-C ends every pump: the summary says those, not each one as if it had closed.
            if (r.end !== 'cancelled')
              say(`${clientRepr(address)} closed its side; sent ${bytes(counts.sent)}, received ${bytes(counts.received)}`);
          },
          (e: unknown) => say(failedClient(address, counts, e)),
        )
        .finally(() => {
          clients.delete(socket);
          pumps.delete(ending);
          engine.close(socket);
        });
      pumps.add(ending);
    }
  } catch (e) {
    if (!o.signal.aborted) throw e;
    const open = clients.size;
    await Promise.all(pumps); // each ends on the signal, with what it received
    const still = open > 0 ? ` (${open} still connected, closed now)` : '';
    const n = served.connections;
    say(
      `interrupted; served ${n} connection${n === 1 ? '' : 's'}${still}; sent ${bytes(served.sent)}, received ${bytes(served.received)} in all`,
    );
    return 130;
  }
}

/**
 * One client's connection failed (it reset): said with its address and counts, and without the
 * command line's "run the command again", as listen -k goes on serving the others.
 */
function failedClient(address: Address | null, counts: { sent: number; received: number }, e: unknown): string {
  const totals = `sent ${bytes(counts.sent)}, received ${bytes(counts.received)}`;
  if (e instanceof SocketError && e.code === 'ECONNRESET') return `${clientRepr(address)} reset the connection (ECONNRESET); ${totals}`;
  const said = e instanceof Error ? streamWords(e.message).replace('; run the command again for a new one', '') : String(e);
  return `${clientRepr(address)}: ${said}; ${totals}`;
}

/** The end of input for one client: its FIN. One that has gone (a reset) is said by its own pump. */
function finish(s: Streamer, socket: SocketHandle): void {
  try {
    void s.engine.shutdown(socket, 'wr');
  } catch {
    return;
  }
}

/**
 * listen -k: standard input to every client connected when it is read, counted for each and in all;
 * at its end, a FIN to each (ended: the accept loop says so of each client after it).
 */
function broadcast(
  s: Streamer,
  clients: ReadonlyMap<SocketHandle, { sent: number }>,
  served: { sent: number },
): { readonly ended: boolean } {
  const state = { ended: false };
  const send = async (c: SocketHandle, counts: { sent: number }, chunk: Buffer): Promise<void> => {
    try {
      await s.engine.sendall(c, chunk, { signal: s.o.signal });
    } catch {
      return; // a client that has gone is said by its own pump
    }
    counts.sent += chunk.length;
    served.sent += chunk.length;
  };
  const run = async (): Promise<void> => {
    for (;;) {
      const chunk = await s.input(s.o.signal);
      if (chunk === null) {
        state.ended = true;
        const n = clients.size;
        for (const c of clients.keys()) finish(s, c);
        s.say(
          n === 0
            ? 'end of input: no client is connected; nothing will be sent to those that connect'
            : `end of input: sent FIN (shutdown SHUT_WR) to ${n === 1 ? 'the client' : `the ${n} clients`} connected; still receiving`,
        );
        return;
      }
      await Promise.all([...clients].map(([c, counts]) => send(c, counts, chunk)));
    }
  };
  run().catch(() => undefined); // ends with Ctrl-C, as the accept loop does
  return state;
}
