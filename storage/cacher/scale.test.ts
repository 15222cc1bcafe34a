/**
 * Scale of the watch cache: 1,000 concurrent watches of one resource on one upstream watch, with the
 * event delivery latency (write start -> event read by the client) measured and printed. The timing
 * is reported, not asserted (the benchmark target is p99 < 100 ms).
 */
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import type { KubeObject } from '../../apimachinery/types.js';
import { createCachedStorage, type CachedStorage } from './cacher.js';
import { InstrumentedBackend } from '../../test/support/cacher.js';
import { sleep, TEMPLATE, thing } from '../../test/support/conformance/util.js';
import type { KVBackend, Storage, Watch } from '../interface.js';
import { openSqliteBackend } from '../sqlite/backend.js';
import { createStore } from '../store/store.js';
import { identityTransformer } from '../transformer.js';

const ROOT = '/registry/test.gardener.cloud/things/';
const WATCHERS = 1000;
const OBJECTS = 10;

interface Setup {
  sqlite: KVBackend;
  backend: InstrumentedBackend;
  store: Storage;
  cache: CachedStorage;
}

async function setup(): Promise<Setup> {
  const sqlite = openSqliteBackend(':memory:');
  const backend = new InstrumentedBackend(sqlite);
  const store = createStore(backend, { transformer: identityTransformer, resourcePrefix: ROOT, objectTemplate: TEMPLATE });
  const cache = createCachedStorage(store, backend, { prefix: ROOT, transformer: identityTransformer, objectTemplate: TEMPLATE });
  for (let i = 0; i < OBJECTS; i++) await store.create(`${ROOT}ns${i}/o`, thing('o'));
  return { sqlite, backend, store, cache };
}

/** Reads `count` events from `watch`, recording for each the time since the write stamped into it. */
async function consume(watch: Watch, count: number, latencies: number[]): Promise<number> {
  let seen = 0;
  for await (const event of watch) {
    const spec = event.object['spec'] as { t?: number } | undefined;
    if (spec?.t !== undefined) latencies.push(performance.now() - spec.t);
    if (++seen >= count) break;
  }
  return seen;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** Starts the watchers (half cluster-wide, half on the namespace of object 0), runs `write`, reports. */
async function measure(s: Setup, label: string, events: number, write: (n: number) => Promise<void>): Promise<void> {
  const rv = String(await s.backend.currentRevision());
  const latencies: number[] = [];
  const consumers: Array<Promise<number>> = [];
  for (let i = 0; i < WATCHERS; i++) {
    const clusterWide = i % 2 === 0;
    const watch = s.cache.watch(clusterWide ? ROOT : `${ROOT}ns0/`, { resourceVersion: rv });
    consumers.push(consume(watch, clusterWide ? events : events / OBJECTS, latencies));
  }
  const started = performance.now();
  for (let n = 0; n < events; n++) await write(n);
  const counts = await Promise.all(consumers);
  const elapsed = performance.now() - started;
  assert.equal(counts.reduce((a, b) => a + b, 0), (WATCHERS / 2) * (events + events / OBJECTS));
  assert.equal(s.backend.watchCalls, 1, 'one upstream watch');
  const sorted = [...latencies].sort((a, b) => a - b);
  const ms = (v: number): string => `${v.toFixed(1)} ms`;
  console.log(
    `      ${label}: ${WATCHERS} watchers, ${events} writes, ${sorted.length} deliveries in ${ms(elapsed)}; ` +
      `latency p50 ${ms(percentile(sorted, 50))}, p99 ${ms(percentile(sorted, 99))}, max ${ms(sorted[sorted.length - 1] ?? NaN)}; ` +
      `upstream watches: ${s.backend.watchCalls}`,
  );
}

describe('watch cache at scale', () => {
  let s: Setup | undefined;
  afterEach(async () => {
    s?.cache.stop();
    await s?.sqlite.close();
    s = undefined;
  });

  const update = (store: Storage, n: number): Promise<KubeObject> =>
    store.guaranteedUpdate(`${ROOT}ns${n % OBJECTS}/o`, async (cur) => {
      assert.ok(cur);
      return { ...cur, spec: { n, t: performance.now() } };
    });

  it('1,000 watchers on one upstream watch: steady writes', async () => {
    s = await setup();
    const store = s.store;
    await measure(s, 'steady (one write every 2 ms)', 200, async (n) => {
      await update(store, n);
      await sleep(2);
    });
  });

  it('1,000 watchers on one upstream watch: a burst of writes', async () => {
    s = await setup();
    const store = s.store;
    await measure(s, 'burst (back-to-back writes)', 200, async (n) => {
      await update(store, n);
    });
  });
});
