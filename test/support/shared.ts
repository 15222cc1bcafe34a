/**
 * The shared reference material the tests check the server against: upstream example manifests
 * (`examples/gardener/`) and the upstream `.proto` files (`reference/proto/`). It sits beside the
 * checkout as `shared/` (locally and in CI); `SHARED_DIR` points elsewhere.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shared directory: `$SHARED_DIR`, or `shared/` beside the checkout. */
export const SHARED_DIR = resolve(process.env['SHARED_DIR'] ?? fileURLToPath(new URL('../../../shared', import.meta.url)));

/**
 * A path inside the shared directory.
 * @throws Error naming the directory and how to provide it when it is missing.
 */
export function sharedPath(...parts: string[]): string {
  if (!existsSync(SHARED_DIR)) {
    throw new Error(`the tests need the shared reference material at ${SHARED_DIR} (shared/ beside the checkout, or set SHARED_DIR)`);
  }
  return join(SHARED_DIR, ...parts);
}
