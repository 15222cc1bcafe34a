/**
 * application/vnd.kubernetes.protobuf over HTTPS, as client-go speaks it: enveloped bodies for creates,
 * updates, deletes and the kubeconfig requests; responses chosen by Accept; Status errors; metadata-only
 * lists; watch streams with bookmarks and the watch-list's initial-events-end bookmark. Garden stays
 * JSON only, as a custom resource upstream.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROTOBUF_MEDIA_TYPE } from '../../apimachinery/protobuf/index.js';
import { createCA } from '../../apiserver/standalone/pki.js';
import { exampleGarden, makeShoot } from '../support/shoot/fixtures.js';
import { AUTH, binary, CORE, decodePb, META, openPbWatch, pbBody, PROTOBUF_ACCEPT } from '../support/protobuf.js';
import { startInProcess, tempDir, type InProcessServer } from '../support/server.js';
import { projectFor, PROJECTS_PATH } from '../support/projects.js';

const BASE = '/apis/core.gardener.cloud/v1beta1';
const SECRETS = `${BASE}/namespaces/garden-pb/internalsecrets`;
const SHOOTS = `${BASE}/namespaces/garden-pb/shoots`;
const GV = 'core.gardener.cloud/v1beta1';
const b64 = (s: string) => Buffer.from(s).toString('base64');
const METADATA_LIST = 'application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';

describe('protobuf over HTTPS', function () {
  this.timeout(60_000);
  let s: InProcessServer;
  const clientCA = createCA('ca-client');
  const clusterCA = createCA('ca');

  before(async () => {
    const dataDir = tempDir();
    mkdirSync(join(dataDir, 'cluster-ca'), { recursive: true });
    const indented = clusterCA.cert.replace(/^/gm, '    ');
    writeFileSync(join(dataDir, 'cluster-ca', 'ca.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kc.ca-cluster, namespace: garden-pb}\ndata:\n  ca.crt: |\n${indented}\n`);
    s = await startInProcess([], dataDir);
    await s.request('post', PROJECTS_PATH).send(projectFor('garden-pb')).expect(201);
  });
  after(async () => s.stop());

  /** A request whose body and response are protobuf. */
  const pb = (method: 'get' | 'post' | 'put' | 'patch' | 'delete', path: string, accept = PROTOBUF_ACCEPT) =>
    binary(s.request(method, path).set('Accept', accept));
  const secretBody = (name: string, extra: Record<string, unknown> = {}) =>
    pbBody(`${CORE}.InternalSecret`, GV, 'InternalSecret', { metadata: { name, labels: { 'gardener.cloud/role': 'ca-client' } }, type: 'Opaque', data: { 'ca.crt': b64('cert') }, ...extra });

  it('creates from a protobuf body and answers in protobuf; JSON readers see the same object', async () => {
    const r = await pb('post', SECRETS).set('Content-Type', PROTOBUF_MEDIA_TYPE).send(secretBody('one')).expect(201);
    assert.equal(r.headers['content-type'], PROTOBUF_MEDIA_TYPE);
    const created = decodePb(r.body as Buffer);
    assert.deepEqual([created.apiVersion, created.kind], [GV, 'InternalSecret']);
    assert.equal(created.value.metadata.namespace, 'garden-pb');
    assert.match(created.value.metadata.uid, /^[0-9a-f-]{36}$/);
    const json = await s.request('get', `${SECRETS}/one`).expect(200);
    assert.deepEqual({ apiVersion: GV, kind: 'InternalSecret', ...created.value }, json.body);
  });

  it('chooses the encoding by Accept in kube-apiserver order', async () => {
    const cases: [string, string][] = [
      [PROTOBUF_ACCEPT, PROTOBUF_MEDIA_TYPE],
      [`${PROTOBUF_MEDIA_TYPE}, application/json`, PROTOBUF_MEDIA_TYPE],
      [`application/json, ${PROTOBUF_MEDIA_TYPE}`, 'application/json'],
      [`application/json;q=0.5, ${PROTOBUF_MEDIA_TYPE};q=0.9`, PROTOBUF_MEDIA_TYPE],
      ['*/*', 'application/json'],
      ['application/*', 'application/json'],
    ];
    for (const [accept, type] of cases) {
      const r = await pb('get', `${SECRETS}/one`, accept).expect(200);
      assert.equal(r.headers['content-type'], type, accept);
    }
  });

  it('lists, updates, patches and deletes in protobuf', async () => {
    await pb('post', SECRETS).set('Content-Type', PROTOBUF_MEDIA_TYPE).send(secretBody('two')).expect(201);
    const list = decodePb((await pb('get', `${SECRETS}?limit=1`).expect(200)).body as Buffer);
    assert.equal(list.kind, 'InternalSecretList');
    assert.equal(list.value.items.length, 1);
    assert.ok(list.value.metadata.continue);
    assert.equal(list.value.metadata.remainingItemCount, 1);
    const current = decodePb((await pb('get', `${SECRETS}/two`).expect(200)).body as Buffer).value;
    current.data = { 'ca.crt': b64('cert'), 'ca.key': b64('key') };
    const updated = await pb('put', `${SECRETS}/two`).set('Content-Type', PROTOBUF_MEDIA_TYPE).send(pbBody(`${CORE}.InternalSecret`, GV, 'InternalSecret', current)).expect(200);
    assert.equal(decodePb(updated.body as Buffer).value.data['ca.key'], b64('key'));
    const patched = await pb('patch', `${SECRETS}/two`).set('Content-Type', 'application/merge-patch+json').send('{"metadata":{"labels":{"x":"y"}}}').expect(200);
    assert.equal(decodePb(patched.body as Buffer).value.metadata.labels.x, 'y');
    // DeleteOptions as protobuf, with a precondition that does not hold: 409 Status in protobuf.
    const wrongUid = pbBody(`${META}.DeleteOptions`, 'meta.k8s.io/v1', 'DeleteOptions', { preconditions: { uid: 'not-the-uid' } });
    const conflict = await pb('delete', `${SECRETS}/two`).set('Content-Type', PROTOBUF_MEDIA_TYPE).send(wrongUid).expect(409);
    assert.equal(conflict.headers['content-type'], PROTOBUF_MEDIA_TYPE);
    assert.equal(decodePb(conflict.body as Buffer).value.reason, 'Conflict');
    const ok = pbBody(`${META}.DeleteOptions`, 'meta.k8s.io/v1', 'DeleteOptions', { preconditions: { uid: current.metadata.uid } });
    const deleted = decodePb((await pb('delete', `${SECRETS}/two`).set('Content-Type', PROTOBUF_MEDIA_TYPE).send(ok).expect(200)).body as Buffer);
    assert.deepEqual([deleted.kind, deleted.value.status, deleted.value.details.name], ['Status', 'Success', 'two']);
  });

  it('writes errors as protobuf Status for protobuf clients, JSON when a conversion is asked for first', async () => {
    const missing = await pb('get', `${SECRETS}/missing`).expect(404);
    assert.equal(missing.headers['content-type'], PROTOBUF_MEDIA_TYPE);
    const status = decodePb(missing.body as Buffer);
    assert.deepEqual([status.apiVersion, status.kind], ['v1', 'Status']);
    assert.deepEqual(
      { code: status.value.code, reason: status.value.reason, message: status.value.message, details: status.value.details },
      { code: 404, reason: 'NotFound', message: 'internalsecrets.core.gardener.cloud "missing" not found', details: { name: 'missing', group: 'core.gardener.cloud', kind: 'internalsecrets' } },
    );
    const asTable = await s.request('get', `${SECRETS}/missing`).set('Accept', `${PROTOBUF_MEDIA_TYPE};as=Table;v=v1;g=meta.k8s.io, ${PROTOBUF_MEDIA_TYPE}`).expect(404);
    assert.equal(asTable.headers['content-type'], PROTOBUF_MEDIA_TYPE, 'a Status is never a Table: the next clause applies');
    const json = await s.request('get', `${SECRETS}/missing`).set('Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io').expect(404);
    assert.equal(json.body.kind, 'Status');
  });

  it('refuses bodies that are not what their media type says, changing nothing', async () => {
    const bad = await pb('post', SECRETS).set('Content-Type', PROTOBUF_MEDIA_TYPE).send('{"kind":"InternalSecret"}').expect(400);
    assert.equal(
      decodePb(bad.body as Buffer).value.message,
      'the object provided is unrecognized (must be of type InternalSecret): provided data does not appear to be a protobuf message, expected prefix [107 56 115 0] ({"kind":"InternalSecret"})',
    );
    const broken = Buffer.concat([secretBody('three').subarray(0, 40)]);
    const r = await pb('post', SECRETS).set('Content-Type', PROTOBUF_MEDIA_TYPE).send(broken).expect(400);
    assert.match(decodePb(r.body as Buffer).value.message, /^the object provided is unrecognized \(must be of type InternalSecret\): unexpected EOF/);
    const shootAsSecret = pbBody(`${CORE}.Shoot`, GV, 'Shoot', makeShoot());
    const wrongKind = await pb('post', SECRETS).set('Content-Type', PROTOBUF_MEDIA_TYPE).send(shootAsSecret).expect(400);
    // A Shoot decodes as one, and gardener-apiserver's scheme has no conversion from it to an InternalSecret.
    assert.equal(decodePb(wrongKind.body as Buffer).value.message, 'Shoot in version "v1beta1" cannot be handled as a InternalSecret: converting (v1beta1.Shoot) to (core.InternalSecret): unknown conversion');
    const list = await s.request('get', SECRETS).expect(200);
    assert.deepEqual(list.body.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['one']);
  });

  it('round-trips Shoots: written as protobuf and read as JSON, and the other way, is the same object', async () => {
    const shoot = makeShoot({ hibernation: { enabled: false }, kubernetes: { version: '1.33.0', kubeAPIServer: { eventTTL: '1h' } } }, undefined, { name: 'from-pb', namespace: 'garden-pb' });
    const created = decodePb((await pb('post', SHOOTS).set('Content-Type', PROTOBUF_MEDIA_TYPE).send(pbBody(`${CORE}.Shoot`, GV, 'Shoot', shoot)).expect(201)).body as Buffer);
    const asJson = (await s.request('get', `${SHOOTS}/from-pb`).expect(200)).body;
    assert.deepEqual({ apiVersion: GV, kind: 'Shoot', ...created.value }, asJson);
    assert.equal(asJson.spec.hibernation.enabled, false, "a pointer's false survives");
    const viaJson = (await s.request('post', SHOOTS).send({ ...makeShoot(undefined, undefined, { name: 'from-json', namespace: 'garden-pb' }) }).expect(201)).body;
    const asPb = decodePb((await pb('get', `${SHOOTS}/from-json`).expect(200)).body as Buffer);
    assert.deepEqual({ apiVersion: asPb.apiVersion, kind: asPb.kind, ...asPb.value }, viaJson);
  });

  it('takes a full PUT of shoots/status in protobuf', async () => {
    const current = decodePb((await pb('get', `${SHOOTS}/from-pb`).expect(200)).body as Buffer).value;
    current.status = { ...current.status, conditions: [{ type: 'APIServerAvailable', status: 'True', lastTransitionTime: '2024-01-01T00:00:00Z', lastUpdateTime: '2024-01-01T00:00:00Z', reason: 'Ok', message: 'fine' }] };
    const r = await pb('put', `${SHOOTS}/from-pb/status`).set('Content-Type', PROTOBUF_MEDIA_TYPE).send(pbBody(`${CORE}.Shoot`, GV, 'Shoot', current)).expect(200);
    assert.equal(decodePb(r.body as Buffer).value.status.conditions[0].type, 'APIServerAvailable');
  });

  it('lists metadata only in protobuf, for Shoots and for Gardens alike', async () => {
    const r = await pb('get', SHOOTS, METADATA_LIST).expect(200);
    const list = decodePb(r.body as Buffer);
    assert.deepEqual([list.apiVersion, list.kind], ['meta.k8s.io/v1', 'PartialObjectMetadataList']);
    assert.deepEqual(list.value.items.map((i: { metadata: { name: string } }) => i.metadata.name).sort(), ['from-json', 'from-pb']);
    assert.equal(list.value.items[0].spec, undefined);
    await s.request('post', '/apis/operator.gardener.cloud/v1alpha1/gardens').send(exampleGarden()).expect(201);
    const gardens = decodePb((await pb('get', '/apis/operator.gardener.cloud/v1alpha1/gardens', METADATA_LIST).expect(200)).body as Buffer);
    assert.equal(gardens.kind, 'PartialObjectMetadataList');
    assert.equal(gardens.value.items.length, 1);
  });

  it('keeps Garden JSON only, as a custom resource: 415 for a protobuf body, JSON for a protobuf-first Accept', async () => {
    const garden = exampleGarden();
    const body = pbBody(`${CORE}.Shoot`, 'operator.gardener.cloud/v1alpha1', 'Garden', {});
    const r = await s.request('post', '/apis/operator.gardener.cloud/v1alpha1/gardens').set('Content-Type', PROTOBUF_MEDIA_TYPE).send(body).expect(415);
    assert.equal(r.body.message, 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml');
    const got = await s.request('get', `/apis/operator.gardener.cloud/v1alpha1/gardens/${garden.metadata.name}`).set('Accept', `${PROTOBUF_MEDIA_TYPE}, application/json`).expect(200);
    assert.equal(got.headers['content-type'], 'application/json');
    await s.request('get', `/apis/operator.gardener.cloud/v1alpha1/gardens/${garden.metadata.name}`).set('Accept', PROTOBUF_MEDIA_TYPE).expect(406);
  });

  it('keeps Tables JSON: a protobuf Table clause falls through to the next', async () => {
    const r = await s.request('get', SECRETS).set('Accept', `${PROTOBUF_MEDIA_TYPE};as=Table;v=v1;g=meta.k8s.io, application/json;as=Table;v=v1;g=meta.k8s.io`).expect(200);
    assert.equal(r.body.kind, 'Table');
  });

  it('issues kubeconfigs from a protobuf AdminKubeconfigRequest, in protobuf', async () => {
    await s.request('post', SHOOTS).send(makeShoot(undefined, undefined, { name: 'kc', namespace: 'garden-pb' })).expect(201);
    await s.request('patch', `${SHOOTS}/kc/status`).set('Content-Type', 'application/merge-patch+json').send({ status: { advertisedAddresses: [{ name: 'external', url: 'https://api.kc.example.com' }] } }).expect(200);
    await s.request('post', SECRETS).send({ metadata: { name: 'kc.ca-client' }, data: { 'ca.crt': b64(clientCA.cert), 'ca.key': b64(clientCA.key) } }).expect(201);
    const request = pbBody(`${AUTH}.AdminKubeconfigRequest`, 'authentication.gardener.cloud/v1alpha1', 'AdminKubeconfigRequest', { spec: { expirationSeconds: 900 } });
    const r = await pb('post', `${SHOOTS}/kc/adminkubeconfig`).set('Content-Type', PROTOBUF_MEDIA_TYPE).send(request).expect(201);
    const issued = decodePb(r.body as Buffer, `${AUTH}.AdminKubeconfigRequest`);
    assert.equal(issued.kind, 'AdminKubeconfigRequest');
    assert.match(Buffer.from(issued.value.status.kubeconfig, 'base64').toString(), /server: https:\/\/api\.kc\.example\.com/);
    assert.match(issued.value.status.expirationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('reads JSON kubeconfig requests as Go does: a lifetime written as 600.0 or 1e3 is no int64; the kubeconfig laid out as go-yaml writes it', async () => {
    for (const literal of ['600.0', '1e3']) {
      const r = await s.request('post', `${SHOOTS}/kc/adminkubeconfig`).set('Content-Type', 'application/json').send(`{"spec":{"expirationSeconds":${literal}}}`).expect(400);
      assert.equal(
        r.body.message,
        `AdminKubeconfigRequest in version "v1alpha1" cannot be handled as a AdminKubeconfigRequest: json: cannot unmarshal number ${literal} into Go struct field AdminKubeconfigRequestSpec.spec.expirationSeconds of type int64`,
      );
    }
    const issued = await s.request('post', `${SHOOTS}/kc/adminkubeconfig`).set('Content-Type', 'application/json').send('{"spec":{"expirationSeconds":600}}').expect(201);
    assert.match(Buffer.from(issued.body.status.kubeconfig, 'base64').toString(), /^apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: /);
  });

  it('streams watches as protobuf frames, with the watch-list bookmark', async () => {
    const creds = s.creds;
    const w = await openPbWatch(s.running.url, `${SECRETS}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`, creds);
    try {
      assert.equal(w.status, 200);
      assert.equal(w.contentType, 'application/vnd.kubernetes.protobuf;stream=watch');
      const initial = await w.waitFor(3);
      assert.deepEqual(initial.slice(0, 3).map((e) => [e.type, e.object.value.metadata.name ?? '']), [
        ['ADDED', 'kc.ca-client'],
        ['ADDED', 'one'],
        ['BOOKMARK', ''],
      ]);
      const bookmark = initial[2]?.object;
      assert.deepEqual([bookmark?.apiVersion, bookmark?.kind], [GV, 'InternalSecret']);
      assert.equal(bookmark?.value.metadata.annotations['k8s.io/initial-events-end'], 'true');
      await s.request('post', SECRETS).send({ metadata: { name: 'four' } }).expect(201);
      const [, , , added] = await w.waitFor(4);
      assert.deepEqual([added?.type, added?.object.value.metadata.name], ['ADDED', 'four']);
    } finally {
      w.close();
    }
  });

  it('streams metadata-only watches as PartialObjectMetadata, bookmarks included', async () => {
    const w = await openPbWatch(s.running.url, `${SECRETS}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`, s.creds, METADATA_LIST.replace(/List/g, ''));
    try {
      const events = await w.waitFor(4);
      assert.ok(events.every((e) => e.object.kind === 'PartialObjectMetadata'), JSON.stringify(events.map((e) => e.object.kind)));
      assert.equal(events[3]?.type, 'BOOKMARK');
    } finally {
      w.close();
    }
  });

  it('ends a watch at its timeoutSeconds', async () => {
    const w = await openPbWatch(s.running.url, `${SECRETS}?watch=true&timeoutSeconds=1`, s.creds);
    await w.ended;
    assert.equal(w.status, 200);
  });
});
