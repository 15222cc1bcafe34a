/** The StatusError a synchronous call throws, for tests of what refuses a request. */
import assert from 'node:assert/strict';
import { isStatusError, type StatusError } from '../../apimachinery/errors.js';

/** The StatusError `fn` throws; fails the test when it returns or throws anything else. */
export function statusOf(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e: unknown) {
    if (isStatusError(e)) return e;
    throw e;
  }
  assert.fail('expected a StatusError');
}
