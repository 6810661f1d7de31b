/**
 * The socket engine's public API: createEngine, the typed error, the contract's types, and the
 * helpers other layers share (literalFamily; NameTable, which the exporter uses to name sockets as
 * the engine would). Outside src/engine, modules import the engine through this file or the
 * contract (types.ts) only, so its internals can change without touching them.
 */
export { createEngine } from './engine.js';
export { SocketError, toSocketError, isErrorCode, type ErrorCode, type ErrorContext } from './errors.js';
export { literalFamily } from './resolve.js';
export { NameTable } from './names.js';
export { portSockets, socketRows, tcpHolders, udpHolders, TCP_LISTEN, type PortHolders } from './port-holders.js';
export { hostOf } from './proc-net.js';
export { ephemeralRange } from './ephemeral.js';
export { nativeCalls } from './native.js';
export {
  SOCKET_OPTION_TABLE,
  SOCKET_OPTIONS,
  LINGER_OFF,
  type OptionArg,
  type OptionRoute,
  type OptionSpec,
  type OptionValue,
} from './options.js';
export type * from './types.js';
export { resolveHost } from './resolve.js';
export { findInterface, splitScope, zoneChoices } from './ipv6-scope.js';
