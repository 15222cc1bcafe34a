/**
 * When each request was read off its connection, before any wait for its start (see
 * `request-pacer.ts`): the request's latency, its log line and its audit `requestReceivedTimestamp`
 * count from then, as kube-apiserver counts them from before its priority-and-fairness queues.
 */

/** `performance.now()` at which each request was read. */
const readAt = new WeakMap<object, number>();

/** Records that `req` was read now (or at `at`, a `performance.now()` value). */
export function markRead(req: object, at: number = performance.now()): void {
  readAt.set(req, at);
}

/** The `performance.now()` at which `req` was read; now for a request the listener did not mark. */
export function readTime(req: object): number {
  return readAt.get(req) ?? performance.now();
}
