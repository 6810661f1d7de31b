import { SOCKET_OPTIONS } from '../engine/index.js';

/** The options setsockopt accepts, by their Python names: the engine's table (engine/options.ts) has one entry each. */
export { SOCKET_OPTIONS };
