/**
 * Discovery in every format kube-apiserver serves it: the legacy documents (`APIVersions`,
 * `APIGroupList`, `APIGroup`, `APIResourceList`) and the aggregated `APIGroupDiscoveryList` in JSON,
 * YAML and protobuf, chosen by the first Accept clause that fits; 406 when none does. Protobuf bodies
 * are read with protoc against the `.proto` files, independently of the server's encoder.
 */
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { openEnvelope, PROTOBUF_MEDIA_TYPE } from '../../apimachinery/protobuf/index.js';
import { protocDecode } from '../support/protoc.js';
import { fetchRaw } from '../support/raw.js';
import { startInProcess, type InProcessServer } from '../support/server.js';

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';
const AGGREGATED = 'g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
const AGGREGATED_BETA = 'g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';
const SERVED = 'application/json, application/yaml, application/vnd.kubernetes.protobuf';

describe('discovery in JSON, YAML and protobuf', function () {
  let s: InProcessServer;
  before(async () => {
    s = await startInProcess();
  });
  after(async () => s.stop());

  const get = (path: string, accept: string) => fetchRaw(s.request('get', path), accept);
  const json = async (path: string, accept = 'application/json') => JSON.parse((await get(path, accept)).body.toString('utf8')) as unknown;

  it('answers every legacy document in YAML as it answers it in JSON', async () => {
    for (const path of ['/api', '/api/v1', '/apis', '/apis/core.gardener.cloud', '/apis/core.gardener.cloud/v1beta1']) {
      const r = await get(path, 'text/html, application/yaml');
      assert.equal(r.status, 200, path);
      assert.equal(r.type, 'application/yaml', path);
      assert.deepEqual(parse(r.body.toString('utf8'), { version: '1.1' }), await json(path), path);
    }
  });

  it('answers every legacy document in protobuf, enveloped as meta/v1, as protoc reads it', async () => {
    const cases: Array<[string, string, RegExp[]]> = [
      ['/api', 'APIVersions', [/^versions: "v1"\nserverAddressByClientCIDRs \{\n {2}clientCIDR: "0.0.0.0\/0"\n {2}serverAddress: "127.0.0.1:\d+"\n\}\n$/]],
      ['/apis', 'APIGroupList', [/groups \{\n {2}name: "core.gardener.cloud"\n {2}versions \{\n {4}groupVersion: "core.gardener.cloud\/v1beta1"\n {4}version: "v1beta1"\n {2}\}\n {2}preferredVersion \{/]],
      ['/apis/core.gardener.cloud', 'APIGroup', [/^name: "core.gardener.cloud"\n/, /preferredVersion \{\n {2}groupVersion: "core.gardener.cloud\/v1beta1"/]],
      [
        '/apis/core.gardener.cloud/v1beta1',
        'APIResourceList',
        [/^groupVersion: "core.gardener.cloud\/v1beta1"\n/, /resources \{\n {2}name: "internalsecrets"\n {2}namespaced: true\n {2}kind: "InternalSecret"\n {2}verbs \{\n {4}items: "create"/, /shortNames: "ins"/, /name: "shoots\/adminkubeconfig"\n {2}namespaced: true\n {2}kind: "AdminKubeconfigRequest"\n {2}verbs \{\n {4}items: "create"\n {2}\}\n {2}singularName: ""\n {2}group: "authentication.gardener.cloud"\n {2}version: "v1alpha1"\n\}/],
      ],
    ];
    for (const [path, kind, patterns] of cases) {
      const r = await get(path, PROTOBUF_MEDIA_TYPE);
      assert.equal(r.status, 200, path);
      assert.equal(r.type, PROTOBUF_MEDIA_TYPE, path);
      const opened = openEnvelope(r.body);
      // As upstream, /api's APIVersions names no apiVersion (in JSON neither).
      assert.deepEqual([opened.apiVersion, opened.kind], [path === '/api' ? '' : 'v1', kind], path);
      const text = protocDecode(`${META}.${kind}`, opened.raw);
      for (const p of patterns) assert.match(text, p, path);
    }
    const list = (await json('/apis/core.gardener.cloud/v1beta1')) as { resources: unknown[] };
    const text = protocDecode(`${META}.APIResourceList`, openEnvelope((await get('/apis/core.gardener.cloud/v1beta1', PROTOBUF_MEDIA_TYPE)).body).raw);
    assert.equal(text.match(/^resources \{/gm)?.length, list.resources.length, 'every resource entry');
  });

  it('answers the aggregated document in YAML and protobuf with the JSON ETag, and 304 to it', async () => {
    const fromJson = await get('/apis', `application/json;${AGGREGATED}`);
    const doc = JSON.parse(fromJson.body.toString('utf8')) as { items: Array<{ metadata: { name: string }; versions: Array<{ resources: unknown[] }> }> };
    const yaml = await get('/apis', `application/yaml;${AGGREGATED}`);
    assert.equal(yaml.type, `application/yaml;${AGGREGATED}`);
    assert.equal(yaml.etag, fromJson.etag);
    assert.deepEqual(parse(yaml.body.toString('utf8'), { version: '1.1' }), doc);

    const pb = await get('/apis', `${PROTOBUF_MEDIA_TYPE};${AGGREGATED},application/json;${AGGREGATED}`);
    assert.equal(pb.status, 200);
    assert.equal(pb.type, `${PROTOBUF_MEDIA_TYPE};${AGGREGATED}`);
    assert.equal(pb.etag, fromJson.etag);
    const opened = openEnvelope(pb.body);
    assert.deepEqual([opened.apiVersion, opened.kind], ['apidiscovery.k8s.io/v2', 'APIGroupDiscoveryList']);
    const text = protocDecode('k8s.io.api.apidiscovery.v2.APIGroupDiscoveryList', opened.raw);
    assert.equal(text.match(/^items \{/gm)?.length, doc.items.length);
    assert.match(text, /resources \{\n {6}resource: "internalsecrets"\n {6}responseKind \{\n {8}group: "core.gardener.cloud"\n {8}version: "v1beta1"\n {8}kind: "InternalSecret"\n {6}\}\n {6}scope: "Namespaced"/);
    assert.match(text, /subresource: "adminkubeconfig"[\s\S]*?acceptedTypes \{\n {10}group: "authentication.gardener.cloud"/);

    const beta = await get('/apis', `${PROTOBUF_MEDIA_TYPE};${AGGREGATED_BETA}`);
    assert.deepEqual(openEnvelope(beta.body).apiVersion, 'apidiscovery.k8s.io/v2beta1');
    // Upstream's v2beta1 message has v2's fields and numbers.
    assert.equal(protocDecode('k8s.io.api.apidiscovery.v2.APIGroupDiscoveryList', openEnvelope(beta.body).raw), text);
    const cached = await s.request('get', '/apis').set('Accept', `${PROTOBUF_MEDIA_TYPE};${AGGREGATED}`).set('If-None-Match', fromJson.etag ?? '');
    assert.equal(cached.status, 304);
  });

  it('serves the first clause that fits, in order: a plain type before a later aggregated one', async () => {
    const r = await get('/apis', `application/yaml, application/json;${AGGREGATED}`);
    assert.equal(r.type, 'application/yaml');
    assert.equal((parse(r.body.toString('utf8')) as { kind: string }).kind, 'APIGroupList');
    const unknownFirst = await get('/apis', `application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList, application/json;${AGGREGATED_BETA}`);
    assert.equal(unknownFirst.type, `application/json;${AGGREGATED_BETA}`);
    const wildcard = await get('/apis/core.gardener.cloud', '*/*');
    assert.equal(wildcard.type, 'application/json');
  });

  it('answers 406 listing JSON, YAML and protobuf when no clause fits', async () => {
    const cases: Array<[string, string]> = [
      ['/apis', 'text/html'],
      ['/apis', 'application/json;stream=watch'],
      ['/apis', 'application/json;as=Table;g=meta.k8s.io;v=v1'],
      ['/api', 'text/plain'],
      ['/apis/core.gardener.cloud', 'text/html'],
      // The aggregated document is served only at /apis and /api.
      ['/apis/core.gardener.cloud/v1beta1', `application/json;${AGGREGATED}`],
    ];
    for (const [path, accept] of cases) {
      const r = await get(path, accept);
      assert.equal(r.status, 406, `${path} ${accept}`);
      assert.equal(r.type, 'application/json', `${path} ${accept}`);
      const status = JSON.parse(r.body.toString('utf8')) as { reason: string; message: string };
      assert.equal(status.reason, 'NotAcceptable');
      assert.equal(status.message, `only the following media types are accepted: ${SERVED}`);
    }
  });
});
