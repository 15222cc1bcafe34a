/** Discovery, OpenAPI, health and version over HTTPS against the in-process server. */
import assert from 'node:assert/strict';
import { binary } from '../support/protobuf.js';
import { startInProcess, type InProcessServer } from '../support/server.js';
import { decodeOpenAPIV2 } from '../../openapi/v2-protobuf.js';

const AGGREGATED_ACCEPT =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

describe('discovery, OpenAPI, health', function () {
  let s: InProcessServer;
  before(async () => {
    s = await startInProcess();
  });
  after(async () => s.stop());

  it('serves the legacy group list, group and resource list', async () => {
    const groups = await s.request('get', '/apis').expect(200);
    assert.equal(groups.body.kind, 'APIGroupList');
    const core = groups.body.groups.find((g: { name: string }) => g.name === 'core.gardener.cloud');
    assert.deepEqual(core.preferredVersion, { groupVersion: 'core.gardener.cloud/v1beta1', version: 'v1beta1' });
    const group = await s.request('get', '/apis/core.gardener.cloud').expect(200);
    assert.equal(group.body.kind, 'APIGroup');
    const list = await s.request('get', '/apis/core.gardener.cloud/v1beta1').expect(200);
    assert.equal(list.body.kind, 'APIResourceList');
    const ins = list.body.resources.find((r: { name: string }) => r.name === 'internalsecrets');
    assert.deepEqual(ins.shortNames, ['ins']);
    assert.equal(ins.namespaced, true);
    assert.equal(ins.kind, 'InternalSecret');
    assert.equal(ins.singularName, 'internalsecret');
    assert.deepEqual([...ins.verbs].sort(), ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);
    assert.equal(ins.categories, undefined);
    assert.match(ins.storageVersionHash, /^[A-Za-z0-9+/]{11}=$/);
    await s.request('get', '/apis/nope.example.com').expect(404);
    await s.request('get', '/apis/core.gardener.cloud/v9').expect(404);
  });

  it('serves aggregated discovery v2 with an ETag and 304', async () => {
    const r = await s.request('get', '/apis').set('Accept', AGGREGATED_ACCEPT).expect(200);
    assert.equal(r.headers['content-type'], 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    const body = JSON.parse(r.text);
    assert.equal(body.kind, 'APIGroupDiscoveryList');
    const core = body.items.find((i: { metadata: { name: string } }) => i.metadata.name === 'core.gardener.cloud');
    const res = core.versions[0].resources.find((x: { resource: string }) => x.resource === 'internalsecrets');
    assert.equal(res.scope, 'Namespaced');
    assert.deepEqual(res.responseKind, { group: 'core.gardener.cloud', version: 'v1beta1', kind: 'InternalSecret' });
    const etag = r.headers.etag;
    assert.match(etag ?? '', /^"[0-9A-F]{128}"$/);
    await s.request('get', '/apis').set('Accept', AGGREGATED_ACCEPT).set('If-None-Match', etag ?? '').expect(304);
    const beta = await s.request('get', '/apis').set('Accept', 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList').expect(200);
    assert.equal(JSON.parse(beta.text).apiVersion, 'apidiscovery.k8s.io/v2beta1');
  });

  it('serves OpenAPI v2 as JSON and as gnostic protobuf, 406 for other types, 304 on a matching ETag', async () => {
    const r = await s.request('get', '/openapi/v2').set('Accept', 'application/json').expect(200);
    const doc = JSON.parse(r.text);
    assert.equal(doc.swagger, '2.0');
    assert.ok(doc.definitions['com.github.gardener.gardener.pkg.apis.core.v1beta1.InternalSecret']);
    // kubectl 1.32 asks by the older name; both names get the type Go's MIME parser accepts.
    for (const accept of ['application/com.github.proto-openapi.spec.v2@v1.0+protobuf', 'application/json;q=0.5, application/com.github.proto-openapi.spec.v2.v1.0+protobuf']) {
      const pb = await binary(s.request('get', '/openapi/v2').set('Accept', accept)).expect(200);
      assert.equal(pb.headers['content-type'], 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf', accept);
      assert.equal(pb.headers.etag, r.headers.etag, 'one ETag, varying by Accept');
      // supertest asks for gzip, and the document is long enough to be compressed.
      assert.equal(pb.headers.vary, 'Accept, Accept-Encoding');
      const msg = decodeOpenAPIV2(pb.body as Buffer);
      assert.equal(msg.swagger, '2.0');
      const defs = (msg.definitions as { additional_properties: { name: string }[] }).additional_properties.map((d) => d.name);
      assert.deepEqual(defs, Object.keys(doc.definitions));
    }
    const preferJson = await s.request('get', '/openapi/v2').set('Accept', 'application/json, application/com.github.proto-openapi.spec.v2@v1.0+protobuf').expect(200);
    assert.equal(preferJson.headers['content-type'], 'application/json');
    await s.request('get', '/openapi/v2').set('Accept', 'application/vnd.kubernetes.protobuf').expect(406);
    await s.request('get', '/openapi/v2').set('If-None-Match', r.headers.etag ?? '').expect(304);
  });

  it('advertises protobuf in OpenAPI where it is served: core.gardener.cloud kinds, not Garden, never for patches', async () => {
    const doc = JSON.parse((await s.request('get', '/openapi/v2').expect(200)).text);
    const pb = 'application/vnd.kubernetes.protobuf';
    const shoots = doc.paths['/apis/core.gardener.cloud/v1beta1/namespaces/{namespace}/shoots'];
    assert.deepEqual(shoots.get.produces, ['application/json', pb, 'application/json;stream=watch', `${pb};stream=watch`]);
    assert.deepEqual(shoots.post.consumes, ['application/json', pb, 'application/yaml']);
    const status = doc.paths['/apis/core.gardener.cloud/v1beta1/namespaces/{namespace}/shoots/{name}/status'];
    assert.deepEqual(status.put.produces, ['application/json', pb]);
    assert.ok(!status.patch.consumes.includes(pb));
    assert.ok(doc.paths['/apis/core.gardener.cloud/v1beta1/namespaces/{namespace}/shoots/{name}/adminkubeconfig'].post.consumes.includes(pb));
    const gardens = doc.paths['/apis/operator.gardener.cloud/v1alpha1/gardens/{name}'];
    assert.deepEqual(gardens.get.produces, ['application/json']);
    const index = JSON.parse((await s.request('get', '/openapi/v3').expect(200)).text);
    const v3 = JSON.parse((await s.request('get', index.paths['apis/core.gardener.cloud/v1beta1'].serverRelativeURL).expect(200)).text);
    const get = v3.paths['/apis/core.gardener.cloud/v1beta1/namespaces/{namespace}/internalsecrets/{name}'].get;
    assert.deepEqual(Object.keys(get.responses['200'].content), ['application/json', pb]);
  });

  it('serves the OpenAPI v3 index, immutable hashed documents and redirects stale hashes', async () => {
    const index = JSON.parse((await s.request('get', '/openapi/v3').expect(200)).text);
    const entry = index.paths['apis/core.gardener.cloud/v1beta1'];
    assert.match(entry.serverRelativeURL, /^\/openapi\/v3\/apis\/core\.gardener\.cloud\/v1beta1\?hash=[0-9A-F]{128}$/);
    const doc = await s.request('get', entry.serverRelativeURL).expect(200);
    assert.equal(doc.headers['cache-control'], 'public, immutable');
    assert.equal(JSON.parse(doc.text).openapi, '3.0.0');
    const stale = await s.request('get', '/openapi/v3/apis/core.gardener.cloud/v1beta1?hash=ABC').expect(301);
    assert.equal(stale.headers.location, entry.serverRelativeURL);
    await s.request('get', '/openapi/v3/apis/nope/v1').expect(404);
  });

  it('answers health checks anonymously, verbose, excluded and per check', async () => {
    const ok = await s.request('get', '/readyz', true).expect(200);
    assert.equal(ok.text, 'ok');
    const verbose = await s.request('get', '/livez?verbose', true).expect(200);
    assert.match(verbose.text, /\[\+\]ping ok\n\[\+\]storage ok\nlivez check passed\n/);
    const excluded = await s.request('get', '/livez?verbose&exclude=ping&exclude=nope&exclude=nada', true).expect(200);
    // In place, and a warning for what matches no check, as kube-apiserver writes them.
    assert.equal(excluded.text, '[+]ping excluded: ok\n[+]storage ok\nwarn: some health checks cannot be excluded: no matches for "nada","nope"\nlivez check passed\n');
    assert.equal((await s.request('get', '/readyz/storage').expect(200)).text, 'ok');
    await s.request('get', '/readyz/storage', true).expect(403);
    await s.request('get', '/readyz/nope').expect(404);
  });

  it('serves /version, indented as kube-apiserver writes it', async () => {
    const r = await s.request('get', '/version').expect(200);
    assert.match(r.body.gitVersion, /^v\d+\.\d+\.\d+/);
    assert.equal(r.text, JSON.stringify(r.body, null, 2));
  });

  it('lets anonymous callers reach only the always-allowed paths and version (system:public-info-viewer)', async () => {
    const r = await s.request('get', '/apis/core.gardener.cloud/v1beta1/internalsecrets', true).expect(403);
    assert.equal(r.body.reason, 'Forbidden');
    assert.equal(
      r.body.message,
      'internalsecrets.core.gardener.cloud is forbidden: User "system:anonymous" cannot list resource "internalsecrets" in API group "core.gardener.cloud" at the cluster scope',
    );
    const version = await s.request('get', '/version', true).expect(200);
    assert.match(version.body.gitVersion, /^v\d+\.\d+\.\d+/);
    await s.request('get', '/apis', true).expect(403);
    await s.request('get', '/openapi/v2', true).expect(403);
  });
});
