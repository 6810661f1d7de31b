/** The socket engine's public API: createEngine, the typed error, and the contract's types. */
export { createEngine } from './engine.js';
export { SocketError, toSocketError, type ErrorContext } from './errors.js';
export { literalFamily } from './resolve.js';
export { tcpHolders, type PortHolders } from './port-holders.js';
export type * from './types.js';
