/** Operations: Prometheus metrics after a known workload, request timeouts. */
import assert from 'node:assert/strict';
import { startInProcess, type InProcessServer } from '../support/server.js';

const COLL = '/apis/core.gardener.cloud/v1beta1/namespaces/ops/internalsecrets';

/** The value of one sample line of a Prometheus exposition, or 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const body = line.slice(name.length + 1, line.lastIndexOf('}'));
    const pairs = Object.fromEntries([...body.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => pairs[k] === v)) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

describe('operations', function () {
  let s: InProcessServer;
  before(async () => {
    s = await startInProcess();
  });
  after(async () => s.stop());

  it('counts a known workload in apiserver_request_total and the stored objects', async () => {
    for (const name of ['m1', 'm2', 'm3']) await s.request('post', COLL).send({ metadata: { name } }).expect(201);
    await s.request('post', COLL).send({ metadata: { name: 'm1' } }).expect(409);
    await s.request('get', `${COLL}/m1`).expect(200);
    await s.request('get', `${COLL}/m2`).expect(200);
    await s.request('get', `${COLL}/nope`).expect(404);
    await s.request('get', COLL).expect(200);
    await s.request('patch', `${COLL}/m1`).set('Content-Type', 'application/merge-patch+json').send('{"data":{"a":"YQ=="}}').expect(200);
    await s.request('delete', `${COLL}/m3`).expect(200);
    // Refused by authorization before any handler: not counted, as kube-apiserver counts only handled requests.
    await s.request('get', COLL, true).expect(403);
    await s.request('get', `${COLL}/m1`, true).expect(403);
    const text = (await s.request('get', '/metrics').expect(200)).text;
    const base = { group: 'core.gardener.cloud', version: 'v1beta1', resource: 'internalsecrets', component: 'apiserver' };
    assert.equal(sample(text, 'apiserver_request_total', { ...base, verb: 'POST', scope: 'namespace', code: '201' }), 3);
    assert.equal(sample(text, 'apiserver_request_total', { ...base, verb: 'POST', scope: 'namespace', code: '409' }), 1);
    assert.equal(sample(text, 'apiserver_request_total', { ...base, verb: 'GET', scope: 'resource', code: '200' }), 2);
    assert.equal(sample(text, 'apiserver_request_total', { ...base, verb: 'GET', scope: 'resource', code: '404' }), 1);
    assert.equal(sample(text, 'apiserver_request_total', { ...base, verb: 'LIST', scope: 'namespace', code: '200' }), 1);
    assert.equal(sample(text, 'apiserver_request_total', { ...base, verb: 'PATCH', scope: 'resource', code: '200' }), 1);
    assert.equal(sample(text, 'apiserver_request_total', { ...base, verb: 'DELETE', scope: 'resource', code: '200' }), 1);
    assert.equal(sample(text, 'apiserver_request_duration_seconds_count', { ...base, verb: 'POST', scope: 'namespace' }), 4);
    assert.equal(sample(text, 'apiserver_request_total', { ...base, verb: 'LIST', scope: 'namespace', code: '403' }), 0);
    assert.equal(sample(text, 'apiserver_request_total', { ...base, verb: 'GET', scope: 'resource', code: '403' }), 0);
    assert.equal(sample(text, 'apiserver_request_duration_seconds_count', { ...base, verb: 'LIST', scope: 'namespace' }), 1);
    assert.equal(sample(text, 'apiserver_storage_objects', { resource: 'internalsecrets.core.gardener.cloud' }), 2);
    assert.ok(sample(text, 'garden_apiserver_storage_request_duration_seconds_count', { backend: 'sqlite', operation: 'create' }) >= 4);
  });

  it('counts objects removed by deletecollection', async () => {
    for (const name of ['d1', 'd2', 'd3']) await s.request('post', COLL).send({ metadata: { name, labels: { sweep: 'yes' } } }).expect(201);
    await s.request('delete', `${COLL}?labelSelector=sweep%3Dyes`).expect(200);
    const text = (await s.request('get', '/metrics').expect(200)).text;
    assert.equal(sample(text, 'garden_apiserver_deletecollection_objects_total', { resource: 'internalsecrets.core.gardener.cloud' }), 3);
  });

  it('does not grow a series per made-up path', async () => {
    for (let i = 0; i < 20; i++) await s.request('get', `/apis/made.up/v${i}/things${i}?dryRun=x${i}`, true);
    const text = (await s.request('get', '/metrics').expect(200)).text;
    assert.ok(!/made\.up|things\d|dry_run="x/.test(text), 'labels of unknown resources are blanked');
  });

  it('refuses anonymous scrapes', async () => {
    await s.request('get', '/metrics', true).expect(403);
  });

  it('fails /readyz with the shutdown check once shutdown starts', async () => {
    const other = await startInProcess();
    const closing = other.running.close(500);
    const r = await other.request('get', '/readyz?verbose').expect(500);
    assert.match(r.text, /\[-\]shutdown failed: reason withheld/);
    await closing;
  });
});
