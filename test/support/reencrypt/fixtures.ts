/**
 * Helpers of the re-encryption tests (used only by `*.test.ts`): configurations, stores on a backend,
 * bulk writes, raw reads, and a backend wrapper that counts what the rewriter scans.
 */
import type { KubeObject } from '../../../apimachinery/types.js';
import { loadEncryptionConfig } from '../../../storage/encryption/config.js';
import type { EncryptionConfig } from '../../../storage/encryption/config.js';
import { keyFingerprint } from '../../../storage/encryption/providers.js';
import { DynamicEncryptionConfig } from '../../../storage/encryption/reload.js';
import { ForwardingBackend } from '../storage/forwarding-backend.js';
import type { KVBackend, KeyValue, RangeOptions, RangeResult, Storage } from '../../../storage/interface.js';
import { prefixEnd } from '../../../storage/keys.js';
import { createStore } from '../../../storage/store/store.js';
import type { ReencryptionProgress, ReencryptionResource } from '../../../storage/reencrypt/types.js';

export const SECRETS = 'internalsecrets.core.gardener.cloud';
export const SHOOTS = 'shoots.core.gardener.cloud';
export const ETCD_PREFIX = '/registry-gardener';

/** Test keys: 32 bytes each. */
export const KEYS: Readonly<Record<string, string>> = {
  A: Buffer.alloc(32, 1).toString('base64'),
  B: Buffer.alloc(32, 2).toString('base64'),
  C: Buffer.alloc(32, 3).toString('base64'),
};

/**
 * A provider of a test configuration: `identity`, or aescbc (aesgcm) with the named {@link KEYS};
 * `name=K` is a key called `name` with the secret of `K`.
 */
export type TestProvider = 'identity' | { aescbc: string[] } | { aesgcm: string[] };

function testKey(entry: string): { name: string; secret: string } {
  const [name = '', ref = name] = entry.split('=');
  return { name, secret: KEYS[ref] ?? '' };
}

/** Builds a configuration from resource -> provider list (resources left out are not configured). */
export function testConfig(resources: Record<string, TestProvider[]>): EncryptionConfig {
  const entries = Object.entries(resources).map(([resource, providers]) => {
    const list = providers.map((p) =>
      p === 'identity' ? { identity: {} } : 'aesgcm' in p ? { aesgcm: { keys: p.aesgcm.map(testKey) } } : { aescbc: { keys: p.aescbc.map(testKey) } },
    );
    return { resources: [resource], providers: list };
  });
  if (entries.length === 0) entries.push({ resources: ['unused.example.com'], providers: [{ identity: {} }] });
  const doc = { apiVersion: 'apiserver.config.k8s.io/v1', kind: 'EncryptionConfiguration', resources: entries };
  return loadEncryptionConfig(JSON.stringify(doc));
}

/** The write target of aescbc with the named {@link KEYS} first: `aescbc:<name>#<fingerprint>`. */
export function aescbcTarget(name: string): string {
  return `aescbc:${name}#${keyFingerprint(Buffer.from(KEYS[name] ?? '', 'base64'))}`;
}

/** The storage prefix of a gardener resource under `etcdPrefix`. */
export function prefixOf(groupResource: string, etcdPrefix = ETCD_PREFIX): string {
  const dot = groupResource.indexOf('.');
  return `${etcdPrefix}/${groupResource.slice(dot + 1)}/${groupResource.slice(0, dot)}/`;
}

/** A resource of the rewriter with a store that follows `dynamic`. */
export function testResource(
  backend: KVBackend,
  dynamic: DynamicEncryptionConfig,
  groupResource: string,
  etcdPrefix = ETCD_PREFIX,
): ReencryptionResource {
  const prefix = prefixOf(groupResource, etcdPrefix);
  const storage = createStore(backend, { transformer: dynamic.transformerFor(groupResource), resourcePrefix: prefix });
  return { groupResource, prefix, storage };
}

export function keyOf(resource: ReencryptionResource, i: number): string {
  return `${resource.prefix}ns${i % 7}/obj-${String(i).padStart(6, '0')}`;
}

/** Creates `n` objects with a `counter` of 0, `concurrency` at a time. */
export async function createObjects(resource: ReencryptionResource, n: number, concurrency = 64): Promise<void> {
  for (let start = 0; start < n; start += concurrency) {
    const batch: Array<Promise<KubeObject>> = [];
    for (let i = start; i < Math.min(n, start + concurrency); i++) {
      const key = keyOf(resource, i);
      const [ns, name] = key.slice(resource.prefix.length).split('/');
      const obj: KubeObject = { apiVersion: 'core.gardener.cloud/v1beta1', kind: 'InternalSecret', metadata: { name: name ?? '', namespace: ns ?? '' } };
      obj['counter'] = 0;
      obj['data'] = { payload: 'x'.repeat(200) };
      batch.push(resource.storage.create(key, obj));
    }
    await Promise.all(batch);
  }
}

/** Every raw value under the resource's prefix. */
export async function rawValues(backend: KVBackend, resource: ReencryptionResource): Promise<KeyValue[]> {
  return (await backend.range(resource.prefix, prefixEnd(resource.prefix))).kvs;
}

/** How many raw values start with `prefix` (`k8s:enc:aescbc:v1:B:`), and how many do not. */
export async function countPrefixed(backend: KVBackend, resource: ReencryptionResource, prefix: string): Promise<{ yes: number; no: number }> {
  const want = Buffer.from(prefix, 'utf8');
  let yes = 0;
  let no = 0;
  for (const kv of await rawValues(backend, resource)) {
    if (Buffer.from(kv.value).subarray(0, want.length).equals(want)) yes++;
    else no++;
  }
  return { yes, no };
}

/** Lists every object through the store (fails if any cannot be read). */
export async function listAll(storage: Storage, prefix: string): Promise<KubeObject[]> {
  return (await storage.list(prefix)).items;
}

/** Waits until `cond` holds. */
export async function waitFor(what: string, cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Collects progress events. */
export class ProgressLog {
  readonly events: ReencryptionProgress[] = [];
  readonly on = (p: ReencryptionProgress): void => {
    this.events.push(p);
  };

  /** Sum of `rewrittenDelta` (rewrites by this rewriter). */
  rewrites(resource?: string): number {
    return this.events.filter((e) => resource === undefined || e.resource === resource).reduce((n, e) => n + e.rewrittenDelta, 0);
  }

  last(resource: string): ReencryptionProgress | undefined {
    return this.events.filter((e) => e.resource === resource).at(-1);
  }
}

/** A backend that counts the keys its `range` calls return under `prefix` (what a walk scans). */
export class CountingBackend extends ForwardingBackend {
  scanned = 0;

  constructor(
    inner: KVBackend,
    private readonly prefix: string,
  ) {
    super(inner);
  }

  override async range(start: string, end: string, opts?: RangeOptions): Promise<RangeResult> {
    const r = await this.inner.range(start, end, opts);
    if (start.startsWith(this.prefix)) this.scanned += r.kvs.length;
    return r;
  }
}
