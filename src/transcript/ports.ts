import { ephemeralRange } from '../engine/index.js';
import type { EngineEvent } from '../engine/types.js';

export { ephemeralRange };

/**
 * Ports the OS picked, named [PORT1], [PORT2], … in order of first sight, so a transcript checks
 * "the same port" without knowing its number. Only ports in the OS's ephemeral range count, and
 * only where they appear as ports: in an address, after "port", or after host:.
 */
export class PortNames {
  private readonly byPort = new Map<number, string>();
  private readonly range = ephemeralRange();

  /** Learns the ports an engine event shows. */
  observe(event: EngineEvent): void {
    switch (event.kind) {
      case 'bound':
        return this.learn(event.address.port);
      case 'connected':
        this.learn(event.local.port);
        return this.learn(event.remote.port);
      case 'incoming':
        return event.from ? this.learn(event.from.port) : undefined;
      case 'rejected':
        return event.from ? this.learn(event.from.port) : undefined;
      case 'connectFailed':
        return this.learn(event.remote.port);
      case 'received':
        return event.from ? this.learn(event.from.port) : undefined;
      case 'eof':
      case 'dropped':
      case 'paused':
      case 'truncated':
      case 'joined':
      case 'failed':
      case 'closed':
      case 'renamed':
      case 'listening': // the calls' events: not learned from, so transcripts keep the numbering they have
      case 'accepted':
      case 'sent':
      case 'returned':
      case 'shut':
        return;
      default: {
        const exhaustive: never = event;
        return exhaustive;
      }
    }
  }

  /** Names a port as the transcript did, so rewritten output keeps the transcript's numbering. */
  bind(name: string, port: number): void {
    this.byPort.set(port, name);
  }

  /** Output text with known ports replaced by their names. */
  redactOutput(text: string): string {
    return replacePorts(text, 'output', (port) => this.nameOf(port));
  }

  /** A typed line with known ports replaced where they stand as words. */
  redactInput(text: string): string {
    return replacePorts(text, 'input', (port) => this.nameOf(port));
  }

  private nameOf(port: number): string | null {
    const name = this.byPort.get(port);
    return name ? `[${name}]` : null;
  }

  private learn(port: number): void {
    if (port < this.range[0] || port > this.range[1] || this.byPort.has(port)) return;
    const used = [...this.byPort.values()].map((n) => Number(n.slice(4)));
    this.byPort.set(port, `PORT${Math.max(0, ...used) + 1}`);
  }
}

/**
 * Where a number stands for a port. In output: in an address `('host', N)`, after "port ", after
 * `host:`. In a typed line: as a word of its own or after `=` (`c.sendto hi localhost N`, `port=N`).
 */
const PORT_AT: Record<'input' | 'output', RegExp> = {
  output: /(\('[^']*', |\bport |[\w.\]]:)(\d+)\b/g,
  input: /(^|\s|=)(\d+)(?=\s|$)/g,
};

/** `text` with each port, where it stands as one, replaced by what `replace` returns for it (null: kept). */
export function replacePorts(text: string, where: 'input' | 'output', replace: (port: number) => string | null): string {
  return text.replace(PORT_AT[where], (whole, before: string, digits: string) => {
    const replacement = replace(Number(digits));
    return replacement === null ? whole : `${before}${replacement}`;
  });
}
