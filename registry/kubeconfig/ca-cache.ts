/**
 * The cache of shoot client CAs: every InternalSecret named `*.ca-client`, kept current by a list and a
 * watch on the server's own storage (re-listed and re-watched whenever the stream ends or fails), so a
 * request never reads storage. Only `ca.crt` and `ca.key` are kept; each object is parsed into a
 * signing key at most once per resourceVersion, on first use.
 */
import { internalError } from '../../apimachinery/errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import type { WatchEvent } from '../../storage/interface.js';
import { CA_CERT_KEY, CA_KEY_KEY, loadClientCA, type SigningCA } from './ca.js';

/** Suffix of the InternalSecrets holding a shoot's client CA. */
export const CA_CLIENT_SUFFIX = '.ca-client';

/** A list result: the items alone, or a list object with its resourceVersion. */
export type CacheListResult = KubeObject[] | { items: KubeObject[]; metadata?: { resourceVersion?: string } };

/** A running watch: iterate for events; `stop()` ends it. */
export type CacheWatch = AsyncIterable<WatchEvent> & { stop(): void };

/** Where the cache reads InternalSecrets from (all namespaces), e.g. a ResourceStore's list and watch. */
export interface ClientCACacheSource {
  list(): Promise<CacheListResult>;
  /** Changes after `resourceVersion` (`''` when the list had none: the current state as ADDED first). */
  watch(resourceVersion: string): CacheWatch;
}

/** Options of {@link ClientCACache}. */
export interface ClientCACacheOptions {
  /** Retry delays after failures: doubling from `initialMs` up to `maxMs` (defaults 100 ms, 10 s). */
  backoff?: { initialMs: number; maxMs: number };
  /** How long `get` waits for the initial sync before failing (default 30 s). */
  syncTimeoutMs?: number;
  /** Told about list/watch failures (the cache retries on its own). */
  onError?: (err: Error) => void;
}

interface Entry {
  resourceVersion: string;
  data: Record<string, string>;
  parsed?: Promise<SigningCA>;
}

function keyOf(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

function toError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
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

function newerVersion(a: string, b: string): string {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return BigInt(a) >= BigInt(b) ? a : b;
  return a === '' ? b : a;
}

/** A list+watch cache of `*.ca-client` InternalSecrets, parsed lazily into signing CAs. */
export class ClientCACache {
  private entries = new Map<string, Entry>();
  private resourceVersion = '';
  private synced = false;
  private stopped = false;
  private started = false;
  private current: CacheWatch | undefined;
  private wake: (() => void) | undefined;
  private readonly syncWaiters: (() => void)[] = [];
  private readonly backoff: { initialMs: number; maxMs: number };
  private readonly syncTimeoutMs: number;

  constructor(
    private readonly source: ClientCACacheSource,
    private readonly opts: ClientCACacheOptions = {},
  ) {
    this.backoff = opts.backoff ?? { initialMs: 100, maxMs: 10_000 };
    this.syncTimeoutMs = opts.syncTimeoutMs ?? 30_000;
  }

  /** Starts the list+watch loop (idempotent); resolves after the initial list. */
  start(): Promise<void> {
    if (!this.started) {
      this.started = true;
      void this.run();
    }
    return this.ready();
  }

  /** Resolves once the first list has been applied. */
  ready(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  /** Whether the first list has been applied. */
  get hasSynced(): boolean {
    return this.synced;
  }

  /** Number of cached `*.ca-client` objects. */
  get size(): number {
    return this.entries.size;
  }

  /** Ends the loop and the running watch. */
  stop(): void {
    this.stopped = true;
    this.current?.stop();
    this.wake?.();
  }

  /**
   * The signing CA of InternalSecret `namespace/name`. Rejects with 500
   * `could not get client CA secret: internalsecret.core.gardener.cloud "<name>" not found` when it is not
   * cached, and with 500 `could not load client CA certificate from secret: …` when it does not parse.
   */
  async get(namespace: string, name: string): Promise<SigningCA> {
    if (!this.synced) await this.waitForSync();
    const entry = this.entries.get(keyOf(namespace, name));
    if (entry === undefined) {
      throw internalError(`could not get client CA secret: internalsecret.core.gardener.cloud ${JSON.stringify(name)} not found`);
    }
    entry.parsed ??= loadClientCA(entry.data);
    return entry.parsed;
  }

  private async waitForSync(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(internalError('could not get client CA secret: the InternalSecret cache has not synced yet')), this.syncTimeoutMs);
    });
    try {
      await Promise.race([this.ready(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async run(): Promise<void> {
    let delay = this.backoff.initialMs;
    while (!this.stopped) {
      const started = Date.now();
      try {
        await this.relist();
        await this.consume(this.source.watch(this.resourceVersion));
        if (Date.now() - started >= 1000) delay = this.backoff.initialMs;
        else await this.sleep(delay);
      } catch (e: unknown) {
        if (this.stopped) return;
        this.opts.onError?.(toError(e));
        await this.sleep(delay);
        delay = Math.min(delay * 2, this.backoff.maxMs);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async relist(): Promise<void> {
    const result = await this.source.list();
    const items = Array.isArray(result) ? result : result.items;
    let rv = Array.isArray(result) ? '' : (result.metadata?.resourceVersion ?? '');
    const next = new Map<string, Entry>();
    for (const obj of items) {
      const itemRv = obj.metadata.resourceVersion ?? '';
      if (Array.isArray(result)) rv = newerVersion(rv, itemRv);
      const e = this.entryFor(obj);
      if (e !== undefined) next.set(keyOf(obj.metadata.namespace ?? '', obj.metadata.name ?? ''), e);
    }
    if (this.stopped) return;
    this.entries = next;
    this.resourceVersion = rv;
    if (!this.synced) {
      this.synced = true;
      this.syncWaiters.splice(0).forEach((f) => f());
    }
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

  private async consume(watch: CacheWatch): Promise<void> {
    this.current = watch;
    try {
      for await (const event of watch) {
        if (this.stopped) return;
        this.apply(event);
      }
    } finally {
      watch.stop();
      this.current = undefined;
    }
  }

  private apply(event: WatchEvent): void {
    const obj = event.object;
    if (event.type === 'ERROR') {
      const status = obj as unknown as { message?: string; code?: number };
      throw new Error(`watch failed: ${status.message ?? 'unknown error'}${status.code !== undefined ? ` (${status.code})` : ''}`);
    }
    const rv = obj.metadata.resourceVersion ?? '';
    if (rv !== '') this.resourceVersion = rv;
    if (event.type === 'BOOKMARK') return;
    const key = keyOf(obj.metadata.namespace ?? '', obj.metadata.name ?? '');
    if (event.type === 'DELETED') {
      this.entries.delete(key);
      return;
    }
    const e = this.entryFor(obj);
    if (e !== undefined) this.entries.set(key, e);
  }
}
