/**
 * The object store: {@link Storage} on top of any {@link KVBackend}. Objects are serialized by the
 * codec, passed through the value transformer (encryption at rest; the full key is the AEAD context)
 * and written with compare-and-swap on the key's modRevision, which is the object's resourceVersion.
 */
import type { KubeObject } from '../../apimachinery/types.js';
import { bytesEqual, decodeText, encodeObject } from '../codec.js';
import { ConflictError, KeyExistsError, keyNotFound, PreconditionError } from '../errors.js';
import type {
  DeleteOptions,
  KVBackend,
  ListOptions,
  ListResult,
  Preconditions,
  Storage,
  UpdateFunc,
  UpdateOptions,
  Watch,
  WatchOptions,
} from '../interface.js';
import { prefixEnd } from '../keys.js';
import { parseResourceVersion } from '../resource-version.js';
import { StoreCore, type DecodedKV, type StoreOptions } from './core.js';
import { listObjects } from './list.js';
import { startWatch } from './watch.js';

export type { ObjectTemplate, StoreOptions } from './core.js';

/** Kubernetes' optimistic-concurrency message. */
const OBJECT_MODIFIED = 'the object has been modified; please apply your changes to the latest version and try again';

/** Creates the object store of one resource on `backend`. */
export function createStore(backend: KVBackend, opts: StoreOptions): Storage {
  return new ObjectStore(new StoreCore(backend, opts));
}

/** The state a write attempt starts from: read from storage (`live`) or a guess. */
interface UpdateState {
  current: DecodedKV | undefined;
  live: boolean;
}

/** One attempt of a read-modify-write: finished with an object, or lost a race against `current`. */
type Attempt = { done: true; obj: KubeObject } | { done: false; current: DecodedKV | undefined };

class ObjectStore implements Storage {
  constructor(private readonly core: StoreCore) {}

  async create(key: string, obj: KubeObject, opts: { dryRun?: boolean } = {}): Promise<KubeObject> {
    this.core.checkKey(key);
    const encoded = encodeObject(obj);
    if (opts.dryRun === true) {
      if ((await this.core.backend.get(key)).kv !== undefined) throw keyExists(key);
      return decodeText(encoded.text);
    }
    const stored = await this.core.encrypt(encoded.bytes, key);
    const result = await this.core.backend.create(key, stored);
    if (!result.succeeded) throw keyExists(key);
    return decodeText(encoded.text, result.revision);
  }

  async get(key: string, opts: { resourceVersion?: string } = {}): Promise<KubeObject> {
    this.core.checkKey(key);
    await this.core.ensureRevision(parseResourceVersion(opts.resourceVersion, key), key);
    const current = await this.core.read(key);
    if (current === undefined) throw keyNotFound(key);
    return current.obj;
  }

  list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    return listObjects(this.core, prefix, opts);
  }

  async guaranteedUpdate(key: string, tryUpdate: UpdateFunc, opts: UpdateOptions = {}): Promise<KubeObject> {
    this.core.checkKey(key);
    let state = await this.initialState(key, opts);
    // An outdated guess is not a lost race: only attempts on stored objects count.
    let attempts = 0;
    for (;;) {
      const outcome = await this.updateAttempt(key, state, tryUpdate, opts);
      if (outcome.done) return outcome.obj;
      if (state.live && ++attempts >= this.core.maxUpdateAttempts) throw new ConflictError(OBJECT_MODIFIED, key);
      state = { current: outcome.current, live: true };
    }
  }

  async delete(key: string, opts: DeleteOptions = {}): Promise<KubeObject> {
    this.core.checkKey(key);
    let state = await this.initialState(key, opts);
    let attempts = 0;
    for (;;) {
      const { current, live } = state;
      if (current === undefined) throw keyNotFound(key);
      try {
        checkPreconditions(key, opts.preconditions, current.obj);
        await opts.validateDeletion?.(structuredClone(current.obj));
      } catch (e: unknown) {
        if (live) throw e;
        const stored = await this.core.read(key);
        if (isGuessed(stored, current)) throw e;
        state = { current: stored, live: true };
        continue;
      }
      if (opts.dryRun === true) return current.obj;
      const result = await this.core.backend.delete(key, current.kv.modRevision);
      if (result.succeeded) {
        // Like Kubernetes: the last stored object, at the revision of the delete.
        const gone = live ? current.obj : structuredClone(current.obj);
        gone.metadata.resourceVersion = String(result.revision);
        return gone;
      }
      if (live && ++attempts >= this.core.maxUpdateAttempts) throw new ConflictError(OBJECT_MODIFIED, key);
      state = { current: result.current === undefined ? undefined : await this.core.decode(result.current), live: true };
    }
  }

  /** Where a write starts: the caller's guess (never for dry runs, which answer from storage) or a read. */
  private async initialState(key: string, opts: { cachedExisting?: KubeObject | undefined; dryRun?: boolean | undefined }): Promise<UpdateState> {
    const guess = opts.cachedExisting === undefined || opts.dryRun === true ? undefined : this.core.fromCached(key, opts.cachedExisting);
    return guess === undefined ? { current: await this.core.read(key), live: true } : { current: guess, live: false };
  }

  watch(prefix: string, opts: WatchOptions = {}): Watch {
    return startWatch(this.core, prefix, opts);
  }

  async count(prefix: string): Promise<number> {
    this.core.checkPrefix(prefix);
    const result = await this.core.backend.range(prefix, prefixEnd(prefix), { count: true, limit: 1 });
    return result.count;
  }

  checkHealth(): Promise<void> {
    return this.core.backend.checkHealth();
  }

  /**
   * Calls `tryUpdate` on `current` and writes the result with compare-and-swap. An unchanged result
   * is not written unless the stored value is stale (read with an old encryption key or provider).
   */
  private async updateAttempt(key: string, state: UpdateState, tryUpdate: UpdateFunc, opts: UpdateOptions): Promise<Attempt> {
    const { current, live } = state;
    if (current === undefined && opts.allowCreate !== true) throw keyNotFound(key);
    let updated: KubeObject;
    try {
      if (current !== undefined) checkPreconditions(key, opts.preconditions, current.obj);
      updated = await tryUpdate(current === undefined ? undefined : structuredClone(current.obj));
      if (current !== undefined) checkResourceVersion(key, updated, current);
    } catch (e: unknown) {
      if (live || current === undefined) throw e;
      // Refused on a guess: the stored object decides, unless it is the one guessed.
      const stored = await this.core.read(key);
      if (isGuessed(stored, current)) throw e;
      return { done: false, current: stored };
    }
    const encoded = encodeObject(updated);
    if (current !== undefined && !current.stale && bytesEqual(encoded.bytes, current.data)) {
      if (live) return { done: true, obj: current.obj };
      // Unchanged against a guess: left unwritten only if the guess is what is stored and the stored
      // value is not stale; otherwise the stored object decides.
      const stored = await this.core.read(key);
      if (stored !== undefined && !stored.stale && isGuessed(stored, current)) return { done: true, obj: stored.obj };
      return { done: false, current: stored };
    }
    if (opts.dryRun === true) return { done: true, obj: decodeText(encoded.text, current?.kv.modRevision) };
    const stored = await this.core.encrypt(encoded.bytes, key);
    const backend = this.core.backend;
    const result = current === undefined ? await backend.create(key, stored) : await backend.update(key, stored, current.kv.modRevision);
    if (result.succeeded) return { done: true, obj: decodeText(encoded.text, result.revision) };
    return { done: false, current: result.current === undefined ? undefined : await this.core.decode(result.current) };
  }
}

/** Whether the stored state is the guessed one (one modRevision, one value). */
function isGuessed(stored: DecodedKV | undefined, guess: DecodedKV): stored is DecodedKV {
  return stored !== undefined && stored.kv.modRevision === guess.kv.modRevision;
}

/**
 * Checks delete/update preconditions against the stored object.
 * @throws PreconditionError with Kubernetes' `Precondition failed: ...` message.
 */
export function checkPreconditions(key: string, pre: Preconditions | undefined, obj: KubeObject): void {
  if (pre === undefined) return;
  const uid = obj.metadata.uid ?? '';
  if (pre.uid !== undefined && pre.uid !== uid) {
    throw new PreconditionError(`Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${uid}`, key);
  }
  const rv = obj.metadata.resourceVersion ?? '';
  if (pre.resourceVersion !== undefined && pre.resourceVersion !== rv) {
    throw new PreconditionError(
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${rv}`,
      key,
    );
  }
}

/** An updated object naming a resourceVersion other than the stored one lost a race: 409, no retry. */
function checkResourceVersion(key: string, updated: KubeObject, current: DecodedKV): void {
  const rv = updated.metadata.resourceVersion;
  if (rv !== undefined && rv !== '' && rv !== String(current.kv.modRevision)) throw new ConflictError(OBJECT_MODIFIED, key);
}

function keyExists(key: string): KeyExistsError {
  return new KeyExistsError(`key already exists: ${key}`, key);
}
