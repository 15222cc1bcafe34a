/**
 * Typed storage errors. The registry turns each into the matching Kubernetes Status; nothing in
 * storage knows about HTTP.
 */

/** Base class: every storage failure has a key (or prefix) it concerns. */
export class StorageError extends Error {
  constructor(
    message: string,
    readonly key: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The key does not exist. */
export class KeyNotFoundError extends StorageError {}

/** The error of a read or write of `key`, which does not exist. */
export function keyNotFound(key: string): KeyNotFoundError {
  return new KeyNotFoundError(`key not found: ${key}`, key);
}

/** A create found the key already present. */
export class KeyExistsError extends StorageError {}

/** A precondition or an explicit resourceVersion did not match the stored object. */
export class ConflictError extends StorageError {}

/** A precondition on uid or resourceVersion failed (delete/update preconditions). */
export class PreconditionError extends StorageError {}

/** The requested revision is older than the retained history (compacted): 410 Expired. */
export class ExpiredError extends StorageError {
  constructor(
    message: string,
    key: string,
    /** For paged lists: a continue token that resumes at the latest revision. */
    readonly continueToken?: string,
  ) {
    super(message, key);
  }
}

/** The request is malformed for storage (bad resourceVersion, bad continue token): 400. */
export class InvalidRequestError extends StorageError {}

/**
 * A resourceVersion that is not an unsigned 64-bit integer, in the versioner's words
 * (`resourceVersion: Invalid value: "abc": strconv.ParseUint: ...`), where kube-apiserver passes that
 * error on untranslated (the watch cache, the store's watch): a 500 without reason.
 */
export class InvalidResourceVersionError extends StorageError {}

/** A resourceVersion newer than anything stored was requested and did not appear in time: 504. */
export class TooLargeResourceVersionError extends StorageError {
  constructor(
    message: string,
    key: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message, key);
  }
}

/**
 * A read pinned to a revision the backend has not reached (an Exact list, a legacy paginated list, a
 * continue token from the future). kube-apiserver passes etcd's error on untranslated: a 500 without
 * reason whose message is etcd's (`etcdserver: mvcc: required revision is a future revision`).
 */
export class FutureRevisionError extends StorageError {}

/** The backend cannot be reached: 503. */
export class UnreachableError extends StorageError {}

/** The backend did not answer in time: 504. */
export class TimeoutError extends StorageError {}

/** A stored value could not be decoded or decrypted: 500. */
export class CorruptValueError extends StorageError {}
