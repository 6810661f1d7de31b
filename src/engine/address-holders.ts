/**
 * Who holds an address, for EADDRINUSE's words (Core.holderOf): another open socket of the engine, or
 * something else of this shell that said it holds one (Engine.holdAddress: a relay job on Node's own
 * sockets).
 */

import type { BaseSocket } from './base.js';
import { overlaps } from './resolve.js';
import type { Holder } from './socket-core.js';
import { TcpSocket } from './tcp.js';
import type { Address, Transport } from './types.js';

export class AddressHolders {
  /** Addresses things of this shell outside the engine hold (hold). */
  private readonly held = new Set<{ transport: Transport; address: Address; holder: Holder }>();

  /** open: the engine's open sockets now. */
  constructor(private readonly open: () => Iterable<BaseSocket>) {}

  /**
   * The holder of address other than asking (null: a bind outside the engine), among sockets of
   * transport and then the things held; null if none. connected: see Core.holderOf.
   */
  holderOf(address: Address, transport: Transport, asking: BaseSocket | null, connected = false): Holder | null {
    for (const s of this.open()) {
      if (s === asking || s.transport !== transport) continue;
      const holds = s instanceof TcpSocket ? s.holds(address) || (connected && overlaps(s.local(), address)) : overlaps(s.local(), address);
      if (holds) return { holder: s.name };
    }
    for (const h of this.held) if (h.transport === transport && overlaps(h.address, address)) return h.holder;
    return null;
  }

  /** Engine.holdAddress: holder holds address until the call returned is made; stop says how to stop it. */
  hold(transport: Transport, address: Address, holder: string, stop: string): () => void {
    const entry = { transport, address, holder: { holder, holderStop: stop } };
    this.held.add(entry);
    return () => void this.held.delete(entry);
  }
}
