/**
 * Test helpers of the etcd3 backend tests (used only by `*.test.ts`).
 */
import type { KVBackend, KVEvent, KVWatch } from '../../../storage/interface.js';

/** Collects the callbacks of a backend watch and lets tests wait for them. */
export class WatchRecorder {
  events: KVEvent[] = [];
  progress: number[] = [];
  errors: Error[] = [];
  watch: KVWatch | undefined;

  start(backend: KVBackend, prefix: string, after: number): this {
    this.watch = backend.watch(prefix, after, {
      onEvents: (evs) => this.events.push(...evs),
      onError: (err) => this.errors.push(err),
      onProgress: (rev) => this.progress.push(rev),
    });
    return this;
  }

  async until(what: string, cond: () => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!cond()) {
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${what}: ${this.events.length} events, errors ${this.errors.map((e) => e.message).join('; ')}`);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Throws unless revisions strictly increase (no duplicates, in order). */
  assertOrdered(): void {
    for (let i = 1; i < this.events.length; i++) {
      if ((this.events[i]?.revision ?? 0) <= (this.events[i - 1]?.revision ?? 0)) {
        throw new Error(`watch event ${i} is out of order or repeated`);
      }
    }
  }
}
