/** The phrases the error table's rows share, each coping with a context that lacks its field: the socket, the host and port, the family. */

import type { ErrorContext } from './reasons.js';

export const name = (c: ErrorContext): string => c.socket ?? 'the socket';
export const where = (c: ErrorContext): string => `${c.host ?? 'that host'} port ${c.port ?? '?'}`;
export const fam = (c: ErrorContext): string => (c.family === 6 ? 'IPv6' : 'IPv4');
