/**
 * A TCP socket's options and its TLS setting. An option Node has a call for (SO_KEEPALIVE,
 * TCP_NODELAY) goes through Node's socket and is kept for a connection made later; one it has no call
 * for goes to the descriptor through the addon (sockopts.ts); SO_REUSEADDR 0 and SO_LINGER are kept
 * as the OS would report them. wrapTls makes connect and listen speak TLS.
 */
import { SocketError, toSocketError } from './errors.js';
import { timeWaitOnly } from './bind-probe.js';
import { nativeError } from './native.js';
import { optionRoute, type NodeOptionOf, type NumericOption, type OptionArg } from './options.js';
import { refusedOption, lingerResetRefusedOnTls, lingerWaitRefused, notOnIpv4, notOnUnix } from './option-errors.js';
import { DescriptorOptions } from './sockopts.js';
import { TcpState } from './tcp-state.js';
import { checkSetup } from './tls-setup.js';
import type { SocketOption, TlsSetup } from './types.js';

export abstract class TcpOptions extends TcpState {
  protected keepAlive = false;
  protected noDelay = false;
  /** SO_REUSEADDR 0 was set: bind checks the port as a socket without it would (Node sets it on every TCP bind). */
  protected reuseOff = false;
  /** Made on first use, as the handlers of the sending and receiving calls are: a held connection that never sets an option costs none of them (issue 16's memory). */
  private optionsMade: DescriptorOptions | null = null;

  protected get options(): DescriptorOptions {
    return (this.optionsMade ??= new DescriptorOptions(this.core.addon, 'tcp', this.family, () => this.context()));
  }

  setsockopt(option: SocketOption, value: OptionArg): void {
    this.checkOpen('setsockopt');
    this.checkUnixOption(option, 'setsockopt');
    const refused = this.family === 'unix' ? null : notOnIpv4(option, this.family, this.context());
    if (refused !== null) throw refused;
    const route = optionRoute(option, 'tcp');
    if (route !== 'node' && route !== 'addon') throw refusedOption(route, option, this.context());
    const v = value as number; // the group options are refused on TCP, above
    if (route === 'addon') return this.options.set(option as NumericOption, v, this.fd(), "Node's net has no call for it");
    this.setNodeOption(option as NodeOptionOf<'tcp'>, v);
  }

  getsockopt(option: SocketOption): number {
    this.checkOpen('getsockopt');
    this.checkUnixOption(option, 'getsockopt');
    return this.options.get(option, this.fd());
  }

  /** See Engine.wrapTls: only before connect or listen. */
  wrapTls(setup: TlsSetup): void {
    this.checkOpen('wrapTls');
    const state = this.state();
    if (state !== 'UNBOUND' && state !== 'BOUND')
      throw new SocketError('EINVAL_TLS', 'wrapTls', { socket: this.name, value: `is ${state}` });
    checkSetup(setup, this.name);
    this.tls = setup;
  }

  /** bind with SO_REUSEADDR 0: the OS asked whether a socket without it may bind there (the addon's bindcheck). */
  protected bindWithoutReuse(ip: string, port: number): void {
    const calls = this.options.need('SO_REUSEADDR', 'Node sets SO_REUSEADDR on every TCP bind');
    const n = calls.bindcheck(ip, port);
    if (n >= 0) return;
    const err = nativeError(calls, n, 'bind');
    throw toSocketError(err, 'bind', this.context({ host: ip, port, ...timeWaitOnly(err, port) }));
  }

  private setNodeOption(option: NodeOptionOf<'tcp'>, value: number): void {
    const on = value !== 0;
    const raw = this.stream?.raw;
    switch (option) {
      case 'SO_REUSEADDR':
        // Node's bind sets it on every TCP socket (a restarted server can rebind at once): 1 is what it
        // is already; 0 needs the addon, to check a bind as the OS would without it and to clear it.
        if (on) this.options.mirror(option, 1, this.fd());
        else this.options.set(option, 0, this.fd(), 'Node sets SO_REUSEADDR on every TCP bind and has no call to leave it off');
        this.reuseOff = !on;
        this.options.keep(option, on ? 1 : 0);
        return;
      case 'SO_KEEPALIVE':
        this.keepAlive = on;
        // Node's setKeepAlive does nothing on an AF_UNIX socket (a pipe to libuv); Linux keeps the flag.
        if (this.family === 'unix')
          return this.options.set(option, on ? 1 : 0, this.fd(), "Node's setKeepAlive does nothing on a Unix socket");
        raw?.setKeepAlive(on);
        this.options.keep(option, on ? 1 : 0);
        return;
      case 'TCP_NODELAY':
        this.noDelay = on;
        raw?.setNoDelay(on);
        this.options.keep(option, on ? 1 : 0);
        return;
      case 'SO_LINGER':
        // 0: close resets (Node's resetAndDestroy); a wait of N s would stop every socket of the shell.
        if (value > 0) throw lingerWaitRefused(value);
        if (value === 0 && (this.tls !== null || (this.stream !== null && this.secured() !== null))) throw lingerResetRefusedOnTls();
        this.linger = value;
        this.options.mirror(option, value, this.fd());
        this.options.keep(option, value);
        return;
      default: {
        const exhaustive: never = option;
        return exhaustive;
      }
    }
  }

  private checkUnixOption(option: SocketOption, call: 'setsockopt' | 'getsockopt'): void {
    const refused = this.family === 'unix' ? notOnUnix(option, call, this.context()) : null;
    if (refused !== null) throw refused;
  }
}

/** Options set on a descriptor once Node has made it: those Node has no call for, and SO_REUSEADDR 0 and SO_LINGER, kept for getsockopt. */
export function onDescriptor(option: NumericOption): boolean {
  return optionRoute(option, 'tcp') === 'addon' || option === 'SO_REUSEADDR' || option === 'SO_LINGER';
}
