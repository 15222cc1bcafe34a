/**
 * `--shoot-credentials-rotation-interval`: how long after a Shoot's creation or last rotation its
 * warnings ask for a credentials rotation. Kept apart from the warnings so that flag parsing loads
 * nothing heavy.
 */
import { boundedDurationSeconds } from '../../apimachinery/duration.js';

/** The flag. */
export const CREDENTIALS_ROTATION_INTERVAL_FLAG = '--shoot-credentials-rotation-interval';
/** Its default (90 days), as gardener-apiserver's. */
export const DEFAULT_CREDENTIALS_ROTATION_INTERVAL_SECONDS = 90 * 24 * 3600;

/**
 * Startup check of the flag: `value` is a Go duration string (`2160h`) or seconds, within
 * [24 hours, 2^32 seconds] as gardener-apiserver checks it. Returns seconds; throws an `Error` with the
 * message the server refuses to start with (or Go's duration parse error for bad text).
 */
export function credentialsRotationIntervalFromFlag(value: string | number): number {
  return boundedDurationSeconds(value, 24 * 3600, 2 ** 32, `${CREDENTIALS_ROTATION_INTERVAL_FLAG} must be between 24 hours and 2^32 seconds`);
}
