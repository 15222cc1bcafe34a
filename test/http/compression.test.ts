/**
 * Response compression as kube-apiserver's: bodies of more than 128 KiB go out gzip-encoded to clients
 * that accept gzip (Go clients ask for it by default), smaller ones and watches never.
 */
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { gunzipSync } from 'node:zlib';
import { startInProcess, type InProcessServer } from '../support/server.js';

const COLL = '/apis/core.gardener.cloud/v1beta1/namespaces/zip/internalsecrets';

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

describe('response compression', function () {
  let s: InProcessServer;
  before(async () => {
    s = await startInProcess();
    // 160 objects of about 1 KiB each: a list of about 200 KiB.
    const value = Buffer.alloc(768, 7).toString('base64');
    for (let i = 0; i < 160; i++) await s.request('post', COLL).send({ metadata: { name: `o${i}`, labels: { big: 'yes' } }, data: { v: value } }).expect(201);
  });
  after(async () => s?.stop());

  /** A GET with exactly these headers (no client-side decompression). */
  function get(path: string, headers: Record<string, string>): Promise<Raw> {
    const url = new URL(s.running.url);
    return new Promise((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path, ca: s.creds.ca, cert: s.creds.cert, key: s.creds.key, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('compresses a list of more than 128 KiB for a client that accepts gzip, with the same content', async () => {
    const plain = await get(COLL, { accept: 'application/json' });
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.ok(plain.body.length > 128 * 1024, `the list is ${plain.body.length} bytes`);
    const zipped = await get(COLL, { accept: 'application/json', 'accept-encoding': 'gzip' });
    assert.equal(zipped.status, 200);
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.match(String(zipped.headers.vary), /Accept-Encoding/);
    assert.ok(zipped.body.length < plain.body.length / 4, `compressed to ${zipped.body.length} bytes`);
    assert.deepEqual(JSON.parse(gunzipSync(zipped.body).toString()), JSON.parse(plain.body.toString()));
    const proto = await get(COLL, { accept: 'application/vnd.kubernetes.protobuf', 'accept-encoding': 'deflate, gzip' });
    assert.equal(proto.headers['content-encoding'], 'gzip');
    const protoPlain = await get(COLL, { accept: 'application/vnd.kubernetes.protobuf' });
    assert.deepEqual(gunzipSync(proto.body), protoPlain.body);
  });

  it('sends small bodies, clients without gzip and watches uncompressed', async () => {
    const small = await get(`${COLL}?limit=5`, { accept: 'application/json', 'accept-encoding': 'gzip' });
    assert.equal(small.headers['content-encoding'], undefined);
    assert.equal(JSON.parse(small.body.toString()).items.length, 5);
    // kube-apiserver reads the tokens only: a quality value makes the token another one.
    for (const encoding of ['deflate', 'gzip;q=1', 'br']) {
      const other = await get(COLL, { accept: 'application/json', 'accept-encoding': encoding });
      assert.equal(other.headers['content-encoding'], undefined, encoding);
    }
    const watch = await get(`${COLL}?watch=1&timeoutSeconds=1&resourceVersion=0`, { accept: 'application/json', 'accept-encoding': 'gzip' });
    assert.equal(watch.headers['content-encoding'], undefined);
    assert.equal(watch.body.toString().trim().split('\n').length, 160, 'the initial events, uncompressed');
  });

  it('compresses the OpenAPI v2 document as kube-openapi does', async () => {
    const doc = await get('/openapi/v2', { accept: 'application/json', 'accept-encoding': 'gzip' });
    assert.equal(doc.headers['content-encoding'], 'gzip');
    assert.equal(JSON.parse(gunzipSync(doc.body).toString()).swagger, '2.0');
  });
});
