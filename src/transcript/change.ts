/** A promise for the next time something happens, shared by all who wait for it, and made anew after. */
export class Change {
  private waiting: { promise: Promise<void>; resolve: () => void } | null = null;

  next(): Promise<void> {
    if (this.waiting === null) {
      let resolve: () => void = () => undefined;
      const promise = new Promise<void>((r) => (resolve = r));
      this.waiting = { promise, resolve };
    }
    return this.waiting.promise;
  }

  happened(): void {
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.resolve();
  }
}
