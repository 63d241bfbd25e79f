/**
 * The requests whose answer is still being made, counted so that a shutdown can wait for them
 * before it closes the stores: a client that went away without waiting for its answer does not
 * stop the work it asked for (a transfer between XA PREPARE and COMMIT, say), and that work must
 * not lose its connection half-way.
 */
export class InFlight {
  private count = 0;
  private waiting: Array<() => void> = [];

  enter(): void {
    this.count++;
  }

  leave(): void {
    if (--this.count > 0) return;
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }

  /** Resolves once no answer is being made (at once when none is). */
  drained(): Promise<void> {
    return this.count === 0 ? Promise.resolve() : new Promise((resolve) => this.waiting.push(resolve));
  }
}
