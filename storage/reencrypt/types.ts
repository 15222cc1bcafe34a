/**
 * Contracts of automatic background re-encryption: what the server hands the rewriter (resources,
 * the encryption configuration, a lock), and what it reports back (progress, status).
 */
import type { ProviderInfo } from '../encryption/config.js';
import type { Storage } from '../interface.js';

/** One resource whose objects are kept encrypted with the current write provider and key. */
export interface ReencryptionResource {
  /** Group-resource as matched against the EncryptionConfiguration: `internalsecrets.core.gardener.cloud`. */
  groupResource: string;
  /** Key prefix of the resource's objects, ending in `/` (`/registry-gardener/core.gardener.cloud/internalsecrets/`). */
  prefix: string;
  /**
   * The resource's object store. Its transformer must follow the configuration in force (e.g. built with
   * `DynamicEncryptionConfig.transformerFor`), so a no-op `guaranteedUpdate` writes with the current
   * first provider and key.
   */
  storage: Storage;
}

/**
 * The encryption configuration as the rewriter sees it; a `DynamicEncryptionConfig` fits. It is asked
 * again on every poll, so a reloaded configuration is noticed without a callback.
 */
export interface EncryptionSource {
  /** The provider chain of a group-resource (first provider, first key = write); undefined = not configured. */
  providersFor(groupResource: string): readonly ProviderInfo[] | undefined;
  /** Hash of the configuration file in force; only recorded for information. */
  readonly contentHash?: string | undefined;
}

/**
 * State of one resource:
 * - `pending`: not looked at yet.
 * - `waiting-for-replicas`: other live replicas write with a different provider/key; rewriting now
 *   could not finish the job (they keep writing the old way), so it waits until all agree.
 * - `waiting-for-lock`: another replica holds the re-encryption lock.
 * - `running`: this replica walks the resource and rewrites stale objects.
 * - `complete`: every object was written with the current write provider/key.
 * - `failed`: the last attempt failed (`error`); retried after a delay.
 */
export type ReencryptionState = 'pending' | 'waiting-for-replicas' | 'waiting-for-lock' | 'running' | 'complete' | 'failed';

/** Progress of one resource toward its current write target (see {@link ReencryptionProgress.target}). */
export interface ReencryptionProgress {
  resource: string;
  state: ReencryptionState;
  /** Provider and key new values are written with: `aescbc:key2`, `identity` (key names only, safe to log). */
  target: string;
  /** Objects examined toward `target` (including those before a restart). */
  done: number;
  /** Objects under the prefix when the walk started (unknown before). */
  total?: number;
  /** Objects rewritten toward `target` (including those before a restart). */
  rewritten: number;
  /** Objects rewritten by this replica since the previous progress event (feed a counter with it). */
  rewrittenDelta: number;
  /** Objects that could not be read with the configuration in force (skipped; they stay as they are). */
  unreadable: number;
  /** Why the last attempt failed (state `failed`). */
  error?: string;
}

/** A point-in-time copy of every resource's progress. */
export interface ReencryptionStatus {
  resources: ReencryptionProgress[];
  /** True when every resource is `complete` for the configuration in force. */
  complete: boolean;
}

/** The held re-encryption lock. */
export interface LockHandle {
  /** Resolves when the lock is lost (etcd lease expired or revoked); the holder must stop working. */
  readonly lost: Promise<void>;
  /** Gives the lock up (idempotent). */
  release(): Promise<void>;
}

/** Makes sure only one replica rewrites at a time. */
export interface ReencryptionLock {
  /**
   * Waits until this replica holds the lock.
   * @throws the signal's reason when `signal` aborts first.
   */
  acquire(signal: AbortSignal): Promise<LockHandle>;
}

/**
 * Where live replicas announce the write target of each resource, so a rewrite only starts (and is only
 * recorded as complete) when no live replica still writes the old way (e.g. during a rolling update).
 */
export interface ReplicaRegistry {
  /** Announces this replica's targets (group-resource -> target) for as long as it lives. */
  publish(targets: Readonly<Record<string, string>>): Promise<void>;
  /** The announced targets of every live replica, this one included. */
  peers(): Promise<Array<Readonly<Record<string, string>>>>;
}

/** Handle of the running background re-encryption. */
export interface Reencryption {
  /** Every resource's progress now. */
  status(): ReencryptionStatus;
  /** Re-reads the configuration now instead of at the next poll (e.g. right after a reload). */
  configChanged(): void;
  /** Resolves once every resource is `complete` for the configuration in force (or rejects on `stop`). */
  settled(): Promise<void>;
  /** Stops: in-flight rewrites finish, progress is saved, the lock is released. Idempotent. */
  stop(): Promise<void>;
}
