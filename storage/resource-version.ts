/** Parsing and waiting for resourceVersions (revisions rendered as decimal strings). */
import { InvalidRequestError, TooLargeResourceVersionError } from './errors.js';
import type { KVBackend } from './interface.js';

/**
 * Parses a resourceVersion: `""`, `"0"` and absent are 0; otherwise a decimal unsigned integer.
 * @throws InvalidRequestError `invalid resource version: "x"` for anything else.
 */
export function parseResourceVersion(rv: string | undefined, key: string): number {
  if (rv === undefined || rv === '') return 0;
  const n = /^[0-9]+$/.test(rv) ? Number(rv) : NaN;
  if (!Number.isSafeInteger(n)) throw new InvalidRequestError(`invalid resource version: ${JSON.stringify(rv)}`, key);
  return n;
}

/** The revision of a stored object's `metadata.resourceVersion`, or 0 when unset or unparsable. */
export function revisionOf(rv: string | undefined): number {
  if (rv === undefined || !/^[0-9]+$/.test(rv)) return 0;
  const n = Number(rv);
  return Number.isSafeInteger(n) ? n : 0;
}

/**
 * Waits until the backend's current revision is at least `revision` (like the watch cache's
 * "wait until fresh"), polling every `pollMs`.
 * @returns the current revision.
 * @throws TooLargeResourceVersionError `Too large resource version: N, current: M` after `timeoutMs`.
 */
export async function waitForRevision(
  backend: KVBackend,
  revision: number,
  key: string,
  timeoutMs: number,
  pollMs = 20,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = await backend.currentRevision();
    if (current >= revision) return current;
    if (Date.now() >= deadline) {
      throw new TooLargeResourceVersionError(`Too large resource version: ${revision}, current: ${current}`, key, 1);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, Math.max(1, deadline - Date.now()))));
  }
}
