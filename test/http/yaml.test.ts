/**
 * YAML responses (`Accept: application/yaml`), as kube-apiserver serves them: objects, lists (streamed
 * in slices), tables, metadata-only lists, write results and error Statuses; a watch that prefers YAML
 * gets 406 (YAML has no stream framing), and JSON stays the answer to `*∕*` and to a preferred JSON.
 */
import assert from 'node:assert/strict';
import type supertest from 'supertest';
import { parse } from 'yaml';
import { fetchRaw } from '../support/raw.js';
import { startInProcess, type InProcessServer } from '../support/server.js';

const BASE = '/apis/core.gardener.cloud/v1beta1';
const ns = (n: string) => `${BASE}/namespaces/${n}/internalsecrets`;
const YAML = 'application/yaml';

/** Strings a YAML 1.1 reader would take for another type unless quoted, and text needing block style. */
const TRICKY = {
  'a.example/yes': 'yes',
  'a.example/on': 'on',
  'a.example/number': '0x1F',
  'a.example/date': '2025-01-01',
  'a.example/colon': 'a: b',
  'a.example/empty': '',
  'a.example/null': 'null',
};
const MULTILINE = 'first line\n  indented second line\n\nafter a blank line\n';

/** Sends the request with `accept` and resolves with status, Content-Type and the body as text. */
async function fetchText(t: supertest.Test, accept: string): Promise<{ status: number; type: string; text: string }> {
  const { status, type, body } = await fetchRaw(t, accept);
  return { status, type, text: body.toString('utf8') };
}

/** The YAML text read as a YAML 1.1 reader (PyYAML, go-yaml) would. */
const read = (text: string): unknown => parse(text, { version: '1.1' });

/** Top-level keys in the order the text has them. */
const topKeys = (text: string): string[] => [...text.matchAll(/^([A-Za-z]+):/gm)].map((m) => m[1] ?? '');

describe('YAML responses', function () {
  let s: InProcessServer;
  before(async () => {
    s = await startInProcess();
    for (let i = 0; i < 3; i++) {
      await s.request('post', ns('yaml')).send({ metadata: { name: `y${i}`, annotations: { ...TRICKY, 'a.example/text': MULTILINE } }, data: { key: 'aGVsbG8=' } }).expect(201);
    }
  });
  after(async () => s.stop());

  it('serves an object as YAML with the same content as its JSON, keys sorted', async () => {
    const json = (await s.request('get', `${ns('yaml')}/y0`).expect(200)).body;
    const r = await fetchText(s.request('get', `${ns('yaml')}/y0`), YAML);
    assert.equal(r.status, 200);
    assert.equal(r.type, 'application/yaml');
    assert.deepEqual(read(r.text), json);
    assert.deepEqual(topKeys(r.text), ['apiVersion', 'data', 'kind', 'metadata']);
    assert.match(r.text, /^ {4}a\.example\/yes: "yes"$/m, 'a YAML 1.1 boolean word is quoted');
    assert.match(r.text, /^ {4}a\.example\/text: \|/m, 'multi-line text in block style');
  });

  it('serves lists, pages and empty lists as YAML', async () => {
    const json = (await s.request('get', `${ns('yaml')}?limit=2`).expect(200)).body;
    const r = await fetchText(s.request('get', `${ns('yaml')}?limit=2`), YAML);
    assert.equal(r.status, 200);
    assert.equal(r.type, 'application/yaml');
    const list = read(r.text) as typeof json;
    assert.deepEqual(list, json);
    assert.equal(list.items.length, 2);
    assert.ok(list.metadata.continue);
    assert.deepEqual(topKeys(r.text), ['apiVersion', 'items', 'kind', 'metadata']);
    const empty = await fetchText(s.request('get', ns('nothing-here')), YAML);
    assert.deepEqual(read(empty.text), (await s.request('get', ns('nothing-here')).expect(200)).body);
    assert.match(empty.text, /^items: \[\]$/m);
  });

  it('streams a list larger than a slice as one YAML document equal to the JSON list', async () => {
    const big = 'z'.repeat(900);
    for (let i = 0; i < 150; i++) {
      await s.request('post', ns('yaml-big')).send({ metadata: { name: `b${String(i).padStart(3, '0')}`, labels: { on: 'on' }, annotations: { text: MULTILINE } }, data: { big: Buffer.from(big).toString('base64') } }).expect(201);
    }
    const json = (await s.request('get', ns('yaml-big')).expect(200)).body;
    const r = await fetchText(s.request('get', ns('yaml-big')), YAML);
    assert.ok(r.text.length > 150 * 1024, `a list of ${r.text.length} bytes spans several slices`);
    assert.deepEqual(read(r.text), json);
  });

  it('renders tables and metadata-only lists as YAML', async () => {
    const table = await fetchText(s.request('get', ns('yaml')), 'application/yaml;as=Table;v=v1;g=meta.k8s.io');
    assert.equal(table.type, 'application/yaml');
    const t = read(table.text) as { kind: string; rows: { cells: unknown[] }[]; columnDefinitions: unknown[] };
    assert.equal(t.kind, 'Table');
    assert.equal(t.rows.length, 3);
    assert.ok(t.columnDefinitions.length > 0);
    const meta = await fetchText(s.request('get', ns('yaml')), 'application/yaml;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1');
    const m = read(meta.text) as { kind: string; items: { kind: string; metadata: { name: string; annotations: Record<string, string> } }[] };
    assert.equal(m.kind, 'PartialObjectMetadataList');
    assert.deepEqual(m.items.map((i) => [i.kind, i.metadata.name]), [['PartialObjectMetadata', 'y0'], ['PartialObjectMetadata', 'y1'], ['PartialObjectMetadata', 'y2']]);
    assert.equal(m.items[0]?.metadata.annotations['a.example/text'], MULTILINE);
  });

  it('answers a create sent and accepted as YAML in YAML', async () => {
    const body = `apiVersion: core.gardener.cloud/v1beta1\nkind: InternalSecret\nmetadata:\n  name: from-yaml\n  labels:\n    answer: 'yes'\nstringData:\n  k: v\n`;
    const r = await fetchText(s.request('post', ns('yaml')).set('Content-Type', YAML).send(body), YAML);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.type, 'application/yaml');
    const created = read(r.text) as { metadata: { name: string; labels: Record<string, string>; uid: string }; data: Record<string, string> };
    assert.equal(created.metadata.name, 'from-yaml');
    assert.deepEqual(created.metadata.labels, { answer: 'yes' });
    assert.deepEqual(created.data, { k: Buffer.from('v').toString('base64') });
    assert.equal(created.metadata.uid, (await s.request('get', `${ns('yaml')}/from-yaml`).expect(200)).body.metadata.uid);
  });

  it('writes error Statuses in YAML', async () => {
    const r = await fetchText(s.request('get', `${ns('yaml')}/missing`), YAML);
    assert.equal(r.status, 404);
    assert.equal(r.type, 'application/yaml');
    const status = read(r.text) as { kind: string; code: number; reason: string; details: { name: string } };
    assert.deepEqual([status.kind, status.code, status.reason, status.details.name], ['Status', 404, 'NotFound', 'missing']);
  });

  it('refuses a watch that prefers YAML with 406 naming the stream media types', async () => {
    const r = await fetchText(s.request('get', `${ns('yaml')}?watch=1`), YAML);
    assert.equal(r.status, 406);
    const status = read(r.text) as { reason: string; message: string };
    assert.equal(status.reason, 'NotAcceptable');
    assert.equal(status.message, 'only the following media types are accepted: application/json;stream=watch, application/vnd.kubernetes.protobuf;stream=watch');
    const json = await fetchText(s.request('get', `${ns('yaml')}?watch=1&timeoutSeconds=1`), 'application/yaml;q=0.5, application/json');
    assert.equal(json.status, 200);
    assert.equal(json.type, 'application/json');
  });

  it('keeps JSON for */* and for a preferred JSON', async () => {
    for (const accept of ['*/*', 'application/*', 'application/json, application/yaml', 'application/yaml;q=0.9, application/json']) {
      const r = await fetchText(s.request('get', `${ns('yaml')}/y1`), accept);
      assert.equal(r.type, 'application/json', accept);
      assert.equal((JSON.parse(r.text) as { metadata: { name: string } }).metadata.name, 'y1');
    }
  });

  it('serves resources without protobuf and the read-only core/v1 resources as YAML', async () => {
    const gardens = await fetchText(s.request('get', '/apis/operator.gardener.cloud/v1alpha1/gardens'), YAML);
    assert.equal(gardens.status, 200, gardens.text);
    assert.equal((read(gardens.text) as { kind: string }).kind, 'GardenList');
    const refused = await fetchText(s.request('get', '/apis/operator.gardener.cloud/v1alpha1/gardens'), 'text/html');
    assert.equal(refused.status, 406);
    assert.equal((JSON.parse(refused.text) as { message: string }).message, 'only the following media types are accepted: application/json, application/yaml');
    const namespaces = await fetchText(s.request('get', '/api/v1/namespaces'), YAML);
    assert.equal(namespaces.status, 200, namespaces.text);
    assert.equal(namespaces.type, 'application/yaml');
    assert.deepEqual(read(namespaces.text), (await s.request('get', '/api/v1/namespaces').expect(200)).body);
  });
});
