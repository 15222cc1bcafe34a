/**
 * Strategic merge patch over HTTPS: directives on InternalSecrets and Shoots, list merging by the merge
 * keys of the Go types, the Status errors of malformed patches, and 415 for Garden (a custom resource
 * upstream, which has no strategic merge patch).
 */
import assert from 'node:assert/strict';
import { exampleGarden, makeShoot, WORKER, workerSpec } from '../support/shoot/fixtures.js';
import { startInProcess, type InProcessServer } from '../support/server.js';
import { projectFor, PROJECTS_PATH } from '../support/projects.js';

const SMP = 'application/strategic-merge-patch+json';
const SECRETS = '/apis/core.gardener.cloud/v1beta1/namespaces/garden-smp/internalsecrets';
const SHOOTS = '/apis/core.gardener.cloud/v1beta1/namespaces/garden-smp/shoots';
const b64 = (s: string) => Buffer.from(s).toString('base64');
const owner = (uid: string, name: string) => ({ apiVersion: 'core.gardener.cloud/v1beta1', kind: 'Shoot', name, uid });

describe('strategic merge patch over HTTPS', function () {
  this.timeout(60_000);
  let s: InProcessServer;
  before(async () => {
    s = await startInProcess();
    await s.request('post', PROJECTS_PATH).send(projectFor('garden-smp')).expect(201);
    await s.request('post', SECRETS).send({ metadata: { name: 'one', ownerReferences: [owner('u1', 'a'), owner('u2', 'b')], finalizers: ['f1'] }, data: { a: b64('1'), b: b64('2') } }).expect(201);
  });
  after(async () => s.stop());

  const smp = (path: string, patch: unknown) => s.request('patch', path).set('Content-Type', SMP).send(JSON.stringify(patch));

  it('applies an empty patch without a resourceVersion and changes nothing', async () => {
    const before = (await s.request('get', `${SECRETS}/one`).expect(200)).body;
    const after = (await smp(`${SECRETS}/one`, {}).expect(200)).body;
    assert.deepEqual(after, before);
  });

  it('merges owner references by uid and finalizers as a set, and deletes by $patch and $deleteFromPrimitiveList', async () => {
    const merged = (await smp(`${SECRETS}/one`, { metadata: { ownerReferences: [{ uid: 'u2', name: 'b2', apiVersion: 'core.gardener.cloud/v1beta1', kind: 'Shoot' }, owner('u3', 'c')], finalizers: ['f2', 'f1'] } }).expect(200)).body;
    assert.deepEqual(merged.metadata.ownerReferences.map((o: { uid: string; name: string }) => `${o.uid}=${o.name}`), ['u1=a', 'u2=b2', 'u3=c']);
    assert.deepEqual(merged.metadata.finalizers, ['f2', 'f1']);
    const deleted = (await smp(`${SECRETS}/one`, { metadata: { ownerReferences: [{ $patch: 'delete', uid: 'u1' }], '$deleteFromPrimitiveList/finalizers': ['f1'] } }).expect(200)).body;
    assert.deepEqual(deleted.metadata.ownerReferences.map((o: { uid: string }) => o.uid), ['u2', 'u3']);
    assert.deepEqual(deleted.metadata.finalizers, ['f2']);
  });

  it('replaces maps with $patch: replace and keeps only $retainKeys', async () => {
    await smp(`${SECRETS}/one`, { metadata: { labels: { a: 'b', c: 'd' } } }).expect(200);
    const replaced = (await smp(`${SECRETS}/one`, { metadata: { labels: { $patch: 'replace', only: 'this' } } }).expect(200)).body;
    assert.deepEqual(replaced.metadata.labels, { only: 'this' });
    const retained = (await smp(`${SECRETS}/one`, { data: { $retainKeys: ['b', 'c'], c: b64('3') } }).expect(200)).body;
    assert.deepEqual(Object.keys(retained.data).sort(), ['b', 'c']);
  });

  it('merges Shoot worker pools by name, tolerations by key, and orders status conditions by $setElementOrder', async () => {
    const workers = ['a', 'b'].map((name) => ({ ...WORKER, name, minimum: 1, maximum: 2 }));
    const shoot = makeShoot({ ...workerSpec(workers), tolerations: [{ key: 'x' }] }, undefined, { name: 's', namespace: 'garden-smp' });
    await s.request('post', SHOOTS).send(shoot).expect(201);
    const patched = (await smp(`${SHOOTS}/s`, { spec: { provider: { workers: [{ name: 'b', maximum: 5 }] }, tolerations: [{ key: 'y', value: 'v' }] } }).expect(200)).body;
    assert.deepEqual(patched.spec.provider.workers.map((w: { name: string; maximum: number }) => `${w.name}:${w.maximum}`), ['a:2', 'b:5']);
    assert.deepEqual(patched.spec.tolerations.map((t: { key: string }) => t.key), ['y', 'x']);
    const condition = (type: string, status: string) => ({ type, status, lastTransitionTime: '2026-01-01T00:00:00Z', lastUpdateTime: '2026-01-01T00:00:00Z', reason: 'r', message: 'm' });
    await smp(`${SHOOTS}/s/status`, { status: { conditions: [condition('A', 'True'), condition('B', 'True'), condition('C', 'True')] } }).expect(200);
    const ordered = (await smp(`${SHOOTS}/s/status`, { status: { '$setElementOrder/conditions': [{ type: 'C' }, { type: 'A' }, { type: 'B' }], conditions: [condition('A', 'False')] } }).expect(200)).body;
    assert.deepEqual(ordered.status.conditions.map((c: { type: string; status: string }) => `${c.type}=${c.status}`), ['C=True', 'A=False', 'B=True']);
  });

  it('answers malformed patches with kube-apiserver texts, changing nothing', async () => {
    const before = (await s.request('get', `${SECRETS}/one`).expect(200)).body;
    const cases: [unknown, number, string, string | RegExp][] = [
      [['not', 'a', 'map'], 400, 'BadRequest', 'json: cannot unmarshal array into Go value of type map[string]interface {}'],
      [{ $patch: 'bogus' }, 400, 'BadRequest', 'unknown patch type: bogus in map: map[$patch:bogus]'],
      [{ metadata: { ownerReferences: [{ name: 'no-uid' }] } }, 400, 'BadRequest', 'map: map[name:no-uid] does not contain declared merge key: uid'],
      [{ metadata: { finalizers: [['nested']] } }, 400, 'BadRequest', 'list element types are not identical: [[f2] [[nested]]]'],
      [{ metadata: { '$setElementOrder/finalizers': 'f2' } }, 400, 'BadRequest', 'expected a []interface {}, but received a string'],
      [{ metadata: { '$deleteFromPrimitiveList': ['x'] } }, 400, 'BadRequest', 'invalid patch format of primitive list'],
      [{ data: { $retainKeys: ['b'], c: b64('x') } }, 400, 'BadRequest', 'invalid patch format of retainKeys'],
      [{ metadata: { ownerReferences: [{ $patch: 'merge', uid: 'u2' }] } }, 400, 'BadRequest', 'merging lists cannot yet be specified in the patch'],
    ];
    for (const [patch, code, reason, message] of cases) {
      const r = await smp(`${SECRETS}/one`, patch).expect(code);
      assert.equal(r.body.reason, reason, JSON.stringify(patch));
      if (typeof message === 'string') assert.equal(r.body.message, message);
    }
    assert.deepEqual((await s.request('get', `${SECRETS}/one`).expect(200)).body, before);
  });

  it('refuses strategic merge patches on Gardens with 415, as for a custom resource', async () => {
    const garden = exampleGarden();
    await s.request('post', '/apis/operator.gardener.cloud/v1alpha1/gardens').send(garden).expect(201);
    const r = await smp(`/apis/operator.gardener.cloud/v1alpha1/gardens/${garden.metadata.name}`, {}).expect(415);
    assert.equal(r.body.message, 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml');
    // A custom resource's list items keep apiVersion and kind (Go-typed kinds' items have neither).
    const list = (await s.request('get', '/apis/operator.gardener.cloud/v1alpha1/gardens').expect(200)).body;
    assert.deepEqual([list.items[0].apiVersion, list.items[0].kind], ['operator.gardener.cloud/v1alpha1', 'Garden']);
  });
});
