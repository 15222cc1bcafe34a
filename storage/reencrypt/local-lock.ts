/**
 * The re-encryption lock for a backend owned by one process (SQLite): an in-process mutex, never lost.
 */
import type { LockHandle, ReencryptionLock } from './types.js';

/** An in-process {@link ReencryptionLock}: holders in this process take turns; it is never lost. */
export class LocalLock implements ReencryptionLock {
  #held = false;
  readonly #waiters: Array<() => void> = [];

  async acquire(signal: AbortSignal): Promise<LockHandle> {
    while (this.#held) {
      signal.throwIfAborted();
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          signal.removeEventListener('abort', wake);
          const i = this.#waiters.indexOf(wake);
          if (i >= 0) this.#waiters.splice(i, 1);
          resolve();
        };
        this.#waiters.push(wake);
        signal.addEventListener('abort', wake, { once: true });
      });
    }
    signal.throwIfAborted();
    this.#held = true;
    let released = false;
    return {
      lost: new Promise<void>(() => undefined),
      release: async () => {
        if (released) return;
        released = true;
        this.#held = false;
        this.#waiters[0]?.();
      },
    };
  }
}
