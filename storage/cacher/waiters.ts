/** Bounded waits for a condition of the watch cache (a revision reached, history loaded). */

interface Waiter {
  done(): boolean;
  resolve(ok: boolean): void;
  timer: NodeJS.Timeout;
}

/** Pending waits, re-checked by the cache whenever its state advances. */
export class Waiters {
  private pending: Waiter[] = [];

  get size(): number {
    return this.pending.length;
  }

  /** Resolves true as soon as `done()` holds (checked now and on every {@link check}), else `done()` after `timeoutMs`. */
  wait(done: () => boolean, timeoutMs: number): Promise<boolean> {
    if (done()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        done,
        resolve,
        timer: setTimeout(() => {
          this.pending = this.pending.filter((w) => w !== waiter);
          resolve(done());
        }, timeoutMs),
      };
      // A wait never keeps the process alive by itself.
      waiter.timer.unref();
      this.pending.push(waiter);
    });
  }

  /** Resolves the waits whose condition now holds. */
  check(): void {
    if (this.pending.length === 0) return;
    const still: Waiter[] = [];
    for (const waiter of this.pending) {
      if (!waiter.done()) {
        still.push(waiter);
        continue;
      }
      clearTimeout(waiter.timer);
      waiter.resolve(true);
    }
    this.pending = still;
  }

  /** Resolves every wait with false. */
  cancelAll(): void {
    for (const waiter of this.pending.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.resolve(false);
    }
  }
}
