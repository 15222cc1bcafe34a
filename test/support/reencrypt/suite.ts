/**
 * The re-encryption scenarios every backend must pass (used by `rewriter-sqlite.test.ts` and
 * `rewriter-etcd.test.ts`): rotation, resources added and removed, concurrent user writes, resume after
 * a restart, a configuration change during a walk, unreadable values.
 */
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../apimachinery/types.js';
import { DynamicEncryptionConfig } from '../../../storage/encryption/reload.js';
import type { KVBackend } from '../../../storage/interface.js';
import { ProgressStore, reencryptionProgressPrefix } from '../../../storage/reencrypt/progress-store.js';
import { startReencryption, type ReencryptionOptions } from '../../../storage/reencrypt/rewriter.js';
import {
  aescbcTarget,
  CountingBackend,
  countPrefixed,
  createObjects,
  keyOf,
  listAll,
  ProgressLog,
  SECRETS,
  SHOOTS,
  testConfig,
  testResource,
  waitFor,
  type TestProvider,
} from './fixtures.js';
import type { Reencryption, ReencryptionResource } from '../../../storage/reencrypt/types.js';

/** A backend factory: a fresh key space per test, and a way to "restart" (reopen) it. */
export interface SuiteEnv {
  /** A new world: a backend and an etcd prefix no other test uses. */
  open(): Promise<{ backend: KVBackend; etcdPrefix: string }>;
  /** Closes `backend` and opens the same storage again (a restart). */
  reopen(backend: KVBackend): Promise<KVBackend>;
  /** Objects of the throughput line (printed, not asserted). */
  label: string;
}

const B_PREFIX = 'k8s:enc:aescbc:v1:B:';
const A_PREFIX = 'k8s:enc:aescbc:v1:A:';
const FAST = { pollIntervalMs: 50, retryIntervalMs: 200, progressIntervalMs: 20 };

/** One test world: a backend, a dynamic configuration, and resources whose stores follow it. */
class World {
  readonly dynamic: DynamicEncryptionConfig;
  readonly progressPrefix: string;

  constructor(
    public backend: KVBackend,
    readonly etcdPrefix: string,
    initial: Record<string, TestProvider[]>,
  ) {
    this.dynamic = new DynamicEncryptionConfig(testConfig(initial));
    this.progressPrefix = reencryptionProgressPrefix(etcdPrefix);
  }

  resource(groupResource: string): ReencryptionResource {
    return testResource(this.backend, this.dynamic, groupResource, this.etcdPrefix);
  }

  configure(resources: Record<string, TestProvider[]>): void {
    this.dynamic.set(testConfig(resources));
  }
}

/** What the scenario groups share: a way to make a world and to start a rewriter on it. */
interface SuiteContext {
  env: SuiteEnv;
  world(initial: Record<string, TestProvider[]>): Promise<World>;
  start(w: World, resources: ReencryptionResource[], extra?: Partial<ReencryptionOptions>): Reencryption;
}

/** Registers the shared scenarios in the current `describe`. */
export function reencryptionSuite(env: SuiteEnv): void {
  const running: Reencryption[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((r) => r.stop()));
  });
  const ctx: SuiteContext = {
    env,
    start: (w, resources, extra = {}) => {
      const opts: ReencryptionOptions = { backend: w.backend, resources, encryption: w.dynamic, progressPrefix: w.progressPrefix, ...FAST, ...extra };
      const r = startReencryption(opts);
      running.push(r);
      return r;
    },
    world: async (initial) => {
      const { backend, etcdPrefix } = await env.open();
      return new World(backend, etcdPrefix, initial);
    },
  };
  rotationScenarios(ctx);
  resourceScenarios(ctx);
  safetyScenarios(ctx);
  resumeScenarios(ctx);
}

/** A new first key; the old key removed afterwards. */
function rotationScenarios({ env, world, start }: SuiteContext): void {
  it('rewrites every object to a new first key, after which the old key can be removed', async () => {
    const w = await world({ [SECRETS]: [{ aescbc: ['A'] }] });
    const res = w.resource(SECRETS);
    const n = 2500;
    await createObjects(res, n);
    assert.deepEqual(await countPrefixed(w.backend, res, A_PREFIX), { yes: n, no: 0 });
    const log = new ProgressLog();
    const r = start(w, [res], { onProgress: log.on, rateLimit: 0 });
    await r.settled();
    assert.equal(log.rewrites(), 0, 'nothing is stale under the initial configuration');

    const started = performance.now();
    w.configure({ [SECRETS]: [{ aescbc: ['B', 'A'] }] });
    r.configChanged();
    await r.settled();
    const ms = performance.now() - started;
    console.log(`      re-encryption (${env.label}): ${n} objects in ${ms.toFixed(0)} ms = ${((n * 1000) / ms).toFixed(0)} objects/s`);
    assert.deepEqual(await countPrefixed(w.backend, res, B_PREFIX), { yes: n, no: 0 });
    assert.equal(log.rewrites(), n);
    const status = r.status().resources[0];
    assert.equal(status?.state, 'complete');
    assert.equal(status?.target, aescbcTarget('B'));
    assert.equal(status?.done, n);
    assert.equal(status?.total, n);
    assert.equal(status?.rewritten, n);

    w.configure({ [SECRETS]: [{ aescbc: ['B'] }] }); // the old key is gone
    r.configChanged();
    await r.settled();
    assert.equal((await listAll(res.storage, res.prefix)).length, n);
    assert.equal(log.rewrites(), n, 'removing an old read key rewrites nothing');
  });
}

/** Resources added to and removed from the configuration. */
function resourceScenarios({ world, start }: SuiteContext): void {
  it('encrypts a resource added to the configuration and leaves the others alone', async () => {
    const w = await world({ [SECRETS]: [{ aescbc: ['A'] }] });
    const shoots = w.resource(SHOOTS);
    const secrets = w.resource(SECRETS);
    await createObjects(shoots, 2000);
    await createObjects(secrets, 100);
    assert.deepEqual(await countPrefixed(w.backend, shoots, 'k8s:enc:'), { yes: 0, no: 2000 });
    const log = new ProgressLog();
    const r = start(w, [secrets, shoots], { onProgress: log.on });
    await r.settled();
    assert.equal(r.status().resources.find((p) => p.resource === SHOOTS)?.target, 'identity');

    w.configure({ [SECRETS]: [{ aescbc: ['A'] }], [SHOOTS]: [{ aescbc: ['A'] }, 'identity'] });
    await r.settled();
    assert.deepEqual(await countPrefixed(w.backend, shoots, A_PREFIX), { yes: 2000, no: 0 });
    assert.equal(log.rewrites(SHOOTS), 2000);
    assert.equal(log.rewrites(SECRETS), 0);
    assert.equal((await listAll(shoots.storage, shoots.prefix)).length, 2000);
  });

  it('decrypts a resource removed from the configuration (identity first), then reads it without a rule', async () => {
    const w = await world({ [SHOOTS]: [{ aescbc: ['A'] }] });
    const shoots = w.resource(SHOOTS);
    await createObjects(shoots, 2000);
    const log = new ProgressLog();
    const r = start(w, [shoots], { onProgress: log.on });
    await r.settled();

    w.configure({ [SHOOTS]: ['identity', { aescbc: ['A'] }] });
    await r.settled();
    assert.deepEqual(await countPrefixed(w.backend, shoots, 'k8s:enc:'), { yes: 0, no: 2000 });
    assert.equal(log.rewrites(), 2000);

    w.configure({}); // no rule at all: plaintext is read as is
    await r.settled();
    assert.equal((await listAll(shoots.storage, shoots.prefix)).length, 2000);
    assert.equal(log.rewrites(), 2000);
  });
}

/** Concurrent user writes, unreadable values. */
function safetyScenarios({ world, start }: SuiteContext): void {
  it('never loses a concurrent user update', async () => {
    const w = await world({ [SECRETS]: [{ aescbc: ['A'] }] });
    const res = w.resource(SECRETS);
    const n = 2000;
    await createObjects(res, n);
    const log = new ProgressLog();
    const r = start(w, [res], { onProgress: log.on, rateLimit: 2000, concurrency: 16 });
    await r.settled();
    w.configure({ [SECRETS]: [{ aescbc: ['B', 'A'] }] });
    r.configChanged();
    await waitFor('the walk to start', () => log.last(SECRETS)?.state === 'running');

    const expected = new Array<number>(n).fill(0);
    let seed = 7;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    let overlapped = false;
    const worker = async (): Promise<void> => {
      for (let j = 0; j < 150; j++) {
        const i = next();
        expected[i] = (expected[i] ?? 0) + 1;
        await res.storage.guaranteedUpdate(keyOf(res, i), async (cur?: KubeObject) => {
          if (cur === undefined) throw new Error('gone');
          return { ...cur, counter: Number(cur['counter']) + 1 };
        });
        if (r.status().resources[0]?.state === 'running') overlapped = true;
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    await r.settled();
    assert.ok(overlapped, 'user updates ran while the rewrite was running');
    const items = await listAll(res.storage, res.prefix);
    const byName = new Map(items.map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, Number(o['counter'])]));
    for (let i = 0; i < n; i++) {
      const key = keyOf(res, i).slice(res.prefix.length);
      assert.equal(byName.get(key), expected[i], `counter of ${key}`);
    }
    assert.deepEqual(await countPrefixed(w.backend, res, B_PREFIX), { yes: n, no: 0 });
  });

  it('skips values the configuration in force cannot read, and says how many', async () => {
    const w = await world({ [SECRETS]: [{ aescbc: ['A'] }] });
    const res = w.resource(SECRETS);
    await createObjects(res, 50);
    w.configure({ [SECRETS]: [{ aescbc: ['B'] }] }); // key A dropped without a rewrite
    const r = start(w, [res]);
    await r.settled();
    const status = r.status().resources[0];
    assert.equal(status?.state, 'complete');
    assert.equal(status?.unreadable, 50);
    assert.deepEqual(await countPrefixed(w.backend, res, A_PREFIX), { yes: 50, no: 0 });
    // The dropped key restored behind the write key: the write target is the same, but the values left
    // unreadable are walked again and rewritten.
    w.configure({ [SECRETS]: [{ aescbc: ['B', 'A'] }] });
    r.configChanged();
    await waitFor('the values read with the restored key to be rewritten', () => {
      const p = r.status().resources[0];
      return p?.state === 'complete' && p.rewritten === 50;
    }, 60_000);
    assert.equal(r.status().resources[0]?.unreadable, 0);
    assert.deepEqual(await countPrefixed(w.backend, res, B_PREFIX), { yes: 50, no: 0 });
  });

  it('walks values left unreadable again after a restart with the key restored', async () => {
    const w = await world({ [SECRETS]: [{ aescbc: ['A'] }] });
    const res = w.resource(SECRETS);
    await createObjects(res, 20);
    w.configure({ [SECRETS]: [{ aescbc: ['B'] }] });
    const first = start(w, [res]);
    await first.settled();
    await first.stop();
    w.configure({ [SECRETS]: [{ aescbc: ['B', 'A'] }] });
    const second = start(w, [res]);
    await second.settled();
    assert.deepEqual(await countPrefixed(w.backend, res, B_PREFIX), { yes: 20, no: 0 });
    // Settled for good: a third start with the same keys has nothing left to walk.
    await second.stop();
    const third = start(w, [res]);
    await third.settled();
    assert.equal(third.status().resources[0]?.rewritten, 20, 'the record of the second walk stands');
  });
}

/** Stopping, restarting, and configuration changes during a walk. */
function resumeScenarios({ env, world, start }: SuiteContext): void {
  it('resumes after a restart from the saved position instead of rescanning from the start', async () => {
    const w = await world({ [SECRETS]: [{ aescbc: ['A'] }] });
    const res = w.resource(SECRETS);
    const n = 3000;
    await createObjects(res, n);
    w.configure({ [SECRETS]: [{ aescbc: ['B', 'A'] }] });
    const log1 = new ProgressLog();
    const r1 = start(w, [res], { onProgress: log1.on, rateLimit: 3000, pageSize: 100, checkpointEvery: 100 });
    await waitFor('half of the walk', () => (r1.status().resources[0]?.done ?? 0) >= n / 2);
    await r1.stop();
    const saved = (await new ProgressStore(w.backend, w.progressPrefix).read(SECRETS)).record;
    assert.ok(saved !== undefined && !saved.complete && saved.done >= n / 2 && saved.done < n, JSON.stringify(saved));

    w.backend = await env.reopen(w.backend); // a restart
    const counting = new CountingBackend(w.backend, w.etcdPrefix);
    const res2 = w.resource(SECRETS);
    const log2 = new ProgressLog();
    const r2 = start(w, [res2], { backend: counting, onProgress: log2.on, rateLimit: 0, pageSize: 100 });
    await r2.settled();
    assert.ok((log2.events[0]?.done ?? 0) >= saved.done, 'the second run starts where the first stopped');
    assert.ok(counting.scanned <= n - saved.done + 101, `scanned ${counting.scanned} keys after ${saved.done} were done`);
    assert.equal(log1.rewrites() + log2.rewrites(), n, 'each object rewritten once');
    assert.deepEqual(await countPrefixed(w.backend, res2, B_PREFIX), { yes: n, no: 0 });

    const again = new CountingBackend(w.backend, w.etcdPrefix);
    const r3 = start(w, [res2], { backend: again });
    await r3.settled();
    assert.equal(again.scanned, 0, 'a completed resource is not walked again');
  });

  it('rewrites the objects of a secret replaced under the same key name, the old one kept behind', async () => {
    // AES-GCM: a wrong key always fails to decrypt. (With AES-CBC about one value in 256 "decrypts" to
    // garbage with valid padding under the wrong key, as in kube-apiserver; the walk counts it as
    // unreadable, and reading it fails until the configuration no longer offers that key first.)
    const w = await world({ [SECRETS]: [{ aesgcm: ['key1=A'] }] });
    const res = w.resource(SECRETS);
    await createObjects(res, 300);
    const log = new ProgressLog();
    const r = start(w, [res], { onProgress: log.on, rateLimit: 0 });
    await r.settled();
    // Both providers write and read the prefix `k8s:enc:aesgcm:v1:key1:`; only decrypting tells which.
    w.configure({ [SECRETS]: [{ aesgcm: ['key1=B'] }, { aesgcm: ['key1=A'] }] });
    r.configChanged();
    await r.settled();
    assert.equal(log.rewrites(), 300);
    assert.equal(r.status().resources[0]?.state, 'complete');
    w.configure({ [SECRETS]: [{ aesgcm: ['key1=B'] }] }); // the old secret is gone
    r.configChanged();
    await r.settled();
    assert.equal((await listAll(res.storage, res.prefix)).length, 300, 'every object is readable without the old secret');
  });

  it('restarts the walk for a configuration changed while it runs', async () => {
    const w = await world({ [SECRETS]: [{ aescbc: ['A'] }] });
    const res = w.resource(SECRETS);
    await createObjects(res, 2000);
    const r = start(w, [res], { rateLimit: 3000, pageSize: 100 });
    await r.settled();
    w.configure({ [SECRETS]: [{ aescbc: ['B', 'A'] }] });
    r.configChanged();
    await waitFor('part of the walk', () => {
      const p = r.status().resources[0];
      return p?.state === 'running' && p.target === aescbcTarget('B') && p.done >= 500;
    });
    const midway = r.status().resources[0];
    assert.ok(midway?.state === 'running' && midway.target === aescbcTarget('B') && midway.done < 2000, JSON.stringify(midway));
    w.configure({ [SECRETS]: [{ aescbc: ['C', 'B', 'A'] }] });
    await r.settled();
    assert.equal(r.status().resources[0]?.target, aescbcTarget('C'));
    assert.deepEqual(await countPrefixed(w.backend, res, 'k8s:enc:aescbc:v1:C:'), { yes: 2000, no: 0 });
  });
}
