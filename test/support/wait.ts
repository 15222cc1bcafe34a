/** Small waiting and error helpers shared by tests. */
import assert from 'node:assert/strict';
import { isStatusError } from '../../apimachinery/errors.js';

/** Polls `cond` every 10 ms until it holds; fails the test after about `timeoutMs`. */
export async function until(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 4000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** `<code> <message>` of the Status error `p` rejects with, or `no error`; other errors are rethrown. */
export async function statusErrorOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e: unknown) {
    if (isStatusError(e)) return `${e.code} ${e.status.message ?? ''}`;
    throw e;
  }
  return 'no error';
}
