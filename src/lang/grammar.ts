/** What the parser needs to know about commands: which words start one. Supplied by the command table. */
export interface Grammar {
  /** A command spelled as one word: `print`, `udp.bind`, `recvfrom`. */
  isCommand(name: string): boolean;
  /** A socket method usable as `NAME.method`. */
  isMethod(name: string): boolean;
  /** A close spelling to suggest for an unknown command, if any. */
  suggest(name: string): string | null;
  /** The part before the dot of commands spelled with one: `udp` (udp.socket, udp.bind), `tcp`. */
  isFamily(prefix: string): boolean;
}
