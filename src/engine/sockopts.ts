/**
 * Socket options on the descriptor itself, through the native addon: for what Node's net and dgram
 * have no call for (options.ts routes them 'addon') and for every getsockopt, which Node cannot make.
 * Node makes a socket's descriptor late (TCP at connect or listen, UDP at bind), so a value set before
 * is kept and set once the descriptor exists; getsockopt before then asks the OS on a fresh socket of
 * the same kind with the values kept so far set on it, which is what the OS would report.
 *
 * Without the addon these calls fail with a ShellError that says so: a limit of this build, never
 * worded as an errno, since the OS was not asked.
 */
import { ShellError } from '../core/errors.js';
import { toSocketError, type ErrorContext } from './errors.js';
import { nativeError, type NativeCalls } from './native.js';
import { SOCKET_OPTION_TABLE, type NumericOption, type SocketOption } from './options.js';
import type { Family, Transport } from './types.js';

/** The addon's calls on a descriptor as the engine holds them: the calls, or why there are none. */
export type AddonCalls = { readonly calls: NativeCalls; readonly problem: null } | { readonly calls: null; readonly problem: string };

export class DescriptorOptions {
  /** Values set so far, in order: set again on the descriptor when it appears, and on a probe socket. */
  private readonly kept = new Map<NumericOption, number>();

  constructor(
    private readonly addon: AddonCalls,
    private readonly transport: Transport,
    private readonly family: Family,
    private readonly context: () => ErrorContext,
  ) {}

  /** Keeps value, which Node's own call has set (or will set): a probe socket gets it too. */
  keep(option: NumericOption, value: number): void {
    this.kept.delete(option);
    this.kept.set(option, value);
  }

  /** Sets option on fd through the addon (fd < 0: not made yet, kept for then); the OS's error if it refuses. */
  set(option: NumericOption, value: number, fd: number, why: string): void {
    const calls = this.need(option, why);
    if (fd >= 0) this.check(calls, calls.setsockopt(fd, option, value), 'setsockopt');
    this.keep(option, value);
  }

  /** When the addon is there, sets option on fd too, so getsockopt reads what Node did another way (SO_LINGER). */
  mirror(option: NumericOption, value: number, fd: number): void {
    const calls = this.addon.calls;
    if (calls !== null && fd >= 0) calls.setsockopt(fd, option, value);
  }

  /** Sets every kept value that Node has no call for on a descriptor just made. */
  applyTo(fd: number, viaAddon: (option: NumericOption) => boolean): void {
    const calls = this.addon.calls;
    if (calls === null || fd < 0) return;
    for (const [option, value] of this.kept) if (viaAddon(option)) this.check(calls, calls.setsockopt(fd, option, value), 'setsockopt');
  }

  /**
   * A descriptor made now, for Node to connect, with every kept value set on it: when a buffer size
   * is kept, it must be there before the handshake, since the SYN offers a window scale worked out
   * from SO_RCVBUF (Python sets it on the socket before connect). -1 when no size is kept, or without
   * the addon (then applyTo sets the values after the handshake, as for every other option).
   */
  beforeConnect(): number {
    const calls = this.addon.calls;
    if (calls === null || this.transport !== 'tcp' || this.family === 'unix') return -1;
    if (!this.kept.has('SO_RCVBUF') && !this.kept.has('SO_SNDBUF')) return -1;
    const fd = this.check(calls, calls.socket(this.family, 1), 'connect');
    try {
      this.setAll(fd, {});
    } catch (err) {
      calls.close(fd, 0);
      throw err;
    }
    return fd;
  }

  /** Sets every kept value on fd, a descriptor the addon made, and defaults for options not kept (what Node would set); the OS's error if it refuses one. */
  setAll(fd: number, defaults: Partial<Record<NumericOption, number>>): void {
    const calls = this.need('SO_REUSEADDR', 'Node makes its descriptors itself');
    for (const [option, value] of Object.entries(defaults) as [NumericOption, number][])
      if (!this.kept.has(option)) this.check(calls, calls.setsockopt(fd, option, value), 'setsockopt');
    for (const [option, value] of this.kept) this.check(calls, calls.setsockopt(fd, option, value), 'setsockopt');
  }

  /** getsockopt as the OS answers it, on fd, or (fd < 0) on a fresh socket of this kind with the kept values set. */
  get(option: SocketOption, fd: number): number {
    const calls = this.need(option, 'Node has no getsockopt');
    if (fd >= 0) return this.check(calls, calls.getsockopt(fd, option), 'getsockopt');
    const probe = this.check(calls, calls.socket(this.family === 'unix' ? 0 : this.family, this.transport === 'tcp' ? 1 : 0), 'getsockopt');
    try {
      for (const [kept, value] of this.kept) calls.setsockopt(probe, kept, value);
      return this.check(calls, calls.getsockopt(probe, option), 'getsockopt');
    } finally {
      calls.close(probe, 0);
    }
  }

  /** The addon, or the ShellError that says this build lacks it (why: what Node cannot do). */
  need(option: SocketOption, why: string): NativeCalls {
    if (this.addon.calls !== null) return this.addon.calls;
    throw new ShellError(
      `${option} ${SOCKET_OPTION_TABLE[option].level === 'SOL_SOCKET' ? '' : `(${SOCKET_OPTION_TABLE[option].level}) `}on a ${this.transport.toUpperCase()} socket: ${why}, and this build has no native addon to make the call itself (${this.addon.problem}) — a limit of this build, not an error from the OS`,
      null,
    );
  }

  private check(calls: NativeCalls, n: number, call: string): number {
    if (n < 0) throw toSocketError(nativeError(calls, n, call), call, this.context());
    return n;
  }
}
