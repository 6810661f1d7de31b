import type { Address } from '../engine/types.js';
import { addressRepr, repr, type Value } from '../lang/values.js';

/**
 * A lesson's text must be true when it is said, and the student may have changed a socket off the
 * path (a sendto on an unbound socket binds it; a bind chooses its port). So a `say:` or `then:`
 * can have variants, each for a condition on what the engine's record says of the lesson's sockets
 * and variables at that moment, and any text can name facts from that record:
 *
 *     then: ('0.0.0.0', 0): no port yet. The OS will pick one at the first sendto.
 *     then if clientSocket bound: {clientSocket.address}: clientSocket has a port already...
 *
 * The first variant whose condition holds is said; the plain field when none does. A step can also
 * be refused: `refuse if serverPort below 1024: why`. The line ran, but the step is not done, and
 * the lesson says why (lessons/README.md documents the format; this module parses and judges it).
 */

/** A condition of a variant, as written after `if`. */
export type Condition =
  /** The socket in a role (the student's, whatever its name) has an address now, or had one when the step's line began ('was'). */
  | { readonly kind: 'bound'; readonly role: string; readonly bound: boolean; readonly was: boolean }
  /** The socket in a role is open (false once it is closed, or before it exists). */
  | { readonly kind: 'open'; readonly role: string; readonly open: boolean }
  /** Data, datagrams or connections wait in the role's socket's queue (queued), or none do (empty), now or when the step's line began ('was'). */
  | { readonly kind: 'queued'; readonly role: string; readonly queued: boolean; readonly was: boolean }
  /** The role's connection has ended from the other side (its peer's FIN or reset came), now or when the step's line began ('was'). */
  | { readonly kind: 'peer closed'; readonly role: string; readonly was: boolean }
  /** A socket of this shell (of this transport: for TCP, a listening one) is bound to the port a variable holds. */
  | {
      readonly kind: 'in use';
      readonly name: string;
      readonly transport: 'udp' | 'tcp' | null;
      readonly used: boolean;
      /** Any program's socket on this host (from the OS's tables), not only this shell's. */
      readonly host: boolean;
    }
  /** A variable holds a whole number below (or above) n. */
  | { readonly kind: 'number'; readonly name: string; readonly below: boolean; readonly n: number };

export interface Variant {
  readonly when: Condition;
  readonly text: string;
}

/** The fields that take variants: `say if ...:`, `then if ...:`, and `refuse if ...:` (only with a condition). */
export const VARIANT_FIELDS = ['say', 'then', 'refuse'] as const;
export type VariantField = (typeof VARIANT_FIELDS)[number];

/** What the conditions and placeholders read: the lesson's sockets and the student's variables now. */
export interface Facts {
  /** The socket in a role: its address (null: none yet), or undefined when the role has no open socket. */
  local(role: string): Address | null | undefined;
  /** The role's socket had an address when the line being judged began. */
  wasBound(role: string): boolean;
  /** What waits in the role's socket's queue (datagrams, bytes, connections); undefined when it has no open socket. */
  queued(role: string): number | undefined;
  /** Something waited in the role's socket's queue when the line being judged began. */
  wasQueued(role: string): boolean;
  /** The peer of the role's socket has closed its end (FIN) or reset it; false when the role has no open socket. */
  peerClosed(role: string): boolean;
  /** So it was when the line being judged began (the socket may be closed since). */
  wasPeerClosed(role: string): boolean;
  variable(name: string): Value | undefined;
  /** A socket of this shell is bound to this port (of this transport, TCP only listening; null: any). */
  portInUse(port: number, transport: 'udp' | 'tcp' | null): boolean;
  /** Any socket on this host is bound to this UDP port (TCP: listens on it); undefined where the OS's tables cannot be read. */
  portInUseOnHost(port: number, transport: 'udp' | 'tcp'): boolean | undefined;
}

/** Parses a condition (`clientSocket was unbound`, `serverPort below 1024`); a string says what is wrong. */
export function parseCondition(text: string): Condition | string {
  const words = text.trim().split(/\s+/);
  const [name, ...rest] = words;
  const said = rest.join(' ');
  if (name !== undefined && /^\w+$/.test(name)) {
    const m = /^(was )?(bound|unbound)$/.exec(said);
    if (m !== null) return { kind: 'bound', role: name, bound: m[2] === 'bound', was: m[1] !== undefined };
    if (said === 'open' || said === 'closed') return { kind: 'open', role: name, open: said === 'open' };
    const queue = /^(was )?(queued|empty)$/.exec(said);
    if (queue !== null) return { kind: 'queued', role: name, queued: queue[2] === 'queued', was: queue[1] !== undefined };
    const peer = /^peer (was )?closed$/.exec(said);
    if (peer !== null) return { kind: 'peer closed', role: name, was: peer[1] !== undefined };
    const use = /^(in use|free)(?: by (udp|tcp))?( on this host)?$/.exec(said);
    if (use !== null && (use[3] === undefined || use[2] !== undefined))
      return {
        kind: 'in use',
        name,
        transport: (use[2] as 'udp' | 'tcp' | undefined) ?? null,
        used: use[1] === 'in use',
        host: use[3] !== undefined,
      };
    const n = /^(below|above) (\d{1,6})$/.exec(said);
    if (n !== null) return { kind: 'number', name, below: n[1] === 'below', n: Number(n[2]) };
  }
  return `a condition is NAME bound, NAME unbound, NAME was bound, NAME was unbound, NAME open, NAME closed, NAME queued, NAME empty, NAME was queued, NAME was empty, NAME peer closed, NAME peer was closed, NAME in use or NAME free [by udp|tcp [on this host]], NAME below N or NAME above N; got '${text}'`;
}

/** The names a condition or a text's placeholders read: a socket's role, or a variable. */
export function namesRead(when: Condition | null, text: string): { roles: string[]; variables: string[] } {
  const roles: string[] = [];
  const variables: string[] = [];
  if (when !== null) {
    if (when.kind === 'number' || when.kind === 'in use') variables.push(when.name);
    else roles.push(when.role);
  }
  for (const m of text.matchAll(PLACEHOLDER)) (m[2] === undefined ? variables : roles).push(m[1]!);
  return { roles, variables };
}

/** A placeholder: {name} (a variable's value) or {role.address} / {role.port} (its socket's address now). */
const PLACEHOLDER = /\{(\w+)(?:\.(address|port))?\}/g;

/** A placeholder-like word the format does not know ({x.y}), for a lesson file's error. */
export function badPlaceholder(text: string): string | null {
  const all = text.match(/\{[^}]*\}/g) ?? [];
  return all.find((p) => !new RegExp(`^${PLACEHOLDER.source}$`).test(p)) ?? null;
}

export function holds(when: Condition, record: Facts): boolean {
  switch (when.kind) {
    case 'bound': {
      if (when.was) return record.wasBound(when.role) === when.bound;
      const local = record.local(when.role);
      return local !== undefined && (local !== null) === when.bound;
    }
    case 'open':
      return (record.local(when.role) !== undefined) === when.open;
    case 'queued': {
      if (when.was) return record.wasQueued(when.role) === when.queued;
      const n = record.queued(when.role);
      return n !== undefined && n > 0 === when.queued;
    }
    case 'peer closed':
      return when.was ? record.wasPeerClosed(when.role) : record.peerClosed(when.role);
    case 'in use': {
      const v = record.variable(when.name);
      if (v?.kind !== 'int') return false;
      // Where the OS's tables cannot be read, a host-wide condition does not hold: the plain text is said.
      const used =
        when.host && when.transport !== null ? record.portInUseOnHost(v.value, when.transport) : record.portInUse(v.value, when.transport);
      return used !== undefined && used === when.used;
    }
    case 'number': {
      const v = record.variable(when.name);
      return v?.kind === 'int' && (when.below ? v.value < when.n : v.value > when.n);
    }
    default: {
      const exhaustive: never = when;
      return exhaustive;
    }
  }
}

/** The text for now: the first variant that holds, else the plain text; placeholders filled from the record. */
export function pick(plain: string, variants: readonly Variant[], record: Facts): string {
  return fill(variants.find((v) => holds(v.when, record))?.text ?? plain, record);
}

/** The text with each placeholder filled from the record; one with nothing to fill stays as written. */
export function fill(text: string, record: Facts): string {
  return text.replace(PLACEHOLDER, (whole, name: string, part: 'address' | 'port' | undefined) => {
    if (part === undefined) {
      const v = record.variable(name);
      return v === undefined ? whole : v.kind === 'str' ? v.value : repr(v);
    }
    const local = record.local(name);
    if (local === undefined) return whole;
    const address = local ?? { host: '0.0.0.0', port: 0, family: 4 as const };
    return part === 'port' ? String(address.port) : addressRepr(address);
  });
}
