/**
 * What the object store's operations share: configuration, key checks, and reading a backend value
 * back into an object through the value transformer and the codec.
 */
import type { KubeObject } from '../../apimachinery/types.js';
import { decodeObject, encodeObject } from '../codec.js';
import { CorruptValueError, InvalidRequestError } from '../errors.js';
import type { KVBackend, KeyValue } from '../interface.js';
import { waitForRevision } from '../resource-version.js';
import type { ValueTransformer } from '../transformer.js';

/** `apiVersion` and `kind` of the stored resource, for BOOKMARK events and typeless watch objects. */
export interface ObjectTemplate {
  apiVersion: string;
  kind: string;
}

/** Options of `createStore`. */
export interface StoreOptions {
  /** Encrypts on write, decrypts on read; sees the full storage key. */
  transformer: ValueTransformer;
  /** When set, every key and prefix must start with it (guards against cross-resource access). */
  resourcePrefix?: string;
  /** Type of the stored objects; fills BOOKMARK events and watch objects stored without a type. */
  objectTemplate?: ObjectTemplate;
  /** Interval of BOOKMARK events on watches that allow them (default 60000 ms). */
  bookmarkIntervalMs?: number;
  /** How long a read waits for a resourceVersion newer than the current one (default 3000 ms). */
  tooLargeWaitMs?: number;
  /**
   * Attempts of a `guaranteedUpdate`/`delete` losing compare-and-swap races (default: no limit, as
   * Kubernetes' GuaranteedUpdate: a write without a precondition never fails for losing races).
   */
  maxUpdateAttempts?: number;
  /** Undelivered events after which a watch is closed as too slow (default 100000). */
  maxWatchBacklog?: number;
}

/** A backend value read back: the object, its plaintext bytes and whether the transformer was stale. */
export interface DecodedKV {
  kv: KeyValue;
  obj: KubeObject;
  data: Uint8Array;
  stale: boolean;
}

/** Resolved configuration and shared helpers of one object store. */
export class StoreCore {
  readonly transformer: ValueTransformer;
  readonly resourcePrefix: string;
  readonly objectTemplate: ObjectTemplate | undefined;
  readonly bookmarkIntervalMs: number;
  readonly tooLargeWaitMs: number;
  readonly maxUpdateAttempts: number;
  readonly maxWatchBacklog: number;

  constructor(
    readonly backend: KVBackend,
    opts: StoreOptions,
  ) {
    this.transformer = opts.transformer;
    this.resourcePrefix = opts.resourcePrefix ?? '';
    this.objectTemplate = opts.objectTemplate;
    this.bookmarkIntervalMs = opts.bookmarkIntervalMs ?? 60_000;
    this.tooLargeWaitMs = opts.tooLargeWaitMs ?? 3000;
    this.maxUpdateAttempts = Math.max(1, opts.maxUpdateAttempts ?? Number.POSITIVE_INFINITY);
    this.maxWatchBacklog = opts.maxWatchBacklog ?? 100_000;
  }

  /** @throws InvalidRequestError for a key outside the resource prefix. */
  checkKey(key: string): void {
    if (!key.startsWith(this.resourcePrefix) || key === '') {
      throw new InvalidRequestError(`key ${JSON.stringify(key)} is outside the storage prefix ${JSON.stringify(this.resourcePrefix)}`, key);
    }
  }

  /** @throws InvalidRequestError unless `prefix` is a valid list/watch prefix (ends with `/`). */
  checkPrefix(prefix: string): void {
    this.checkKey(prefix);
    if (!prefix.endsWith('/')) throw new InvalidRequestError(`key prefix ${JSON.stringify(prefix)} must end with "/"`, prefix);
  }

  /**
   * Decrypts and decodes `kv`; the object's resourceVersion is `revision` (default: its modRevision).
   * @throws CorruptValueError when the value cannot be transformed or decoded.
   */
  async decode(kv: KeyValue, revision = kv.modRevision): Promise<DecodedKV> {
    let data: Uint8Array;
    let stale: boolean;
    try {
      ({ data, stale } = await this.transformer.fromStorage(kv.value, kv.key));
    } catch (e: unknown) {
      throw new CorruptValueError(`unable to transform key ${JSON.stringify(kv.key)}: ${errorMessage(e)}`, kv.key);
    }
    try {
      return { kv, obj: decodeObject(data, revision), data, stale };
    } catch (e: unknown) {
      throw new CorruptValueError(`unable to decode key ${JSON.stringify(kv.key)}: ${errorMessage(e)}`, kv.key);
    }
  }

  /** Encrypts serialized object bytes for `key`. */
  async encrypt(data: Uint8Array, key: string): Promise<Uint8Array> {
    return this.transformer.toStorage(data, key);
  }

  /**
   * The state a cached object stands for, when it names a resourceVersion: that version as
   * modRevision and its encoding as data, made when first asked for (updates compare with it, deletes
   * never do). The stored value itself is not known, and so not its staleness.
   */
  fromCached(key: string, obj: KubeObject): DecodedKV | undefined {
    const revision = Number(obj.metadata.resourceVersion);
    if (!Number.isSafeInteger(revision) || revision <= 0) return undefined;
    let data: Uint8Array | undefined;
    return {
      kv: { key, value: new Uint8Array(0), createRevision: 0, modRevision: revision },
      obj,
      get data() {
        data ??= encodeObject(obj).bytes;
        return data;
      },
      stale: false,
    };
  }

  /** The current object under `key`, or undefined. */
  async read(key: string): Promise<DecodedKV | undefined> {
    const { kv } = await this.backend.get(key);
    return kv === undefined ? undefined : this.decode(kv);
  }

  /**
   * Resolves once the backend has reached `revision` (NotOlderThan semantics).
   * @throws TooLargeResourceVersionError when it does not within `tooLargeWaitMs`.
   */
  async ensureRevision(revision: number, key: string): Promise<void> {
    if (revision <= 0) return;
    await waitForRevision(this.backend, revision, key, this.tooLargeWaitMs);
  }

  /** `obj` with `apiVersion`/`kind` from the template when it has none. */
  typed(obj: KubeObject): KubeObject {
    const t = this.objectTemplate;
    if (t === undefined || (obj.apiVersion !== undefined && obj.kind !== undefined)) return obj;
    return { apiVersion: t.apiVersion, kind: t.kind, ...obj };
  }
}

/** The message of an unknown thrown value. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
