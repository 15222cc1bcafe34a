/** Translation of typed storage errors into Kubernetes Status errors. */
import {
  alreadyExists,
  badRequest,
  conflict,
  expired,
  internalError,
  isStatusError,
  notFound,
  OBJECT_MODIFIED,
  serviceUnavailable,
  timeout,
  tooLargeResourceVersion,
  untypedError,
  type StatusError,
} from '../../apimachinery/errors.js';
import type { GroupResource } from '../../apimachinery/types.js';
import {
  ConflictError,
  CorruptValueError,
  ExpiredError,
  FutureRevisionError,
  InvalidRequestError,
  InvalidResourceVersionError,
  KeyExistsError,
  KeyNotFoundError,
  PreconditionError,
  TimeoutError,
  TooLargeResourceVersionError,
  UnreachableError,
} from '../../storage/errors.js';

/** When clients may retry a request that storage could not serve (storage down, timed out). */
const STORAGE_RETRY_AFTER_SECONDS = 1;

/**
 * Turns whatever a storage call threw into a StatusError for `gr`/`name`. StatusErrors (thrown by
 * strategies or admission inside an update loop) pass through unchanged.
 */
export function toStatusError(e: unknown, gr: GroupResource, name: string): StatusError {
  if (isStatusError(e)) return e;
  if (e instanceof KeyNotFoundError) return notFound(gr, name);
  if (e instanceof KeyExistsError) return alreadyExists(gr, name);
  if (e instanceof ConflictError) return conflict(gr, name, OBJECT_MODIFIED);
  if (e instanceof PreconditionError) return conflict(gr, name, e.message);
  if (e instanceof ExpiredError) {
    const err = expired(e.message);
    if (e.continueToken !== undefined) err.status.metadata.continue = e.continueToken;
    return err;
  }
  if (e instanceof InvalidRequestError) return badRequest(e.message);
  if (e instanceof InvalidResourceVersionError || e instanceof FutureRevisionError) return untypedError(e.message);
  if (e instanceof TooLargeResourceVersionError) return tooLargeResourceVersion(e.message, e.retryAfterSeconds);
  if (e instanceof UnreachableError) return serviceUnavailable(`storage is unavailable: ${e.message}`, STORAGE_RETRY_AFTER_SECONDS);
  if (e instanceof TimeoutError) return timeout(e.message, STORAGE_RETRY_AFTER_SECONDS);
  if (e instanceof CorruptValueError) return internalError(e.message);
  return internalError(e instanceof Error ? e.message : String(e));
}
