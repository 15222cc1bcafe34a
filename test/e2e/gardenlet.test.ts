/**
 * Replays the calls gardenlet and gardener-operator make (shared/spec/clients.md §0 and §3) against the
 * server process, the way controller-runtime and client-go put them on the wire: the seed's client
 * certificate, protobuf bodies and client-go's protobuf-first Accept header for Gardener's
 * kinds, watch-list informers, strategic merge patches without resourceVersion, merge patches with and
 * without optimistic lock, a full PUT of shoots/status, and metadata-only lists. Request bodies are
 * encoded by protoc from the upstream `.proto` files in the text format of what a Go client writes
 * (every non-pointer field, zero or not); responses are decoded with the same files.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { join } from 'node:path';
import { createCA, createLeaf, type CertKeyPair } from '../../apiserver/standalone/pki.js';
import { openEnvelope, PROTOBUF_MEDIA_TYPE } from '../../apimachinery/protobuf/index.js';
import { exampleGarden, makeShoot } from '../support/shoot/fixtures.js';
import { adminClient } from '../support/client.js';
import { protocDecode, protocEnvelope, textString } from '../support/protoc.js';
import { CORE, decodePb, openPbWatch, pbBody, PROTOBUF_ACCEPT, type PbWatch } from '../support/protobuf.js';
import { adminCredentials, REPO_ROOT, startChild, tempDir, type AdminCredentials, type ChildServer } from '../support/server.js';
import { projectFor, PROJECTS_PATH } from '../support/projects.js';

const NS = 'garden-dev';
const SHOOT = 'crazy-botany';
const CA_CLIENT = `${SHOOT}.ca-client`;
const BASE = '/apis/core.gardener.cloud/v1beta1';
const SHOOT_PATH = `${BASE}/namespaces/${NS}/shoots/${SHOOT}`;
const SECRETS = `${BASE}/namespaces/${NS}/internalsecrets`;
const SMP = 'application/strategic-merge-patch+json';
const MERGE = 'application/merge-patch+json';
const METADATA_LIST_ACCEPT = 'application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';
const METADATA_ACCEPT = METADATA_LIST_ACCEPT.replace(/List/g, '');
/** What controller-runtime's watch-list informers send first (client-go 0.36, clients.md §0). */
const WATCH_LIST = 'allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&sendInitialEvents=true&watch=true';

interface Reply {
  status: number;
  contentType: string | undefined;
  body: Buffer;
}

/** One HTTPS client with a certificate identity, as a controller-runtime client of a Gardener component. */
function goClient(url: string, creds: AdminCredentials) {
  const agent = new Agent({ keepAlive: true, ca: creds.ca, cert: creds.cert, key: creds.key });
  const send = (method: string, path: string, headers: Record<string, string>, body?: Buffer | string): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const req = request(new URL(path, url), { method, agent, headers: { 'user-agent': 'gardenlet/v1.149.0 (linux/amd64) gardener/b312835d17', ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end(body);
    });
  return {
    creds,
    /** A request with protobuf Accept (and a protobuf body when given one). */
    proto: (method: string, path: string, body?: Buffer) =>
      send(method, path, { accept: PROTOBUF_ACCEPT, ...(body !== undefined && { 'content-type': PROTOBUF_MEDIA_TYPE }) }, body),
    /** A patch: patch bodies are always JSON; the answer is protobuf. */
    patch: (path: string, type: string, patch: unknown, accept = PROTOBUF_ACCEPT) => send('PATCH', path, { accept, 'content-type': type }, JSON.stringify(patch)),
    json: (method: string, path: string, accept: string) => send(method, path, { accept }),
    close: () => agent.destroy(),
  };
}
type GoClient = ReturnType<typeof goClient>;

/** Decodes a protobuf reply after checking its status and media type. */
function expectPb(r: Reply, status: number): Record<string, any> {
  assert.equal(r.contentType, PROTOBUF_MEDIA_TYPE, r.body.toString('utf8').slice(0, 200));
  const decoded = decodePb(r.body);
  assert.equal(r.status, status, JSON.stringify(decoded.value));
  return { apiVersion: decoded.apiVersion, kind: decoded.kind, ...decoded.value };
}

function seedCredentials(dataDir: string, seed: string): AdminCredentials {
  const read = (f: string) => readFileSync(join(dataDir, 'pki', f), 'utf8');
  const ca: CertKeyPair = { cert: read('ca.crt'), key: read('ca.key') };
  const leaf = createLeaf(ca, { commonName: `gardener.cloud:system:seed:${seed}`, organizations: ['gardener.cloud:system:seeds'], usage: 'client' });
  return { ca: ca.cert, cert: leaf.cert, key: leaf.key };
}

/** The ca-client InternalSecret as gardenlet creates it (secrets.go: labels, owner reference, Opaque), in text format. */
function caClientText(shootUid: string, ca: CertKeyPair): string {
  return `metadata {
  name: ${textString(CA_CLIENT)} generateName: "" namespace: ${textString(NS)} selfLink: "" uid: "" resourceVersion: "" generation: 0
  creationTimestamp {}
  labels { key: "gardener.cloud/role" value: "ca-client" }
  ownerReferences { apiVersion: "core.gardener.cloud/v1beta1" kind: "Shoot" name: ${textString(SHOOT)} uid: ${textString(shootUid)} controller: true blockOwnerDeletion: true }
}
data { key: "ca.crt" value: ${textString(ca.cert)} }
data { key: "ca.key" value: ${textString(ca.key)} }
type: "Opaque"
`;
}

const condition = (type: string, status: string, reason: string) => ({ type, status, lastTransitionTime: '2026-01-01T00:00:00Z', lastUpdateTime: '2026-01-01T00:00:00Z', reason, message: `${type} is ${status}` });

describe('gardenlet and gardener-operator on the wire', function () {
  this.timeout(120_000);
  let dataDir: string;
  let server: ChildServer;
  let gardenletA: GoClient;
  let gardenletB: GoClient;
  let operator: GoClient;
  let shootWatch: PbWatch;
  let shootUid = '';
  const clientCA = createCA('ca-client');

  before(async () => {
    dataDir = tempDir();
    server = await startChild(dataDir, [`--authorization-policy-file=${join(REPO_ROOT, 'deploy/policy/gardener-roles.yaml')}`]);
    const admin = adminClient(server.url, adminCredentials(dataDir));
    assert.equal((await admin.send('POST', PROJECTS_PATH, projectFor(NS))).status, 201);
    const shoot = makeShoot({ seedName: 'seed-a' }, undefined, { name: SHOOT, namespace: NS });
    const created = await admin.send('POST', `${BASE}/namespaces/${NS}/shoots`, shoot);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    shootUid = (created.body as { metadata: { uid: string } }).metadata.uid;
    admin.close();
    gardenletA = goClient(server.url, seedCredentials(dataDir, 'seed-a'));
    gardenletB = goClient(server.url, seedCredentials(dataDir, 'seed-b'));
    operator = goClient(server.url, adminCredentials(dataDir));
  });

  after(async () => {
    shootWatch?.close();
    for (const c of [gardenletA, gardenletB, operator]) c?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("starts its Shoot informer with a watch-list, cluster-wide by the seed's label", async () => {
    const selector = encodeURIComponent('name.seed.gardener.cloud/seed-a=true');
    shootWatch = await openPbWatch(server.url, `${BASE}/shoots?${WATCH_LIST}&labelSelector=${selector}`, gardenletA.creds);
    assert.equal(shootWatch.status, 200);
    const [added, end] = await shootWatch.waitFor(2);
    assert.deepEqual([added?.type, added?.object.kind, added?.object.value.metadata.name], ['ADDED', 'Shoot', SHOOT]);
    assert.equal(added?.object.value.metadata.labels['name.seed.gardener.cloud/seed-a'], 'true', 'the strategy keeps the seed label');
    assert.deepEqual([end?.type, end?.object.value.metadata.annotations['k8s.io/initial-events-end']], ['BOOKMARK', 'true']);
    const other = await gardenletB.proto('GET', `${BASE}/shoots?labelSelector=${selector}`);
    assert.equal(expectPb(other, 403).message, 'shoots.core.gardener.cloud is forbidden: User "gardener.cloud:system:seed:seed-b" cannot list resource "shoots" in API group "core.gardener.cloud" at the cluster scope: must specify field or label selector for name seed-b');
  });

  it("reads the Project of its Shoot's namespace through a single-object informer, as its shoot reconciler does; another seed's gardenlet may not", async () => {
    const project = projectFor(NS).metadata.name;
    const byName = `fieldSelector=${encodeURIComponent(`metadata.name=${project}`)}`;
    const informer = await openPbWatch(server.url, `${PROJECTS_PATH}?${WATCH_LIST}&${byName}`, gardenletA.creds);
    try {
      assert.equal(informer.status, 200);
      const [added, end] = await informer.waitFor(2);
      assert.deepEqual([added?.type, added?.object.kind, added?.object.value.spec.namespace], ['ADDED', 'Project', NS]);
      assert.equal(end?.type, 'BOOKMARK');
    } finally {
      informer.close();
    }
    assert.equal(expectPb(await gardenletA.proto('GET', `${PROJECTS_PATH}/${project}`), 200).metadata.name, project);
    const denied = expectPb(await gardenletB.proto('GET', `${PROJECTS_PATH}?${byName}`), 403);
    assert.equal(denied.message, `projects.core.gardener.cloud "${project}" is forbidden: User "gardener.cloud:system:seed:seed-b" cannot list resource "projects" in API group "core.gardener.cloud" at the cluster scope: no relationship found`);
    const all = expectPb(await gardenletA.proto('GET', PROJECTS_PATH), 403);
    assert.match(all.message, /cannot list resource "projects" .*: must specify field or label selector for name seed-a$/);
  });

  it('creates the ca-client InternalSecret from a protobuf body, through its single-object informer', async () => {
    const informer = await openPbWatch(server.url, `${SECRETS}?${WATCH_LIST}&fieldSelector=${encodeURIComponent(`metadata.name=${CA_CLIENT}`)}`, gardenletA.creds);
    try {
      const [bookmark] = await informer.waitFor(1);
      assert.equal(bookmark?.type, 'BOOKMARK', 'nothing exists yet: only the initial-events-end bookmark');
      const body = protocEnvelope(`${CORE}.InternalSecret`, caClientText(shootUid, clientCA), 'core.gardener.cloud/v1beta1', 'InternalSecret');
      const created = expectPb(await gardenletA.proto('POST', SECRETS, body), 201);
      assert.deepEqual(created.metadata.labels, { 'gardener.cloud/role': 'ca-client' });
      assert.deepEqual(created.metadata.ownerReferences, [{ apiVersion: 'core.gardener.cloud/v1beta1', kind: 'Shoot', name: SHOOT, uid: shootUid, controller: true, blockOwnerDeletion: true }]);
      assert.equal(Buffer.from(created.data['ca.crt'], 'base64').toString(), clientCA.cert);
      assert.equal(created.type, 'Opaque');
      assert.equal(created.metadata.generation, undefined, 'Go wrote generation 0, which its JSON leaves out');
      const [, added] = await informer.waitFor(2);
      assert.deepEqual([added?.type, added?.object.value.metadata.name], ['ADDED', CA_CLIENT]);
      // A create of an existing object goes on to the storage (SeedRestriction admits it, as Gardener's
      // webhook does), even for another seed's gardenlet: 409, not 403.
      for (const g of [gardenletA, gardenletB]) assert.equal(expectPb(await g.proto('POST', SECRETS, body), 409).reason, 'AlreadyExists');
    } finally {
      informer.close();
    }
  });

  it('keeps the ca-client with strategic merge patches without resourceVersion, the empty one included', async () => {
    const empty = expectPb(await gardenletA.patch(`${SECRETS}/${CA_CLIENT}`, SMP, {}), 200);
    assert.equal(Buffer.from(empty.data['ca.key'], 'base64').toString(), clientCA.key);
    const rotated = createCA('ca-client-2');
    const patched = expectPb(await gardenletA.patch(`${SECRETS}/${CA_CLIENT}`, SMP, { data: { 'ca.crt': Buffer.from(rotated.cert).toString('base64') } }), 200);
    assert.equal(Buffer.from(patched.data['ca.crt'], 'base64').toString(), rotated.cert);
    assert.equal(Buffer.from(patched.data['ca.key'], 'base64').toString(), clientCA.key, 'other keys are kept');
    assert.ok(Number(patched.metadata.resourceVersion) > Number(empty.metadata.resourceVersion));
    const foreign = await gardenletB.patch(`${SECRETS}/${CA_CLIENT}`, SMP, {});
    assert.equal(expectPb(foreign, 403).reason, 'Forbidden');
  });

  it('starts an operation with a full PUT of shoots/status in protobuf', async () => {
    const current = expectPb(await gardenletA.proto('GET', SHOOT_PATH), 200);
    const text = protocDecode(`${CORE}.Shoot`, openEnvelope((await gardenletA.proto('GET', SHOOT_PATH)).body).raw);
    assert.match(text, /^metadata \{\n\s+name: "crazy-botany"/, "protoc reads the server's protobuf");
    current.status = {
      ...current.status,
      lastOperation: { description: 'Reconciliation of Shoot cluster initialized.', lastUpdateTime: '2026-01-01T00:00:00Z', progress: 0, state: 'Processing', type: 'Reconcile' },
      conditions: [condition('APIServerAvailable', 'Unknown', 'ConditionInitialized'), condition('ControlPlaneHealthy', 'Unknown', 'ConditionInitialized')],
      gardener: { id: 'g1', name: 'gardenlet', version: 'v1.149.0' },
      hibernated: false,
      technicalID: 'shoot--dev--crazy-botany',
      uid: shootUid,
      seedName: 'seed-a',
    };
    const body = pbBody(`${CORE}.Shoot`, 'core.gardener.cloud/v1beta1', 'Shoot', current);
    const updated = expectPb(await gardenletA.proto('PUT', `${SHOOT_PATH}/status`, body), 200);
    assert.equal(updated.status.lastOperation.state, 'Processing');
    assert.equal(updated.status.hibernated, false);
  });

  it('writes Shoot status with strategic merge patches: conditions by type in $setElementOrder, addresses by name, encryption at rest replaced', async () => {
    const conditions = expectPb(
      await gardenletA.patch(`${SHOOT_PATH}/status`, SMP, {
        status: { '$setElementOrder/conditions': [{ type: 'APIServerAvailable' }, { type: 'ControlPlaneHealthy' }], conditions: [condition('APIServerAvailable', 'True', 'HealthzRequestSucceeded')] },
      }),
      200,
    );
    assert.deepEqual(
      conditions.status.conditions.map((c: { type: string; status: string }) => [c.type, c.status]),
      [['APIServerAvailable', 'True'], ['ControlPlaneHealthy', 'Unknown']],
    );
    const addresses = [{ name: 'external', url: 'https://api.crazy-botany.example.com' }, { name: 'internal', url: 'https://api.internal.example.com' }];
    expectPb(await gardenletA.patch(`${SHOOT_PATH}/status`, MERGE, { status: { advertisedAddresses: addresses } }), 200);
    const byName = expectPb(await gardenletA.patch(`${SHOOT_PATH}/status`, SMP, { status: { advertisedAddresses: [{ name: 'internal', url: 'https://api.internal2.example.com' }] } }), 200);
    assert.deepEqual(byName.status.advertisedAddresses, [addresses[0], { name: 'internal', url: 'https://api.internal2.example.com' }]);
    const encryption = { provider: { type: 'aescbc' }, resources: ['configmaps'] };
    expectPb(await gardenletA.patch(`${SHOOT_PATH}/status`, SMP, { status: { credentials: { encryptionAtRest: { ...encryption, resources: ['configmaps', 'secrets'] } } } }), 200);
    const replaced = expectPb(await gardenletA.patch(`${SHOOT_PATH}/status`, SMP, { status: { credentials: { encryptionAtRest: encryption } } }), 200);
    assert.deepEqual(replaced.status.credentials.encryptionAtRest, encryption, 'resources has no patch strategy: replaced wholesale');
  });

  it('merge-patches with an optimistic lock, and adds and removes its finalizer', async () => {
    const current = expectPb(await gardenletA.proto('GET', SHOOT_PATH), 200);
    const rv = current.metadata.resourceVersion as string;
    const locked = expectPb(await gardenletA.patch(`${SHOOT_PATH}/status`, MERGE, { metadata: { resourceVersion: rv }, status: { lastOperation: { ...current.status.lastOperation, progress: 50 } } }), 200);
    assert.equal(locked.status.lastOperation.progress, 50);
    const stale = expectPb(await gardenletA.patch(`${SHOOT_PATH}/status`, MERGE, { metadata: { resourceVersion: rv }, status: { lastOperation: { progress: 60 } } }), 409);
    assert.equal(stale.reason, 'Conflict');
    const withFinalizer = expectPb(await gardenletA.patch(SHOOT_PATH, MERGE, { metadata: { finalizers: ['gardener'], resourceVersion: locked.metadata.resourceVersion } }), 200);
    assert.deepEqual(withFinalizer.metadata.finalizers, ['gardener']);
    const without = expectPb(await gardenletA.patch(SHOOT_PATH, MERGE, { metadata: { finalizers: null, resourceVersion: withFinalizer.metadata.resourceVersion } }), 200);
    assert.equal(without.metadata.finalizers, undefined);
  });

  it("saw every change of its Shoot on the informer's watch", async () => {
    await shootWatch.waitFor(2 + 9);
    const modified = shootWatch.events.filter((e) => e.type === 'MODIFIED');
    assert.ok(modified.length >= 9, `${modified.length} MODIFIED events`);
    const last = modified.at(-1)?.object.value;
    assert.equal(last?.metadata.finalizers, undefined);
    assert.deepEqual(last?.status.credentials.encryptionAtRest.resources, ['configmaps']);
  });

  it('gardener-operator: merge-patches Garden status (JSON only) and relabels InternalSecrets through metadata-only lists', async () => {
    const garden = exampleGarden();
    const createGarden = await operator.json('POST', '/apis/operator.gardener.cloud/v1alpha1/gardens', 'application/json');
    assert.equal(createGarden.status, 400, 'no body');
    const admin = adminClient(server.url, adminCredentials(dataDir));
    assert.equal((await admin.send('POST', '/apis/operator.gardener.cloud/v1alpha1/gardens', garden)).status, 201);
    admin.close();
    const status = await operator.patch(`/apis/operator.gardener.cloud/v1alpha1/gardens/${garden.metadata.name}/status`, MERGE, { status: { credentials: { encryptionAtRest: { provider: { type: 'aescbc' }, resources: ['shoots.core.gardener.cloud'] } } } }, `${PROTOBUF_MEDIA_TYPE}, application/json`);
    assert.equal(status.status, 200);
    assert.equal(status.contentType, 'application/json', 'Garden answers JSON');
    const keyName = 'credentials.gardener.cloud/key-name';
    const missing = await operator.json('GET', `${BASE}/internalsecrets?labelSelector=${encodeURIComponent(`${keyName}!=key-1`)}`, METADATA_LIST_ACCEPT);
    const list = expectPb(missing, 200);
    assert.equal(list.kind, 'PartialObjectMetadataList');
    assert.deepEqual(list.items.map((i: { metadata: { name: string } }) => i.metadata.name), [CA_CLIENT]);
    assert.equal(list.items[0].data, undefined, 'metadata only');
    const relabeled = expectPb(await operator.patch(`${SECRETS}/${CA_CLIENT}`, MERGE, { metadata: { labels: { [keyName]: 'key-1' } } }, METADATA_ACCEPT), 200);
    assert.equal(relabeled.kind, 'PartialObjectMetadata');
    assert.equal(relabeled.metadata.labels[keyName], 'key-1');
    const done = expectPb(await operator.json('GET', `${BASE}/internalsecrets?labelSelector=${encodeURIComponent(`${keyName}!=key-1`)}`, METADATA_LIST_ACCEPT), 200);
    assert.equal(done.items, undefined, 'nothing left to rewrite');
  });
});
