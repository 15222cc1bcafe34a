import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { loadEncryptionConfig } from '../encryption/config.js';
import { LocalLock } from './local-lock.js';
import { describeProgress } from './report.js';
import { stalenessCheck, writeTarget } from './stale.js';
import { RateLimiter } from './throttle.js';

const key = (name: string): string => Buffer.alloc(32, name).toString('base64');
type P = 'identity' | [kind: 'aescbc' | 'aesgcm' | 'secretbox', names: string[]];

function config(providers: P[]) {
  const list = providers.map((p) =>
    p === 'identity' ? { identity: {} } : { [p[0]]: { keys: p[1].map((name) => ({ name, secret: key(name) })) } },
  );
  const doc = { apiVersion: 'apiserver.config.k8s.io/v1', kind: 'EncryptionConfiguration', resources: [{ resources: ['secrets'], providers: list }] };
  return loadEncryptionConfig(JSON.stringify(doc));
}

describe('re-encryption: staleness on raw values', () => {
  it('names the write target by first provider and first key', () => {
    assert.equal(writeTarget(undefined), 'identity');
    assert.equal(writeTarget(config(['identity', ['aescbc', ['a']]]).providersFor('secrets')), 'identity');
    const fingerprint = createHash('sha256').update(Buffer.from(key('k2'), 'base64')).digest('hex').slice(0, 12);
    assert.equal(writeTarget(config([['aesgcm', ['k2', 'k1']], 'identity']).providersFor('secrets')), `aesgcm:k2#${fingerprint}`);
  });

  it('names a new target when the first key keeps its name but gets another secret', () => {
    const withSecret = (secret: string) =>
      loadEncryptionConfig(
        JSON.stringify({
          apiVersion: 'apiserver.config.k8s.io/v1',
          kind: 'EncryptionConfiguration',
          resources: [{ resources: ['secrets'], providers: [{ aescbc: { keys: [{ name: 'k1', secret }] } }] }],
        }),
      );
    const [before, after] = [withSecret(key('old')), withSecret(key('new'))].map((c) => writeTarget(c.providersFor('secrets')));
    assert.match(before ?? '', /^aescbc:k1#[0-9a-f]{12}$/);
    assert.notEqual(before, after);
  });

  it('agrees with the transformer stale flag for every writer/reader combination', async () => {
    const chains: P[][] = [
      [['aescbc', ['k1']]],
      [['aescbc', ['k2', 'k1']], 'identity'],
      [['aesgcm', ['g1']], ['aescbc', ['k2', 'k1']], 'identity'],
      ['identity', ['aescbc', ['k2', 'k1']], ['aesgcm', ['g1']]],
      [['secretbox', ['s1']], 'identity', ['aescbc', ['k2', 'k1']], ['aesgcm', ['g1']]],
      [['aescbc', ['k1', 'k2']], ['secretbox', ['s1']], ['aesgcm', ['g1']], 'identity'],
    ];
    const storageKey = '/registry/secrets/ns/a';
    const plain = new TextEncoder().encode('{"metadata":{}}\n');
    let compared = 0;
    for (const writer of chains) {
      const stored = await config(writer).transformerFor('secrets').toStorage(plain, storageKey);
      for (const reader of chains) {
        const c = config(reader);
        let stale: boolean;
        try {
          stale = (await c.transformerFor('secrets').fromStorage(stored, storageKey)).stale;
        } catch {
          continue; // unreadable for this reader
        }
        assert.equal(stalenessCheck(c.providersFor('secrets'))(stored), stale ? 'stale' : 'current', `${JSON.stringify(writer)} read by ${JSON.stringify(reader)}`);
        compared++;
      }
    }
    assert.ok(compared > 20, `compared ${compared}`);
    const plainCheck = stalenessCheck(undefined);
    assert.equal(plainCheck(plain), 'current');
    assert.equal(plainCheck(new TextEncoder().encode('k8s:enc:aescbc:v1:k1:xxxx')), 'stale');
  });

  it('leaves values of ambiguous key names to the transformer', () => {
    const check = stalenessCheck(config([['aescbc', ['a', 'a:b']]]).providersFor('secrets'));
    assert.equal(check(new TextEncoder().encode('k8s:enc:aescbc:v1:a:b:xxxx')), 'maybe');
    assert.equal(check(new TextEncoder().encode('k8s:enc:aescbc:v1:c:xxxx')), 'stale');
    // The other way round: a value of key `a` whose IV begins with `b:` carries the first key's prefix.
    const reversed = stalenessCheck(config([['aescbc', ['a:b', 'a']]]).providersFor('secrets'));
    assert.equal(reversed(new TextEncoder().encode('k8s:enc:aescbc:v1:a:b:xxxx')), 'maybe');
  });

  it("leaves values to the transformer where a later provider repeats the first key's name", async () => {
    // A secret replaced under the same name, the old one kept behind it: values of the old secret
    // carry the current prefix, and only decrypting tells them apart.
    const chain = (secrets: string[]) =>
      loadEncryptionConfig(
        JSON.stringify({
          apiVersion: 'apiserver.config.k8s.io/v1',
          kind: 'EncryptionConfiguration',
          resources: [{ resources: ['secrets'], providers: secrets.map((secret) => ({ aescbc: { keys: [{ name: 'key1', secret }] } })) }],
        }),
      );
    const stored = await chain([key('old')]).transformerFor('secrets').toStorage(new TextEncoder().encode('{}'), '/k');
    const rotated = chain([key('new'), key('old')]);
    assert.equal((await rotated.transformerFor('secrets').fromStorage(stored, '/k')).stale, true);
    assert.equal(stalenessCheck(rotated.providersFor('secrets'))(stored), 'maybe');
    assert.equal(stalenessCheck(chain([key('new')]).providersFor('secrets'))(stored), 'current');
    assert.equal(stalenessCheck(config([['aescbc', ['key1']], ['aesgcm', ['key1']]]).providersFor('secrets'))(stored), 'current', 'another kind has another prefix');
  });
});

describe('re-encryption: helpers', () => {
  it('LocalLock lets one holder in at a time and honours abort while waiting', async () => {
    const lock = new LocalLock();
    const first = await lock.acquire(new AbortController().signal);
    let second = false;
    const waiting = lock.acquire(new AbortController().signal).then((h) => {
      second = true;
      return h;
    });
    const aborted = new AbortController();
    const third = lock.acquire(aborted.signal);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(second, false);
    aborted.abort(new Error('stop'));
    await assert.rejects(third, /stop/);
    await first.release();
    const h2 = await waiting;
    assert.equal(second, true);
    await h2.release();
  });

  it('RateLimiter paces calls (after a 100 ms burst) and 0 means unlimited', async () => {
    const signal = new AbortController().signal;
    const limited = new RateLimiter(1000);
    let t0 = performance.now();
    for (let i = 0; i < 300; i++) await limited.take(signal);
    const ms = performance.now() - t0;
    assert.ok(ms >= 150 && ms < 1500, `300 takes at 1000/s took ${ms} ms`);
    const unlimited = new RateLimiter(0);
    t0 = performance.now();
    for (let i = 0; i < 10_000; i++) await unlimited.take(signal);
    assert.ok(performance.now() - t0 < 200);
  });

  it('describes progress in one line, naming the key but showing nothing computed from its secret', () => {
    const line = describeProgress({ resource: 'internalsecrets.core.gardener.cloud', state: 'running', target: 'aescbc:k2#0123456789ab', done: 500, total: 1000, rewritten: 480, rewrittenDelta: 0, unreadable: 2 });
    assert.equal(line, 'internalsecrets.core.gardener.cloud: running toward aescbc:k2, 500/1000 examined, 480 rewritten, 2 unreadable');
  });
});
