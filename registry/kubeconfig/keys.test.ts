import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { benchmarkIssuance } from '../../test/bench/issuance.js';
import { clientKeySource, DEFAULT_CLIENT_KEY_TYPE, defaultKeyPoolWorkers, ecdsaP256KeySource, parseClientKeyType, RsaKeyPool, type ClientKeyPair } from './keys.js';

function check(k: ClientKeyPair, bits: number): void {
  assert.match(k.privateKeyPem, /^-----BEGIN RSA PRIVATE KEY-----\n/);
  const priv = createPrivateKey(k.privateKeyPem);
  assert.equal(priv.asymmetricKeyDetails?.modulusLength, bits);
  const pub = createPublicKey({ key: Buffer.from(k.publicKeySpki), format: 'der', type: 'spki' });
  assert.deepEqual(createPublicKey(priv).export({ type: 'spki', format: 'der' }), pub.export({ type: 'spki', format: 'der' }));
}

describe('registry/kubeconfig client keys', function () {
  this.timeout(60_000);

  it('generates SEC1 P-256 keys', async () => {
    const k = await ecdsaP256KeySource().next();
    assert.equal(k.algorithm, 'ec');
    assert.match(k.privateKeyPem, /^-----BEGIN EC PRIVATE KEY-----\n/);
    assert.equal(createPrivateKey(k.privateKeyPem).asymmetricKeyDetails?.namedCurve, 'prime256v1');
  });

  it('fills the RSA pool ahead and hands out each key once', async () => {
    const pool = new RsaKeyPool({ size: 4, workers: 2, bits: 1024 });
    try {
      await pool.warm();
      assert.equal(pool.available, 4);
      const keys = await Promise.all([1, 2, 3, 4, 5, 6].map(() => pool.next()));
      assert.equal(new Set(keys.map((k) => k.privateKeyPem)).size, 6);
      keys.forEach((k) => check(k, 1024));
      await pool.warm();
      assert.equal(pool.available, 4, 'refilled in the background');
      assert.deepEqual(pool.stats(), { available: 4, capacity: 4, workers: 2, generated: 10, waited: 2 });
    } finally {
      await pool.close();
    }
    await assert.rejects(pool.next(), /closed/);
  });

  it('serves waiting requests first come, first served when the pool is empty', async () => {
    const pool = new RsaKeyPool({ size: 0, workers: 1, bits: 1024 });
    try {
      const order: number[] = [];
      await Promise.all([0, 1, 2].map((i) => pool.next().then(() => order.push(i))));
      assert.deepEqual(order, [0, 1, 2]);
      assert.equal(pool.available, 0);
    } finally {
      await pool.close();
    }
  });

  it('generates keys per request on the threadpool when it has no worker threads', async () => {
    const pool = new RsaKeyPool({ size: 8, workers: 0, bits: 1024 });
    try {
      await pool.warm();
      assert.equal(pool.available, 0);
      const keys = await Promise.all([pool.next(), pool.next()]);
      keys.forEach((k) => check(k, 1024));
      assert.deepEqual(pool.stats(), { available: 0, capacity: 8, workers: 0, generated: 2, waited: 2 });
    } finally {
      await pool.close();
    }
  });

  it('defaults to RSA-3072 and one worker per CPU but one (1 to 4)', () => {
    assert.equal(DEFAULT_CLIENT_KEY_TYPE, 'rsa-3072');
    assert.deepEqual([1, 2, 3, 8].map((n) => defaultKeyPoolWorkers(n)), [1, 1, 2, 4]);
  });

  it('parses the key type flag', () => {
    assert.equal(parseClientKeyType('ecdsa-p256'), 'ecdsa-p256');
    assert.equal(parseClientKeyType('rsa-3072'), 'rsa-3072');
    assert.throws(() => parseClientKeyType('rsa-2048'), { message: 'unsupported client key type "rsa-2048": must be one of rsa-3072, ecdsa-p256' });
  });

  it('runs the issuance benchmark helper', async () => {
    const r = await benchmarkIssuance({ keyType: 'ecdsa-p256', concurrency: 4, requests: 20, caBits: 2048 });
    assert.equal(r.requests, 20);
    assert.ok(r.perSecond > 0 && r.p99Ms >= r.p50Ms);
  });

  it('picks the source by key type', async () => {
    assert.equal(clientKeySource('ecdsa-p256').type, 'ecdsa-p256');
    const rsa = clientKeySource('rsa-3072', { size: 0 });
    assert.equal(rsa.type, 'rsa-3072');
    await rsa.close();
  });
});
