/**
 * The engine's table of open sockets by name, in creation order, and the names new sockets get:
 * the one asked for if free, else that name numbered (connectionSocket2, connectionSocket3...), or
 * udp1, tcp1, conn1... without a wish.
 */
export class NameTable<T> {
  private readonly byName = new Map<string, T>();
  /**
   * For numbered names: base → every number from the first up to this one is taken. A server holding
   * its connections numbers each one, and trying every number from the first again made holding n
   * connections cost n²/2 lookups and as many throw-away strings.
   */
  private readonly taken = new Map<string, number>();

  get(name: string): T | undefined {
    return this.byName.get(name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  set(name: string, value: T): void {
    this.byName.set(name, value);
  }

  /** The name is free again, and so may be numbers below a remembered run. */
  delete(name: string): void {
    this.byName.delete(name);
    for (const base of this.taken.keys()) if (name.startsWith(base)) this.taken.delete(base);
  }

  /** The entry under `from` goes by `to`; the caller takes `from` again at once, so nothing is freed. */
  move(from: string, to: string): void {
    const value = this.byName.get(from);
    this.byName.delete(from);
    if (value !== undefined) this.byName.set(to, value);
  }

  values(): IterableIterator<T> {
    return this.byName.values();
  }

  /** preferred if free, else preferred2, preferred3...; with no preference prefix1, prefix2... */
  free(preferred: string | undefined, prefix: string): string {
    if (preferred !== undefined && preferred !== '') {
      return this.byName.has(preferred) ? this.numbered(preferred, 2) : preferred;
    }
    return this.numbered(prefix, 1);
  }

  private numbered(base: string, from: number): string {
    for (let i = Math.max(from, this.taken.get(base) ?? from); ; i += 1) {
      const name = `${base}${i}`;
      if (!this.byName.has(name)) {
        this.taken.set(base, i);
        return name;
      }
    }
  }
}
