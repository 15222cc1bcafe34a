import assert from 'node:assert/strict';
import type { KubeObject } from '../../apimachinery/types.js';
import type { WatchEvent } from '../../storage/interface.js';
import { ClientCACache, type CacheListResult, type CacheWatch } from './ca-cache.js';
import { caSecretData, createTestCA, type TestCA } from '../../test/support/test-ca.js';
import { statusErrorOf, until } from '../../test/support/wait.js';

/** A watch fed by the test. */
class FakeWatch implements CacheWatch {
  readonly events: WatchEvent[] = [];
  stopped = false;
  private notify: (() => void) | undefined;
  private failure: Error | undefined;

  constructor(readonly resourceVersion: string) {}

  push(e: WatchEvent): void {
    this.events.push(e);
    this.notify?.();
  }
  fail(err: Error): void {
    this.failure = err;
    this.notify?.();
  }
  stop(): void {
    this.stopped = true;
    this.notify?.();
  }
  async *[Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    for (;;) {
      const e = this.events.shift();
      if (e !== undefined) {
        yield e;
        continue;
      }
      if (this.failure !== undefined) throw this.failure;
      if (this.stopped) return;
      await new Promise<void>((resolve) => (this.notify = resolve));
    }
  }
}

function secret(ns: string, name: string, rv: string, data: Record<string, string>): KubeObject {
  return { apiVersion: 'core.gardener.cloud/v1beta1', kind: 'InternalSecret', metadata: { namespace: ns, name, resourceVersion: rv }, type: 'Opaque', data };
}

describe('registry/kubeconfig ClientCACache', () => {
  let ca1: TestCA;
  let ca2: TestCA;
  let lists: (() => Promise<CacheListResult>)[];
  let listCalls: number;
  let watches: FakeWatch[];
  let errors: Error[];
  let cache: ClientCACache;

  before(async () => {
    ca1 = await createTestCA('rsa-pkcs1', { commonName: 'one' });
    ca2 = await createTestCA('ec-sec1', { commonName: 'two' });
  });

  beforeEach(() => {
    lists = [];
    listCalls = 0;
    watches = [];
    errors = [];
    cache = new ClientCACache(
      {
        list: () => {
          const next = lists[Math.min(listCalls, lists.length - 1)];
          listCalls++;
          return next === undefined ? Promise.resolve([]) : next();
        },
        watch: (rv) => {
          const w = new FakeWatch(rv);
          watches.push(w);
          return w;
        },
      },
      { backoff: { initialMs: 1, maxMs: 5 }, syncTimeoutMs: 200, onError: (e) => errors.push(e) },
    );
  });

  afterEach(() => cache.stop());

  it('syncs from the list, keeps only *.ca-client objects and watches from the list version', async () => {
    lists.push(async () => ({
      items: [secret('ns', 'a.ca-client', '5', caSecretData(ca1)), secret('ns', 'other', '6', caSecretData(ca1))],
      metadata: { resourceVersion: '9' },
    }));
    await cache.start();
    assert.equal(cache.hasSynced, true);
    assert.equal(cache.size, 1);
    const got = await cache.get('ns', 'a.ca-client');
    assert.equal(got.certificatePem, ca1.certPem);
    assert.equal(await cache.get('ns', 'a.ca-client'), got, 'parsed once per resourceVersion');
    assert.equal(await statusErrorOf(cache.get('ns', 'other')), '500 Internal error occurred: could not get client CA secret: internalsecret.core.gardener.cloud "other" not found');
    assert.equal(await statusErrorOf(cache.get('ns2', 'a.ca-client')), '500 Internal error occurred: could not get client CA secret: internalsecret.core.gardener.cloud "a.ca-client" not found');
    await until(() => watches.length === 1, 'the watch');
    assert.equal(watches[0]?.resourceVersion, '9');
  });

  it('takes a large list in slices, letting the event loop turn in between', async () => {
    const items = Array.from({ length: 12_000 }, (_, i) => secret(`ns${i % 7}`, `s${i}.ca-client`, String(i + 1), caSecretData(ca1)));
    let syncedAtTurn: boolean | undefined;
    lists.push(async () => {
      // Runs in the first turn after the list resolves: only a sliced replace leaves one before it ends.
      setImmediate(() => (syncedAtTurn = cache.hasSynced));
      return { items, metadata: { resourceVersion: '12000' } };
    });
    await cache.start();
    assert.equal(syncedAtTurn, false);
    assert.equal(cache.size, 12_000);
    assert.equal((await cache.get('ns1', 's11999.ca-client')).certificatePem, ca1.certPem);
  });

  it('applies added, modified and deleted events', async () => {
    lists.push(async () => [secret('ns', 'a.ca-client', '5', caSecretData(ca1))]);
    await cache.start();
    await until(() => watches.length === 1, 'the watch');
    const w = watches[0];
    assert.ok(w !== undefined);
    assert.equal(w.resourceVersion, '5', 'a plain array list watches from its newest item');
    const first = await cache.get('ns', 'a.ca-client');

    w.push({ type: 'MODIFIED', object: secret('ns', 'a.ca-client', '5', caSecretData(ca2)) });
    w.push({ type: 'ADDED', object: secret('ns', 'b.ca-client', '7', caSecretData(ca2)) });
    await until(() => cache.size === 2, 'the added object');
    assert.equal(await cache.get('ns', 'a.ca-client'), first, 'an unchanged resourceVersion is not re-parsed');

    w.push({ type: 'MODIFIED', object: secret('ns', 'a.ca-client', '8', caSecretData(ca2)) });
    await until(() => w.events.length === 0, 'the modification');
    await new Promise((r) => setImmediate(r));
    assert.equal((await cache.get('ns', 'a.ca-client')).certificatePem, ca2.certPem);
    assert.equal((await cache.get('ns', 'b.ca-client')).certificatePem, ca2.certPem);

    w.push({ type: 'DELETED', object: secret('ns', 'b.ca-client', '9', {}) });
    await until(() => cache.size === 1, 'the deletion');
    assert.match(await statusErrorOf(cache.get('ns', 'b.ca-client')), /not found$/);
    assert.equal(listCalls, 1);
  });

  it('re-lists and re-watches after the stream ends, dropping objects deleted meanwhile', async () => {
    lists.push(async () => ({ items: [secret('ns', 'a.ca-client', '5', caSecretData(ca1))], metadata: { resourceVersion: '5' } }));
    lists.push(async () => ({ items: [secret('ns', 'b.ca-client', '12', caSecretData(ca2))], metadata: { resourceVersion: '12' } }));
    await cache.start();
    await until(() => watches.length === 1, 'the first watch');
    watches[0]?.stop();
    await until(() => watches.length === 2, 'the second watch');
    assert.equal(listCalls, 2);
    assert.equal(watches[1]?.resourceVersion, '12');
    assert.match(await statusErrorOf(cache.get('ns', 'a.ca-client')), /not found$/);
    assert.equal((await cache.get('ns', 'b.ca-client')).certificatePem, ca2.certPem);
  });

  it('re-lists after an ERROR event, a failing watch and a failing list', async () => {
    let failList = false;
    lists.push(async () => {
      if (failList) {
        failList = false;
        throw new Error('storage unavailable');
      }
      return { items: [], metadata: { resourceVersion: '3' } };
    });
    await cache.start();
    await until(() => watches.length === 1, 'the first watch');
    watches[0]?.push({ type: 'ERROR', object: { kind: 'Status', code: 410, message: 'too old resource version: 1 (3)', metadata: {} } as KubeObject });
    await until(() => watches.length === 2, 'the watch after ERROR');
    failList = true;
    watches[1]?.fail(new Error('connection reset'));
    await until(() => watches.length === 3, 'the watch after failures');
    assert.deepEqual(errors.map((e) => e.message), ['watch failed: too old resource version: 1 (3) (410)', 'connection reset', 'storage unavailable']);
    assert.equal(listCalls, 4);
  });

  it('reports unparsable CAs as 500s, cached per resourceVersion', async () => {
    lists.push(async () => [secret('ns', 'bad.ca-client', '1', { 'ca.crt': caSecretData(ca1)['ca.crt'] ?? '', 'ca.key': caSecretData(ca2)['ca.key'] ?? '' })]);
    await cache.start();
    const msg = await statusErrorOf(cache.get('ns', 'bad.ca-client'));
    assert.equal(msg, '500 Internal error occurred: could not load client CA certificate from secret: the private key does not match the certificate');
  });

  it('makes requests wait for the initial sync, and fails them when it does not come', async () => {
    let release: (() => void) | undefined;
    lists.push(() => new Promise((resolve) => (release = () => resolve([secret('ns', 'a.ca-client', '1', caSecretData(ca1))]))));
    void cache.start();
    const pending = cache.get('ns', 'a.ca-client');
    await until(() => release !== undefined, 'the list call');
    release?.();
    assert.equal((await pending).certificatePem, ca1.certPem);

    const never = new ClientCACache({ list: () => new Promise(() => undefined), watch: (rv) => new FakeWatch(rv) }, { syncTimeoutMs: 20 });
    void never.start();
    assert.equal(await statusErrorOf(never.get('ns', 'a.ca-client')), '500 Internal error occurred: could not get client CA secret: the InternalSecret cache has not synced yet');
    never.stop();
  });
});
