/**
 * Shoot defaulting and validation over HTTP: a representative subset of the cases of Gardener's
 * shoot_test.go (test/support/shoot/cases/, each named by its upstream test) sent as
 * creates and updates. A rejected write answers 422 with upstream's field paths and reasons in
 * `details.causes`, and changes nothing; the upstream example Shoot is accepted.
 */
import assert from 'node:assert/strict';
import { FieldErrorTypes } from '../../apimachinery/field.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { changed, CREATE_CASES, type UpstreamCase } from '../support/shoot/cases/index.js';
import { BINDING_CASES, BINDING_UPDATE_CASES } from '../support/shoot/cases/addons.js';
import { AUTOSCALING_CASES } from '../support/shoot/cases/autoscaling.js';
import { COMPONENT_CASES } from '../support/shoot/cases/components.js';
import { NETWORKING_CASES } from '../support/shoot/cases/networking.js';
import { UPDATE_CASES, ZONE_CASES, ZONE_UPDATE_CASES } from '../support/shoot/cases/updates.js';
import { WORKER_CASES } from '../support/shoot/cases/workers.js';
import { exampleShoot } from '../support/shoot/fixtures.js';
import { projectFor, PROJECTS_PATH } from '../support/projects.js';
import { startInProcess, type InProcessServer } from '../support/server.js';

const NS = 'garden-dev';
const SHOOTS = `/apis/core.gardener.cloud/v1beta1/namespaces/${NS}/shoots`;

/** Cases sent over HTTP: one or more per area of the rules. */
const OVER_HTTP = [
  'should enforce unique worker names',
  'should forbid invalid worker configuration (maximum value must not be less than minimum value)',
  'should forbid worker pools with names that are not DNS-1123 label compliant',
  'should forbid specifying a provider without a domain',
  'should forbid non canonical CIDRs',
  'should forbid time windows greater than 6 hours',
  'should fail when nodeCIDRMaskSize is out of upper boundary',
  'should fail when using unknown proxy mode',
  'unknown purpose',
  'should forbid resources with non-unique names',
  'should forbid to set unsupported failure tolerance type',
  'should forbid kubernetes version upgrades skipping a minor version',
  'should not allow switching from a Shoot with workers to a workerless Shoot',
  'should forbid changing the networking type',
  'invalid (core/secrets=<0)',
  'should not allow to specify an event ttl duration longer than 24h',
  'with unknown feature gate',
  'invalid negative threshold (1.31.0)',
  'should reject if data volume names are duplicated',
  'should forbid invalid tolerations',
  'should forbid IPv4 CIDRs with IPv6 IP family',
  "should forbid fewer than 3 zones when failure tolerance type is 'zone'",
  'should forbid changing zones when already at zone failure tolerance',
  'should not allow switching from credentialsBindingName to secretBindingName',
];
const picked = (cases: UpstreamCase[]): UpstreamCase[] => cases.filter((c) => OVER_HTTP.some((name) => c.from.endsWith(name)));
const CREATES = [...CREATE_CASES, ...COMPONENT_CASES, ...AUTOSCALING_CASES, ...WORKER_CASES, ...BINDING_CASES, ...NETWORKING_CASES, ...ZONE_CASES];
const UPDATES = [...UPDATE_CASES, ...ZONE_UPDATE_CASES, ...BINDING_UPDATE_CASES];

/** A case's Shoot in the test namespace. */
function inNamespace(shoot: KubeObject, name: string): KubeObject {
  shoot.metadata = { ...shoot.metadata, name, namespace: NS };
  return shoot;
}

/** `type path` of each cause, and of each expected error, for comparison. */
const causesOf = (body: { details?: { causes?: { reason: string; field: string }[] } }): string[] => (body.details?.causes ?? []).map((c) => `${c.reason} ${c.field}`);
const expectedOf = (c: UpstreamCase): string[] => c.want.map(([type, path]) => `${FieldErrorTypes[type].reason} ${path}`);

function assertCauses(body: { details?: { causes?: { reason: string; field: string }[] } }, c: UpstreamCase): void {
  const got = causesOf(body);
  for (const w of expectedOf(c)) assert.ok(got.includes(w), `${w} missing in ${JSON.stringify(got)}`);
  if (c.contains !== true) assert.deepEqual([...new Set(got)].sort(), [...new Set(expectedOf(c))].sort());
}

describe('Shoot validation over HTTPS: cases of upstream shoot_test.go', function () {
  let s: InProcessServer;
  before(async () => {
    s = await startInProcess();
    await s.request('post', PROJECTS_PATH).send(projectFor(NS)).expect(201);
  });
  after(async () => s?.stop());

  it('accepts the upstream example and the base Shoot of the upstream tests', async () => {
    await s.request('post', SHOOTS).send(exampleShoot()).expect(201);
    await s.request('post', SHOOTS).send(inNamespace(exampleShoot(true), 'example-full')).expect(201);
    await s.request('post', SHOOTS).send(inNamespace(changed([]), 'base')).expect(201);
  });

  let n = 0;
  for (const c of picked(CREATES)) {
    it(`create: ${c.from}`, async () => {
      const name = `create-${n++}`;
      const res = await s.request('post', SHOOTS).send(inNamespace(changed(c.set), name)).expect(422);
      assert.equal(res.body.reason, 'Invalid');
      assertCauses(res.body, c);
      await s.request('get', `${SHOOTS}/${name}`).expect(404);
    });
  }

  for (const c of picked(UPDATES)) {
    it(`update: ${c.from}`, async () => {
      const name = `update-${n++}`;
      const stored = (await s.request('post', SHOOTS).send(inNamespace(changed(c.old ?? []), name)).expect(201)).body as KubeObject;
      const next = inNamespace(changed(c.set), name);
      if (stored.metadata.resourceVersion !== undefined) next.metadata.resourceVersion = stored.metadata.resourceVersion;
      const res = await s.request('put', `${SHOOTS}/${name}`).send(next).expect(422);
      assertCauses(res.body, c);
      const after = (await s.request('get', `${SHOOTS}/${name}`).expect(200)).body as KubeObject;
      assert.equal(after.metadata.resourceVersion, stored.metadata.resourceVersion);
    });
  }

  it('rejects spec.purpose "fun" and a pool with minimum 10 and maximum 5 through a merge patch, changing nothing', async () => {
    const stored = (await s.request('get', `${SHOOTS}/base`).expect(200)).body as KubeObject;
    const patch = { spec: { purpose: 'fun' } };
    const res = await s.request('patch', `${SHOOTS}/base`).set('Content-Type', 'application/merge-patch+json').send(JSON.stringify(patch)).expect(422);
    // The base Shoot enables the nginx-ingress add-on, which only evaluation Shoots may have.
    assert.deepEqual(causesOf(res.body), ['FieldValueForbidden spec.addons', 'FieldValueNotSupported spec.purpose']);
    assert.match(res.body.message, /spec\.purpose: Unsupported value: "fun": supported values: "development", "evaluation", "production", "testing"/);
    const pools = [{ name: 'worker-name', minimum: 10, maximum: 5 }];
    const res2 = await s.request('patch', `${SHOOTS}/base`).set('Content-Type', 'application/strategic-merge-patch+json').send(JSON.stringify({ spec: { provider: { workers: pools } } })).expect(422);
    assert.ok(causesOf(res2.body).includes('FieldValueForbidden spec.provider.workers[0].maximum'), JSON.stringify(res2.body));
    const after = (await s.request('get', `${SHOOTS}/base`).expect(200)).body as KubeObject;
    assert.equal(after.metadata.resourceVersion, stored.metadata.resourceVersion);
  });

  it('refuses values Go cannot decode (durations, int32 beyond range), so protobuf readers keep working: 400 in a body, 422 on the field patch in a patch', async () => {
    const stored = (await s.request('get', `${SHOOTS}/base`).expect(200)).body as KubeObject;
    const put = await s.request('put', `${SHOOTS}/base`).send({ ...stored, spec: { ...(stored.spec as object), kubernetes: { version: '1.31.1', kubeAPIServer: { eventTTL: '45d' } } } }).expect(400);
    assert.equal(put.body.message, 'Shoot in version "v1beta1" cannot be handled as a Shoot: time: unknown unit "d" in duration "45d"');
    const merge = (body: object) => s.request('patch', `${SHOOTS}/base`).set('Content-Type', 'application/merge-patch+json').send(JSON.stringify(body));
    /** kube-apiserver's 422 for a patched object that does not decode: the object's JSON, then the decoder's reason. */
    const patchInvalid = (why: string) => new RegExp(`^ "" is invalid: patch: Invalid value: "\\{.*\\}": ${why.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    const ttl = await merge({ spec: { kubernetes: { kubeAPIServer: { eventTTL: '45d' } } } }).expect(422);
    assert.match(ttl.body.message, patchInvalid('time: unknown unit "d" in duration "45d"'));
    assert.deepEqual(ttl.body.details.causes.map((c: { field: string }) => c.field), ['patch']);
    const workers = (stored.spec as { provider: { workers: Record<string, unknown>[] } }).provider.workers.map((w) => ({ ...w, maximum: 99999999999 }));
    const max = await merge({ spec: { provider: { workers } } }).expect(422);
    assert.match(max.body.message, patchInvalid('json: cannot unmarshal number 99999999999 into Go struct field Worker.spec.provider.workers.maximum of type int32'));
    // IntOrString decodes its numbers with the standard library: no field in the text, and a whole
    // number written as a decimal (kept as written by a merge patch) is no int32 either.
    const surge = (value: string) => {
      const marked = (stored.spec as { provider: { workers: Record<string, unknown>[] } }).provider.workers.map((w) => ({ ...w, maxSurge: 'SURGE' }));
      const body = JSON.stringify({ spec: { provider: { workers: marked } } }).replace(/"SURGE"/g, value);
      return s.request('patch', `${SHOOTS}/base`).set('Content-Type', 'application/merge-patch+json').send(body);
    };
    assert.match((await surge('1.5').expect(422)).body.message, patchInvalid('json: cannot unmarshal number 1.5 into Go value of type int32'));
    assert.match((await surge('1.0').expect(422)).body.message, patchInvalid('json: cannot unmarshal number 1.0 into Go value of type int32'));
    assert.equal((await s.request('get', `${SHOOTS}/base`).expect(200)).body.metadata.resourceVersion, stored.metadata.resourceVersion);
    await s.request('get', SHOOTS).set('Accept', 'application/vnd.kubernetes.protobuf').expect(200);
    // Times are read as Go reads them and written back in UTC with whole seconds.
    const status = (body: object) => s.request('patch', `${SHOOTS}/base/status`).set('Content-Type', 'application/merge-patch+json').send(JSON.stringify(body));
    const late = await status({ status: { lastOperation: { type: 'Reconcile', state: 'Succeeded', progress: 100, description: 'ok', lastUpdateTime: '2025-01-01T01:00:00.5+01:00' } } }).expect(200);
    assert.equal(late.body.status.lastOperation.lastUpdateTime, '2025-01-01T00:00:00Z');
    const badTime = await status({ status: { lastOperation: { lastUpdateTime: 'not-a-time' } } }).expect(422);
    assert.match(badTime.body.message, /^ "" is invalid: patch: Invalid value: ".*": parsing time "not-a-time" as "2006-01-02T15:04:05Z07:00"/);
    await s.request('get', SHOOTS).set('Accept', 'application/vnd.kubernetes.protobuf').expect(200);
    // Any JSON number is a quantity (kubectl apply sends `cpu: 0.5` from YAML as a number), written
    // back in Go's canonical form.
    const cpu = await merge({ spec: { kubernetes: { kubelet: { kubeReserved: { cpu: 0.5 } } } } }).expect(200);
    assert.equal(cpu.body.spec.kubernetes.kubelet.kubeReserved.cpu, '500m');
  });

  it('re-applies quantities and durations that decoding rewrites without a write (only managedFields times would change)', async () => {
    const applied = {
      apiVersion: 'core.gardener.cloud/v1beta1',
      kind: 'Shoot',
      metadata: { name: 'base', namespace: NS },
      spec: { kubernetes: { kubeAPIServer: { eventTTL: '1h' }, kubelet: { kubeReserved: { cpu: '1000m', memory: '1024Mi' } } } },
    };
    const apply = () =>
      s.request('patch', `${SHOOTS}/base?fieldManager=tuner&force=true`).set('Content-Type', 'application/apply-patch+yaml').send(JSON.stringify(applied)).expect(200);
    const first = (await apply()).body as KubeObject;
    const spec = first.spec as { kubernetes: { kubeAPIServer: { eventTTL: string }; kubelet: { kubeReserved: Record<string, string> } } };
    assert.equal(spec.kubernetes.kubeAPIServer.eventTTL, '1h0m0s');
    assert.deepEqual(spec.kubernetes.kubelet.kubeReserved, { cpu: '1', memory: '1Gi' });
    // managedFields times have whole seconds: the second apply comes in a later one.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const second = (await apply()).body as KubeObject;
    assert.equal(second.metadata.resourceVersion, first.metadata.resourceVersion);
    assert.deepEqual(second.metadata.managedFields, first.metadata.managedFields);
  });

  it('defaults on every write: a merge patch that drops a default gets it back', async () => {
    const res = await s.request('patch', `${SHOOTS}/base`).set('Content-Type', 'application/merge-patch+json').send(JSON.stringify({ spec: { kubernetes: { kubeProxy: null } } })).expect(200);
    assert.deepEqual(res.body.spec.kubernetes.kubeProxy, { mode: 'IPTables', enabled: true });
  });
});

describe('Shoot managedFields with Go zero values', () => {
  let s: InProcessServer;
  before(async () => {
    s = await startInProcess();
    await s.request('post', PROJECTS_PATH).send(projectFor(NS)).expect(201);
  });
  after(async () => s?.stop());

  /** The fieldsV1 entries of one manager under a path of `f:` keys. */
  function owned(obj: KubeObject, manager: string, path: string[]): string[] {
    const entry = (obj.metadata.managedFields ?? []).find((m) => m.manager === manager);
    let node = entry?.fieldsV1 as Record<string, unknown> | undefined;
    for (const p of path) node = node?.[`f:${p}`] as Record<string, unknown> | undefined;
    return Object.keys(node ?? {}).filter((k) => k.startsWith('f:')).sort();
  }

  it('gives the zero values a write brings to its manager, as the decoded struct does upstream', async () => {
    // The upstream example names its CloudProfile without a kind.
    const shoot = inNamespace(exampleShoot(), 'zeros');
    const created = (await s.request('post', `${SHOOTS}?fieldManager=creator`).send(shoot).expect(201)).body as KubeObject;
    assert.deepEqual((created.spec as { cloudProfile: unknown }).cloudProfile, { kind: 'CloudProfile', name: 'cloudprofile1' });
    assert.deepEqual(owned(created, 'creator', ['spec', 'cloudProfile']), ['f:kind', 'f:name'], 'decoded with kind "", then set by the strategy');
    // ShootMutator: who created it, and what gardenlet's first reconciliation deploys.
    assert.equal(created.metadata.annotations?.['gardener.cloud/created-by'], 'garden-admin', "the admin client certificate's user");
    assert.equal(created.metadata.annotations?.['shoot.gardener.cloud/tasks'], 'deployInfrastructure,deployDNSRecordInternal,deployDNSRecordExternal,deployDNSRecordIngress');
    const patch = { status: { lastOperation: { type: 'Reconcile', state: 'Processing' } } };
    const res = await s.request('patch', `${SHOOTS}/zeros/status?fieldManager=reporter`).set('Content-Type', 'application/merge-patch+json').send(JSON.stringify(patch)).expect(200);
    assert.deepEqual(res.body.status.lastOperation, { type: 'Reconcile', state: 'Processing', description: '', progress: 0, lastUpdateTime: null });
    assert.deepEqual(owned(res.body, 'reporter', ['status', 'lastOperation']), ['f:description', 'f:lastUpdateTime', 'f:progress', 'f:state', 'f:type']);
  });

  it('decodes nulls as Go does: optional fields are left out, required ones written with their zero value', async () => {
    const shoot = inNamespace(exampleShoot(), 'nulls');
    const spec = shoot.spec as Record<string, any>;
    Object.assign(spec, { hibernation: null, addons: null, tolerations: null, seedSelector: null });
    Object.assign(spec.provider.workers[0], { maxSurge: null, labels: null, kubernetes: null });
    shoot.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'o', uid: 'u1', controller: null, blockOwnerDeletion: null } as never];
    const created = (await s.request('post', SHOOTS).send(shoot).expect(201)).body;
    for (const field of ['hibernation', 'addons', 'tolerations', 'seedSelector']) assert.equal(field in created.spec, false, field);
    assert.equal('labels' in created.spec.provider.workers[0], false);
    assert.equal('kubernetes' in created.spec.provider.workers[0], false);
    assert.equal(created.spec.provider.workers[0].maxSurge, 1, 'a nil pointer gets its default');
    assert.deepEqual(created.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'o', uid: 'u1' }]);
    // The same through an update and a JSON patch, whose `add` writes nulls where a merge patch deletes.
    const put = { ...created, spec: { ...created.spec, hibernation: null, purpose: null } };
    const updated = (await s.request('put', `${SHOOTS}/nulls`).send(put).expect(200)).body;
    assert.equal('hibernation' in updated.spec, false);
    assert.equal(updated.spec.purpose, 'evaluation', 'a nil purpose is defaulted');
    const op = [{ op: 'add', path: '/status/lastOperation', value: { type: 'Reconcile', state: null, description: null, progress: null, lastUpdateTime: null } }];
    const res = await s.request('patch', `${SHOOTS}/nulls/status`).set('Content-Type', 'application/json-patch+json').send(JSON.stringify(op)).expect(200);
    assert.deepEqual(res.body.status.lastOperation, { type: 'Reconcile', state: '', description: '', progress: 0, lastUpdateTime: null });
  });

  it('leaves the nulls of an apply configuration to the field manager: owned by the applier, in conflict with another manager\'s value', async () => {
    const shoot = inNamespace(exampleShoot(), 'applied-nulls');
    (shoot.spec as Record<string, unknown>).purpose = 'production';
    await s.request('post', `${SHOOTS}?fieldManager=creator`).send(shoot).expect(201);
    const apply = (query: string) =>
      s.request('patch', `${SHOOTS}/applied-nulls?fieldManager=nuller${query}`).set('Content-Type', 'application/apply-patch+yaml').send(JSON.stringify({ apiVersion: shoot.apiVersion, kind: 'Shoot', spec: { purpose: null, hibernation: null } }));
    const refused = await apply('').expect(409);
    assert.match(refused.body.message, /conflict with "creator".*\.spec\.purpose/s);
    const forced = (await apply('&force=true').expect(200)).body as KubeObject;
    assert.equal((forced.spec as { purpose?: string }).purpose, 'evaluation', 'the null replaced the value, then defaulting ran');
    assert.equal('hibernation' in (forced.spec as object), false);
    assert.deepEqual(owned(forced, 'nuller', ['spec']), ['f:hibernation', 'f:purpose']);
  });

  it('leaves out empty lists and maps of omitempty fields, as Go writes them', async () => {
    const shoot = inNamespace(exampleShoot(), 'empties');
    const spec = shoot.spec as Record<string, any>;
    spec.tolerations = [];
    spec.kubernetes.kubeAPIServer = { ...spec.kubernetes.kubeAPIServer, encryptionConfig: { resources: [] } };
    const created = (await s.request('post', `${SHOOTS}?dryRun=All`).send(shoot).expect(201)).body;
    assert.equal('tolerations' in created.spec, false);
    assert.deepEqual(created.spec.kubernetes.kubeAPIServer.encryptionConfig, { provider: { type: 'aescbc' } });
  });
});
