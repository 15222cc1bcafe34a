/**
 * The `Retry-After` sent with requests refused by the in-flight limits, adapted to how many are being
 * refused, as API Priority and Fairness does in Kubernetes (`k8s.io/apiserver`, since 1.29), which
 * gardener-apiserver runs. A fixed second makes every refused client come back a second later: under a
 * flood of clients past the limits most of the server's work becomes refusing the same clients again.
 *
 * The rule, per kind of request (read-only, mutating), evaluated when the first refusal of a new second
 * arrives, over the refusals of the last `retryAfter` seconds before it:
 * - at least 3 × `retryAfter` refusals, and the last raise at least `retryAfter` seconds ago: double it
 *   (at most 32 s);
 * - fewer than `retryAfter` refusals: lower it by one second (at least 1 s).
 */

/** The largest Retry-After sent. */
export const MAX_RETRY_AFTER_SECONDS = 32;

interface SecondCount {
  second: number;
  count: number;
}

/** Counts refusals per second and derives the Retry-After to send with them. */
export class RetryAfter {
  private seconds = 1;
  private raisedAt = Number.NEGATIVE_INFINITY;
  private current: SecondCount = { second: Number.NEGATIVE_INFINITY, count: 0 };
  private history: SecondCount[] = [];

  /** @param now the current time in whole seconds (a clock for tests). */
  constructor(private readonly now: () => number = () => Math.floor(Date.now() / 1000)) {}

  /** Records one refused request and returns the Retry-After, in seconds, to send with it. */
  refuse(): number {
    const second = this.now();
    if (second !== this.current.second) this.startSecond(second);
    this.current.count++;
    return this.seconds;
  }

  /** The Retry-After the next refusal in this second would get, without recording one. */
  get value(): number {
    return this.seconds;
  }

  private startSecond(second: number): void {
    if (this.current.count > 0) this.history.push(this.current);
    const keep = Math.min(2 * this.seconds, MAX_RETRY_AFTER_SECONDS);
    this.history = this.history.filter((h) => second - h.second <= keep);
    this.current = { second, count: 0 };
    const recent = this.history.reduce((n, h) => (second - h.second <= this.seconds ? n + h.count : n), 0);
    if (second - this.raisedAt >= this.seconds && recent >= 3 * this.seconds) {
      this.seconds = Math.min(2 * this.seconds, MAX_RETRY_AFTER_SECONDS);
      this.raisedAt = second;
    } else if (recent < this.seconds && this.seconds > 1) {
      this.seconds--;
    }
  }
}
