import type { EngineEvent } from '../engine/types.js';
import type { Output } from '../core/output.js';

/**
 * The textbook's serverName "is looked up by DNS": the first time a session sends to or connects to
 * a host by name, one line says what the name became. Once per name, so a client loop says it once.
 */
export class LookupNotes {
  private readonly told = new Set<string>();

  note(event: EngineEvent): Output | null {
    let name: string | null;
    let host: string | undefined;
    if (event.kind === 'sent') [name, host] = [event.named, event.to?.host];
    else if (event.kind === 'connected') [name, host] = [event.named, event.remote.host];
    else return null;
    if (name === null || host === undefined || this.told.has(name)) return null;
    this.told.add(name);
    return { kind: 'info', text: `${name} is ${host}: the OS looked the name up (DNS, or /etc/hosts); packets carry the address` };
  }
}
