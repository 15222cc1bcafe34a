/**
 * Pacing helpers of the rewriter: a rate limiter for rewrites and an abortable sleep.
 */
import { setTimeout as delay } from 'node:timers/promises';

/**
 * Spaces calls of {@link RateLimiter.take} `1000 / perSecond` ms apart, allowing a burst of up to
 * 100 ms worth of calls after an idle period (which also evens out timer granularity at high rates).
 * A rate of 0 or less is unlimited.
 */
export class RateLimiter {
  readonly #intervalMs: number;
  readonly #burstMs: number;
  #next = 0;

  constructor(perSecond: number) {
    this.#intervalMs = perSecond > 0 ? 1000 / perSecond : 0;
    this.#burstMs = Math.max(this.#intervalMs, 100);
  }

  /**
   * Waits for the next slot.
   * @throws the signal's reason when it aborts while waiting.
   */
  async take(signal: AbortSignal): Promise<void> {
    if (this.#intervalMs === 0) return;
    const now = performance.now();
    const slot = Math.max(this.#next, now - this.#burstMs);
    this.#next = slot + this.#intervalMs;
    const wait = slot - now;
    if (wait >= 1) await delay(wait, undefined, { signal });
  }
}

/** Sleeps `ms`; resolves early (without throwing) when `signal` aborts. */
export async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  try {
    await delay(ms, undefined, { signal });
  } catch {
    // Aborted: the caller looks at its signals.
  }
}
