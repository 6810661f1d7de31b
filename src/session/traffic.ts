/**
 * The traffic log as one more subscriber to the engine's event stream: `log on [FILE]` turns it on,
 * and every byte any socket sends or receives is written, with time, direction, socket, addresses and
 * length (record/traffic.ts decides what an event is worth, render/traffic.ts writes it). To a file
 * the bytes go exactly (a hex dump, or the bytes themselves); to the screen, terminal-safe.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import type { EngineEvent } from '../engine/types.js';
import type { OutputSink } from '../core/output.js';
import { relayTrafficEntry, trafficEntry, type LocalOf, type TrafficEntry } from '../record/traffic.js';
import type { RelayEvent } from '../relay/index.js';
import { trafficForFile, trafficForScreen } from '../render/traffic.js';
import type { TrafficControl, TrafficTarget } from '../spec/services.js';

export class TrafficTap implements TrafficControl {
  target: TrafficTarget | null = null;
  private file: WriteStream | null = null;
  private entries = 0;
  private failure: Error | null = null;

  constructor(
    private readonly out: OutputSink,
    private readonly localOf: LocalOf,
  ) {}

  /** The engine sink calls this for every event; cheap when the log is off. */
  hear(event: EngineEvent): void {
    if (this.target === null) return;
    const entry = trafficEntry(event, this.localOf);
    if (entry !== null) this.write(entry, this.target);
  }

  /** What crossed a relay of this session (session.relayed): logged as the sockets' traffic is. */
  hearRelay(event: Extract<RelayEvent, { kind: 'data' | 'passed' }>): void {
    if (this.target !== null) this.write(relayTrafficEntry(event), this.target);
  }

  private write(entry: TrafficEntry, target: TrafficTarget): void {
    this.entries++;
    if (this.file) this.file.write(trafficForFile(entry, target.form));
    else this.out({ kind: 'traffic', text: trafficForScreen(entry, target.form) });
  }

  async start(target: TrafficTarget): Promise<void> {
    const file = target.file === null ? null : await openAppending(target.file);
    await this.stop();
    this.file = file;
    this.failure = null;
    file?.on('error', (e) => (this.failure = e));
    this.target = target;
    this.entries = 0;
  }

  async stop(): Promise<{ target: TrafficTarget; entries: number } | null> {
    const target = this.target;
    if (target === null) return null;
    this.target = null;
    const file = this.file;
    this.file = null;
    if (file) await new Promise<void>((resolve) => file.end(resolve));
    if (this.failure) throw this.failure;
    return { target, entries: this.entries };
  }
}

/** Opens FILE for appending, once the OS has said yes (so a bad path fails `log on`, not a later write). */
function openAppending(path: string): Promise<WriteStream> {
  return new Promise((resolve, reject) => {
    const stream = createWriteStream(path, { flags: 'a' });
    stream.once('open', () => resolve(stream));
    stream.once('error', reject);
  });
}
