/** Parsing and waiting for resourceVersions (revisions rendered as decimal strings). */
import { goQuote } from '../apimachinery/goquote.js';
import { parseUint64 } from '../apimachinery/strconv.js';
import { InvalidRequestError, InvalidResourceVersionError, TooLargeResourceVersionError } from './errors.js';
import type { KVBackend } from './interface.js';

/**
 * Why `rv` is not a resourceVersion, as Kubernetes' APIObjectVersioner reports it (a field error on
 * `resourceVersion` carrying strconv's text); undefined when `rv` is one (`""` and `"0"` included).
 */
export function resourceVersionError(rv: string): string | undefined {
  if (rv === '' || rv === '0') return undefined;
  const parsed = parseUint64(rv);
  return parsed.error === undefined ? undefined : `resourceVersion: Invalid value: ${goQuote(rv)}: ${parsed.error}`;
}

/**
 * Parses a resourceVersion as the versioner does: `""`, `"0"` and absent are 0, otherwise an
 * unsigned decimal integer.
 * @throws InvalidResourceVersionError with the versioner's text for anything else.
 * @throws InvalidRequestError `invalid resource version: "N"` for a uint64 beyond the exactly
 *   representable revisions (2^53), which no store reaches.
 */
export function parseVersion(rv: string | undefined, key: string): number {
  if (rv === undefined) return 0;
  const error = resourceVersionError(rv);
  if (error !== undefined) throw new InvalidResourceVersionError(error, key);
  const n = rv === '' ? 0 : Number(rv);
  if (!Number.isSafeInteger(n)) throw new InvalidRequestError(`invalid resource version: ${JSON.stringify(rv)}`, key);
  return n;
}

/**
 * Parses a resourceVersion as the store's reads (get, list) do: {@link parseVersion}, its error a 400.
 * @throws InvalidRequestError `invalid resource version: <the versioner's text>`.
 */
export function parseResourceVersion(rv: string | undefined, key: string): number {
  try {
    return parseVersion(rv, key);
  } catch (e: unknown) {
    if (e instanceof InvalidResourceVersionError) throw new InvalidRequestError(`invalid resource version: ${e.message}`, key);
    throw e;
  }
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
