/**
 * Indented JSON, as kube-apiserver writes it for people: with `?pretty=true` (Go's ParseBool), an
 * Accept clause `application/json;pretty=1`, or a curl, Wget or browser User-Agent unless `?pretty=false`;
 * objects, lists and error Statuses alike; never for YAML, protobuf or watches.
 */
import assert from 'node:assert/strict';
import type supertest from 'supertest';
import { startInProcess, type InProcessServer } from '../support/server.js';

const ITEMS = '/apis/core.gardener.cloud/v1beta1/namespaces/pretty/internalsecrets';
const CLIENT_GO = 'gardenlet/v1.120.0 (linux/amd64) gardener/abcdef';

/** Whether `text` is the two-space indented form of the JSON it holds. */
const indented = (text: string): boolean => text === JSON.stringify(JSON.parse(text), null, 2);
/** Whether `text` is JSON written on one line. */
const compact = (text: string): boolean => !text.trimEnd().includes('\n') && JSON.parse(text) !== undefined;

describe('pretty JSON', () => {
  let s: InProcessServer;
  const get = (path: string, agent = CLIENT_GO): supertest.Test => s.request('get', path).set('User-Agent', agent);

  before(async () => {
    s = await startInProcess();
    for (const name of ['a', 'b']) await s.request('post', ITEMS).send({ metadata: { name, labels: { team: 'x' } }, data: { k: 'dg==' } }).expect(201);
  });
  after(async () => s.stop());

  it('indents objects when ?pretty says true in any of Go’s spellings, and only then', async () => {
    for (const value of ['true', '1', 't', 'True', 'TRUE']) {
      const res = await get(`${ITEMS}/a?pretty=${value}`).expect(200);
      assert.ok(indented(res.text), `pretty=${value}: ${res.text}`);
      assert.equal(res.body.metadata.name, 'a');
    }
    for (const path of [`${ITEMS}/a`, `${ITEMS}/a?pretty=false`, `${ITEMS}/a?pretty=yes`, `${ITEMS}/a?pretty=`]) {
      assert.ok(compact((await get(path).expect(200)).text), path);
    }
  });

  it('indents for curl, Wget and browsers unless ?pretty=false, and for Accept pretty=1', async () => {
    for (const agent of ['curl/8.5.0', 'Wget/1.21', 'Mozilla/5.0 (X11; Linux x86_64)']) {
      assert.ok(indented((await get(`${ITEMS}/a`, agent).expect(200)).text), agent);
      assert.ok(compact((await get(`${ITEMS}/a?pretty=0`, agent).expect(200)).text), `${agent} with pretty=0`);
    }
    assert.ok(compact((await get(`${ITEMS}/a`, 'kubectl/v1.32.0 (linux/amd64) kubernetes/abc').expect(200)).text));
    const accepted = await get(`${ITEMS}/a`).set('Accept', 'application/json;pretty=1').expect(200);
    assert.ok(indented(accepted.text));
  });

  it('indents lists, pages and error Statuses the same way, with the same content', async () => {
    const plain = (await get(`${ITEMS}?limit=1`).expect(200)).body;
    const pretty = await get(`${ITEMS}?limit=1&pretty=true`).expect(200);
    assert.ok(indented(pretty.text));
    assert.deepEqual({ ...pretty.body, metadata: { ...pretty.body.metadata, continue: 'x' } }, { ...plain, metadata: { ...plain.metadata, continue: 'x' } });
    assert.equal(pretty.body.items.length, 1);
    // Lists are written in slices (64 KiB each) and still come out as one indented document; so do
    // empty ones.
    const big = '/apis/core.gardener.cloud/v1beta1/namespaces/pretty-big/internalsecrets';
    for (let i = 0; i < 40; i++) await s.request('post', big).send({ metadata: { name: `s${i}` }, data: { blob: Buffer.alloc(2000, i).toString('base64') } }).expect(201);
    const all = await get(`${big}?pretty=1`).expect(200);
    assert.ok(all.text.length > 128 * 1024, String(all.text.length));
    assert.ok(indented(all.text));
    assert.equal(all.body.items.length, 40);
    const empty = await get('/apis/core.gardener.cloud/v1beta1/namespaces/nothing/internalsecrets?pretty=1').expect(200);
    assert.ok(indented(empty.text), empty.text);
    assert.deepEqual(empty.body.items, []);
    const missing = await get(`${ITEMS}/none`, 'curl/8.5.0').expect(404);
    assert.ok(indented(missing.text));
    assert.equal(missing.body.reason, 'NotFound');
  });

  it('leaves YAML and watch streams as they are', async () => {
    const yaml = await get(`${ITEMS}/a?pretty=true`).set('Accept', 'application/yaml').expect(200);
    assert.match(yaml.text, /^apiVersion: core\.gardener\.cloud\/v1beta1$/m);
    const watch = await get(`${ITEMS}?watch=true&timeoutSeconds=1&pretty=true`, 'curl/8.5.0').buffer(true).parse((res, done) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => done(null, text));
    }).expect(200);
    const lines = String(watch.body).trim().split('\n');
    assert.equal(lines.length, 2);
    for (const line of lines) assert.equal(JSON.parse(line).type, 'ADDED');
  });
});
