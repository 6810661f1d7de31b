/**
 * The timer of one socket's wait slot, kept from wait to wait: arming and clearing a Node timer for
 * every blocking call cost more than the rest of a loopback recvfrom. A timer left from an earlier
 * wait fires early, and its owner re-arms it for what is left of the current wait; after the last
 * wait it fires once and lapses.
 *
 * Node's timers take at most MAX_TIMER_MS (about 24.8 days; above it they fire after 1 ms with a
 * warning), so a longer timeout (Python takes settimeout(3000000)) is a chain: the owner re-arms for
 * what is left each time it fires.
 */
import { MAX_TIMER_MS } from './keepalive.js';

export class WaitTimer {
  private timer: NodeJS.Timeout | null = null;
  private due = 0;

  /** fire runs when the timer goes off; the owner decides whether its wait has timed out. */
  constructor(private readonly fire: () => void) {}

  /** Makes sure the timer fires within ms: a timer already due sooner is kept. */
  arm(ms: number): void {
    const step = Math.min(ms, MAX_TIMER_MS);
    const due = performance.now() + step;
    if (this.timer !== null) {
      if (this.due <= due) return;
      clearTimeout(this.timer);
    }
    this.due = due;
    this.timer = setTimeout(this.fired, step);
  }

  /** No wait will come again (the socket closed). */
  clear(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private readonly fired = (): void => {
    this.timer = null;
    this.fire();
  };
}
