import { splitScope } from '../engine/index.js';
import type { Address, SocketHandle, Transport } from '../engine/types.js';

/** Every value a variable can hold. Shown the way Python's REPL shows the same thing. */
export type Value =
  | { readonly kind: 'none' }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'str'; readonly value: string }
  | { readonly kind: 'bytes'; readonly value: Buffer }
  | { readonly kind: 'address'; readonly address: Address }
  | { readonly kind: 'socket'; readonly handle: SocketHandle; readonly transport: Transport }
  | { readonly kind: 'tuple'; readonly items: readonly Value[] };

export const NONE: Value = { kind: 'none' };
export const str = (value: string): Value => ({ kind: 'str', value });
export const bytes = (value: Buffer): Value => ({ kind: 'bytes', value });
export const int = (value: number): Value => ({ kind: 'int', value });
/**
 * The last address value, by its Address object: recvfrom in a loop returns the same sender's again
 * and again (udp-inbox.ts reuses its Address). One entry, not a WeakMap of every Address: accept
 * returns a new peer each time, and a weak entry per connection doubled the young-generation GC's
 * work of a server loop (issue 16).
 */
let lastAddress: Address | null = null;
let lastValue: Value = NONE;
export const address = (a: Address): Value => {
  if (a !== lastAddress) {
    lastAddress = a;
    lastValue = { kind: 'address', address: a };
  }
  return lastValue;
};
export const tuple = (...items: Value[]): Value => ({ kind: 'tuple', items });

/**
 * What an unquoted word means on its own: 12000 is an int, true a bool, anything else text. Digits
 * with a leading zero (007, 0042) are text: Python has no such int literal, and the zeros are the
 * point of writing them (a PIN, a code), so they must not be lost.
 */
export function bareLiteral(text: string): Value {
  if (/^-?(0|[1-9]\d*)$/.test(text) && Number.isSafeInteger(Number(text))) return int(Number(text));
  if (/^-?(\d+\.\d*|\.\d+|\d+(\.\d*)?[eE][-+]?\d+)$/.test(text)) return { kind: 'float', value: Number(text) };
  if (text === 'true' || text === 'True') return { kind: 'bool', value: true };
  if (text === 'false' || text === 'False') return { kind: 'bool', value: false };
  if (text === 'none' || text === 'None') return NONE;
  return str(text);
}

/** Describes a live socket for repr; supplied by whoever holds the engine. */
export type SocketDescriber = (handle: SocketHandle) => string;

const plainSocket: SocketDescriber = (h) => `<socket ${h.name}>`;

/** Python's repr(): b'HELLO', 'text', ('127.0.0.1', 53012), True, None. Never contains raw control bytes. */
export function repr(v: Value, describe: SocketDescriber = plainSocket, hex = false): string {
  switch (v.kind) {
    case 'none':
      return 'None';
    case 'bool':
      return v.value ? 'True' : 'False';
    case 'int':
      return String(v.value);
    case 'float':
      return pyFloat(v.value);
    case 'str':
      return quoteText(v.value);
    case 'bytes':
      return hex ? `x"${v.value.toString('hex')}"` : 'b' + quoteBytes(v.value);
    case 'address':
      return addressRepr(v.address);
    case 'socket':
      return describe(v.handle);
    case 'tuple':
      return v.items.length === 1 ? `(${repr(v.items[0]!, describe, hex)},)` : `(${v.items.map((i) => repr(i, describe, hex)).join(', ')})`;
    default: {
      const exhaustive: never = v;
      return exhaustive;
    }
  }
}

export function addressRepr(a: Address): string {
  if (a.family === 'unix') return quoteText(a.host); // AF_UNIX: the path, '' for an unnamed client
  if (a.family === 4) return `('${a.host}', ${a.port})`;
  // A link-local sender is held as Node writes it (fe80::1%eth0); Python shows the interface as scope_id.
  const { address, scopeId } = splitScope(a.host);
  return `('${address}', ${a.port}, 0, ${scopeId})`;
}

/**
 * A client's address, as Python writes it; null, an address the shell does not know (the engine's
 * Accepted.from: a client that reset before Node's server asked for it), said so, never made up.
 */
export function clientRepr(a: Address | null): string {
  return a === null ? 'a client whose address is unknown' : addressRepr(a);
}

/** Why a client's address is unknown (clientRepr's null): said where accept or a notice first shows that client. */
export const UNKNOWN_CLIENT_WHY =
  "it reset the connection before Node's server asked the kernel for its address (without the native addon Node asks after accepting, and the kernel names no peer of a reset connection; Python's accept has it from accept itself)";

/** `host:port` for prose, with brackets around IPv6 hosts. */
export function hostPort(a: Address): string {
  if (a.family === 'unix') return a.host === '' ? '(unnamed)' : a.host;
  return a.family === 6 ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}

/** Python's str(): what print shows. Bytes are decoded, as the textbook's print(x.decode()) does. */
export function text(v: Value, describe?: SocketDescriber): string {
  switch (v.kind) {
    case 'str':
      return v.value;
    case 'bytes':
      return v.value.toString('utf8');
    case 'address': // an AF_UNIX address is a str in Python: its path itself
      return v.address.family === 'unix' ? v.address.host : repr(v, describe);
    default:
      return repr(v, describe);
  }
}

/** The bytes a value stands for when sent or compared: text as UTF-8, bytes as they are. */
export function toBytes(v: Value, describe?: SocketDescriber): Buffer {
  return v.kind === 'bytes' ? v.value : Buffer.from(text(v, describe), 'utf8');
}

/** Python truthiness. */
export function truthy(v: Value): boolean {
  switch (v.kind) {
    case 'none':
      return false;
    case 'bool':
      return v.value;
    case 'int':
    case 'float':
      return v.value !== 0;
    case 'str':
      return v.value !== '';
    case 'bytes':
      return v.value.length > 0;
    case 'tuple':
      return v.items.length > 0;
    case 'address':
    case 'socket':
      return true;
    default: {
      const exhaustive: never = v;
      return exhaustive;
    }
  }
}

export function isNumber(v: Value): v is Extract<Value, { kind: 'int' | 'float' }> {
  return v.kind === 'int' || v.kind === 'float';
}

/**
 * Equality for expect, ==, !=. Numbers compare as numbers; otherwise both sides compare by their
 * bytes, so a string and bytes are equal when the string's UTF-8 is those bytes (HELLO == b'HELLO').
 */
export function equal(a: Value, b: Value): boolean {
  if (isNumber(a) && isNumber(b)) return a.value === b.value;
  if (a.kind === 'socket' && b.kind === 'socket') return a.handle.serial === b.handle.serial;
  return toBytes(a).equals(toBytes(b));
}

function pyFloat(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return `${n}.0`;
  return String(n);
}

function quoteText(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\' || ch === quote) out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || (code >= 0x7f && code < 0xa0)) out += '\\x' + code.toString(16).padStart(2, '0');
    else if (code >= 0x2028 && code <= 0x2029) out += '\\u' + code.toString(16);
    else out += ch;
  }
  return quote + out + quote;
}

function quoteBytes(b: Buffer): string {
  const quote = b.includes(0x27) && !b.includes(0x22) ? '"' : "'";
  const q = quote.charCodeAt(0);
  let out = '';
  for (const c of b) {
    if (c === 0x5c || c === q) out += '\\' + String.fromCharCode(c);
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c < 0x20 || c >= 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += String.fromCharCode(c);
  }
  return quote + out + quote;
}

/** The items `$name[i]` indexes: a tuple's, or an address's as Python's (host, port); null for other values. */
export function itemsOf(value: Value): readonly Value[] | null {
  if (value.kind === 'tuple') return value.items;
  if (value.kind === 'address') return [str(value.address.host), int(value.address.port)];
  return null;
}
