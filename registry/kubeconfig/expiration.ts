/**
 * The max-expiration flags of the kubeconfig subresources. Kept apart from the request handling so
 * that flag parsing loads nothing heavy.
 */
import { boundedDurationSeconds } from '../../apimachinery/duration.js';
import type { KubeconfigKind } from './types.js';

/** Default of both max-expiration flags (24h). */
export const DEFAULT_MAX_EXPIRATION_SECONDS = 86400;
/** Bounds of the max-expiration flags: [1 hour, 2^32 seconds], both included, as gardener-apiserver checks them. */
export const MAX_EXPIRATION_FLAG_BOUNDS = { min: 3600, max: 2 ** 32 } as const;

/** The two flags, by kind. */
export const MAX_EXPIRATION_FLAGS = {
  admin: '--shoot-admin-kubeconfig-max-expiration',
  viewer: '--shoot-viewer-kubeconfig-max-expiration',
} as const satisfies Record<KubeconfigKind, string>;

/**
 * Startup check of `--shoot-admin-kubeconfig-max-expiration` / `--shoot-viewer-kubeconfig-max-expiration`:
 * `value` is a Go duration string (`24h`) or seconds. Returns the cap in whole seconds (Go truncates).
 * Throws an `Error` whose message is the one the server must refuse to start with:
 * `<flag> must be between 1 hour and 2^32 seconds` (or Go's duration parse error for bad text).
 */
export function maxExpirationFromFlag(kind: KubeconfigKind, value: string | number): number {
  const { min, max } = MAX_EXPIRATION_FLAG_BOUNDS;
  return Math.trunc(boundedDurationSeconds(value, min, max, `${MAX_EXPIRATION_FLAGS[kind]} must be between 1 hour and 2^32 seconds`));
}
