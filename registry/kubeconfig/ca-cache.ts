/**
 * The cache of shoot client CAs: every InternalSecret named `*.ca-client`, kept current by a list and a
 * watch on the server's own storage (re-listed and re-watched whenever the stream ends or fails), so a
 * request never reads storage. Only `ca.crt` and `ca.key` are kept; each object is parsed into a
 * signing key at most once per resourceVersion, on first use.
 */
import { nextTurn } from '../../storage/pacer.js';
import { internalError } from '../../apimachinery/errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { Reflector, type ReflectorSource } from '../generic/reflector.js';
import { CA_CERT_KEY, CA_KEY_KEY, loadClientCA, type SigningCA } from './ca.js';

export type { CacheListResult, CacheWatch } from '../generic/reflector.js';

/** Suffix of the InternalSecrets holding a shoot's client CA. */
export const CA_CLIENT_SUFFIX = '.ca-client';

/** Where the cache reads InternalSecrets from (all namespaces), e.g. a ResourceStore's list and watch. */
export type ClientCACacheSource = ReflectorSource;

/** Options of {@link ClientCACache}. */
export interface ClientCACacheOptions {
  /** Retry delays after failures: doubling from `initialMs` up to `maxMs` (defaults 100 ms, 10 s). */
  backoff?: { initialMs: number; maxMs: number };
  /** How long `get` waits for the initial sync before failing (default 30 s). */
  syncTimeoutMs?: number;
  /** Told about list/watch failures (the cache retries on its own). */
  onError?: (err: Error) => void;
}

/** Objects of a list taken into the cache per event-loop turn. */
const REPLACE_SLICE = 5000;

interface Entry {
  resourceVersion: string;
  data: Record<string, string>;
  parsed?: Promise<SigningCA>;
}

function keyOf(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** Keeps only `ca.crt` and `ca.key`; other data never enters the cache. */
function caData(obj: KubeObject): Record<string, string> {
  const data = obj.data;
  const out: Record<string, string> = {};
  if (typeof data !== 'object' || data === null) return out;
  for (const k of [CA_CERT_KEY, CA_KEY_KEY]) {
    const v = (data as Record<string, unknown>)[k];
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

/** A list+watch cache of `*.ca-client` InternalSecrets, parsed lazily into signing CAs. */
export class ClientCACache {
  private entries = new Map<string, Entry>();
  private readonly reflector: Reflector;
  private readonly syncTimeoutMs: number;

  constructor(source: ClientCACacheSource, opts: ClientCACacheOptions = {}) {
    this.syncTimeoutMs = opts.syncTimeoutMs ?? 30_000;
    this.reflector = new Reflector(
      source,
      {
        replace: async (items) => {
          const next = new Map<string, Entry>();
          for (let i = 0; i < items.length; i++) {
            // Slices, so that a list of 100,000 InternalSecrets never holds the event loop for long.
            if (i > 0 && i % REPLACE_SLICE === 0) await nextTurn();
            const obj = items[i] as KubeObject;
            const e = this.entryFor(obj);
            if (e !== undefined) next.set(keyOf(obj.metadata.namespace ?? '', obj.metadata.name ?? ''), e);
          }
          this.entries = next;
        },
        apply: (type, obj) => {
          const key = keyOf(obj.metadata.namespace ?? '', obj.metadata.name ?? '');
          const e = type === 'DELETED' ? undefined : this.entryFor(obj);
          if (e === undefined) this.entries.delete(key);
          else this.entries.set(key, e);
        },
      },
      { ...(opts.backoff !== undefined && { backoff: opts.backoff }), ...(opts.onError !== undefined && { onError: opts.onError }) },
    );
  }

  /** Starts the list+watch loop (idempotent); resolves after the initial list. */
  start(): Promise<void> {
    return this.reflector.start();
  }

  /** Resolves once the first list has been applied. */
  ready(): Promise<void> {
    return this.reflector.ready();
  }

  /** Whether the first list has been applied. */
  get hasSynced(): boolean {
    return this.reflector.hasSynced;
  }

  /** Number of cached `*.ca-client` objects. */
  get size(): number {
    return this.entries.size;
  }

  /** Ends the loop and the running watch. */
  stop(): void {
    this.reflector.stop();
  }

  /**
   * The signing CA of InternalSecret `namespace/name`. Rejects with 500
   * `could not get client CA secret: internalsecret.core.gardener.cloud "<name>" not found` when it is not
   * cached, and with 500 `could not load client CA certificate from secret: …` when it does not parse.
   */
  async get(namespace: string, name: string): Promise<SigningCA> {
    await this.reflector.waitForSync(this.syncTimeoutMs, () => internalError('could not get client CA secret: the InternalSecret cache has not synced yet'));
    const entry = this.entries.get(keyOf(namespace, name));
    if (entry === undefined) {
      throw internalError(`could not get client CA secret: internalsecret.core.gardener.cloud ${JSON.stringify(name)} not found`);
    }
    entry.parsed ??= loadClientCA(entry.data);
    return entry.parsed;
  }

  /** The entry for an object: the cached one when its resourceVersion is unchanged (keeps the parsed CA). */
  private entryFor(obj: KubeObject): Entry | undefined {
    const name = obj.metadata.name ?? '';
    if (!name.endsWith(CA_CLIENT_SUFFIX)) return undefined;
    const rv = obj.metadata.resourceVersion ?? '';
    const old = this.entries.get(keyOf(obj.metadata.namespace ?? '', name));
    if (old !== undefined && old.resourceVersion === rv && rv !== '') return old;
    return { resourceVersion: rv, data: caData(obj) };
  }
}
