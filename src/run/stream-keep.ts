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
  const clients = new Map<SocketHandle, { sent: number; readonly address: Address | null }>();
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
      const counts = { sent: 0, received: 0, address };
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

/**
 * The end of input for one client: its FIN; false if shutdown refused (a client that has gone: its own
 * pump says so). Without the addon the FIN goes once Node's buffer has: a failure then is its pump's too.
 */
function finish(s: Streamer, socket: SocketHandle): boolean {
  try {
    const sent = s.engine.shutdown(socket, 'wr');
    if (sent instanceof Promise) sent.catch(() => undefined);
    return true;
  } catch {
    return false;
  }
}

/** Clients by address, for a # line: the first few, then how many more. */
function named(addresses: readonly (Address | null)[]): string {
  const shown = addresses.slice(0, 3).map(clientRepr);
  const more = addresses.length - shown.length;
  if (more > 0) return `${shown.join(', ')} and ${more} more`;
  return shown.length <= 1 ? (shown[0] ?? '') : `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)!}`;
}

/**
 * listen -k: standard input to every client connected when it is read, counted for each and in all;
 * at its end, a FIN to each (ended: the accept loop says so of each client after it).
 */
function broadcast(
  s: Streamer,
  clients: ReadonlyMap<SocketHandle, { sent: number; readonly address: Address | null }>,
  served: { sent: number },
): { readonly ended: boolean } {
  const state = { ended: false };
  let carried = false; // a byte of input was read: its end is news to a client (else, see the end's line)
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
        s.say(ended(s, clients, carried));
        return;
      }
      if (chunk.length > 0) carried = true;
      await Promise.all([...clients].map(([c, counts]) => send(c, counts, chunk)));
    }
  };
  run().catch(() => undefined); // ends with Ctrl-C, as the accept loop does
  return state;
}

/**
 * The end of input, told to whom: a FIN to each client connected then, as ncat -k does, when the input
 * carried bytes. An empty input (stdin at /dev/null: a sink) ends at once, in a race with the first
 * clients: ncat's FIN then reaches only one that connected within that first moment. None is sent, so
 * every client is treated as one that connects after the end (sent nothing, its stream left open).
 */
function ended(s: Streamer, clients: ReadonlyMap<SocketHandle, { readonly address: Address | null }>, carried: boolean): string {
  if (clients.size === 0) return 'end of input: no client is connected; nothing will be sent to those that connect';
  const all = [...clients];
  if (!carried) {
    const who = named(all.map(([, c]) => c.address));
    return `end of input before any byte of it: no FIN sent; ${who} ${all.length === 1 ? 'keeps its stream' : 'keep their streams'} open, as a client that connects later would; still receiving`;
  }
  const finned = all.filter(([c]) => finish(s, c)).map(([, c]) => c.address);
  const gone = all.length - finned.length;
  const left = gone === 0 ? '' : `; ${gone === 1 ? 'one client had' : `${gone} clients had`} gone already (its line says how)`;
  return finned.length === 0
    ? `end of input: no FIN sent${left}; still receiving`
    : `end of input: sent FIN (shutdown SHUT_WR) to ${named(finned)}${left}; still receiving`;
}
