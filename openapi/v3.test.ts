import assert from 'node:assert/strict';
import { etagOf, hashOf, OpenAPIDocuments } from './documents.js';
import { OBJECT_META } from './meta.js';
import { ADMIN_KUBECONFIG_DEF, gadget, GADGET_DEF, refsIn, widget, WIDGET_DEF, WIDGET_SPEC_DEF } from './testdata.js';
import { buildV3GroupVersionDocument, buildV3Index, toV3Schema, type V3Document, type V3Operation } from './v3.js';

const METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;

function operations(doc: V3Document): [string, string, V3Operation][] {
  const out: [string, string, V3Operation][] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (op !== undefined) out.push([path, method, op]);
    }
  }
  return out;
}

describe('openapi/v3', () => {
  const all = [widget, gadget];
  const doc = buildV3GroupVersionDocument([widget], { title: 'Test', version: 'v1' }, all);
  const ops = operations(doc);

  it('has the OpenAPI 3.0 envelope', () => {
    assert.equal(doc.openapi, '3.0.0');
    assert.deepEqual(doc.info, { title: 'Test', version: 'v1' });
    assert.equal(doc.components.securitySchemes.BearerToken?.type, 'apiKey');
  });

  it('resolves every $ref into components.schemas', () => {
    const refs = refsIn(doc);
    assert.ok(refs.length > 0);
    for (const r of refs) {
      assert.match(r, /^#\/components\/schemas\//);
      assert.ok(doc.components.schemas[r.slice('#/components/schemas/'.length)] !== undefined, `unresolved ${r}`);
    }
  });

  it('holds only its own group/version paths and what they reach', () => {
    assert.ok(Object.keys(doc.paths).every((p) => p.startsWith('/apis/core.gardener.cloud/v1beta1/')));
    assert.equal(doc.components.schemas[GADGET_DEF], undefined);
    assert.ok(doc.components.schemas[ADMIN_KUBECONFIG_DEF] !== undefined, 'subresource kind of another group');
    assert.ok(doc.components.schemas[`${WIDGET_DEF}List`] !== undefined);
  });

  it('meets what kubectl explain looks for', () => {
    for (const r of [widget]) {
      const gvk = { group: r.group, kind: r.kind, version: r.version };
      const kindOps = ops.filter(([path, , op]) => path.includes(`/${r.resource}`) && JSON.stringify(op['x-kubernetes-group-version-kind']) === JSON.stringify(gvk));
      assert.deepEqual(new Set(kindOps.map(([, m]) => m)), new Set(METHODS));
      const schema = doc.components.schemas[r.definitionName];
      assert.ok(schema?.['x-kubernetes-group-version-kind']?.some((g) => g.group === gvk.group && g.kind === gvk.kind && g.version === gvk.version));
      assert.ok(schema?.description !== undefined);
    }
    const meta = doc.components.schemas[OBJECT_META];
    assert.ok(meta?.properties?.labels?.description !== undefined);
    assert.ok(meta?.properties?.creationTimestamp?.description !== undefined);
  });

  it('offers no strategic merge patch and declares fieldValidation on PATCH', () => {
    const patches = ops.filter(([, m]) => m === 'patch');
    assert.ok(patches.length >= 2);
    for (const [, , op] of patches) {
      assert.deepEqual(Object.keys(op.requestBody?.content ?? {}), ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml']);
      assert.ok(op.parameters?.some((p) => p.name === 'fieldValidation' && p.in === 'query'));
      assert.equal(op.requestBody?.required, true);
    }
    assert.ok(!JSON.stringify(doc).includes('strategic-merge-patch'));
  });

  it('describes bodies and responses per media type', () => {
    const create = ops.find(([, , op]) => op.operationId === 'createCoreGardenerCloudV1beta1NamespacedWidget')?.[2];
    assert.deepEqual(create?.requestBody?.content['application/json']?.schema, { $ref: `#/components/schemas/${WIDGET_DEF}` });
    assert.ok(create?.requestBody?.content['application/yaml'] !== undefined);
    assert.deepEqual(create?.responses['201']?.content?.['application/json']?.schema, { $ref: `#/components/schemas/${WIDGET_DEF}` });
    assert.deepEqual(create?.responses['401'], { description: 'Unauthorized' });
    const sub = ops.find(([, , op]) => op.operationId === 'createCoreGardenerCloudV1beta1NamespacedWidgetAdminkubeconfig')?.[2];
    assert.deepEqual(sub?.requestBody?.content['application/json']?.schema, { $ref: `#/components/schemas/${ADMIN_KUBECONFIG_DEF}` });
  });

  it('wraps a $ref with siblings in allOf', () => {
    const spec = doc.components.schemas[WIDGET_DEF]?.properties?.spec;
    assert.deepEqual(spec, { description: 'Specification of the widget.', allOf: [{ $ref: `#/components/schemas/${WIDGET_SPEC_DEF}` }] });
    assert.deepEqual(toV3Schema({ $ref: '#/definitions/a.B' }), { $ref: '#/components/schemas/a.B' });
    assert.deepEqual(toV3Schema({ type: 'array', items: { $ref: '#/definitions/a.B' } }), { type: 'array', items: { $ref: '#/components/schemas/a.B' } });
  });
});

describe('openapi/documents', () => {
  const docs = new OpenAPIDocuments([widget, gadget]);

  it('lists each group/version in the index with the hash of the served document', () => {
    const index = JSON.parse(docs.v3Index().json) as { paths: Record<string, { serverRelativeURL: string }> };
    assert.deepEqual(Object.keys(index.paths), ['apis/core.gardener.cloud/v1beta1', 'apis/operator.gardener.cloud/v1alpha1']);
    for (const [key, entry] of Object.entries(index.paths)) {
      const doc = docs.v3ByPath(key);
      assert.ok(doc !== undefined, key);
      assert.equal(entry.serverRelativeURL, `/openapi/v3/${key}?hash=${hashOf(doc.json)}`);
      assert.match(doc.hash, /^[0-9A-F]{128}$/);
      assert.equal(doc.serverRelativeURL, entry.serverRelativeURL);
    }
  });

  it('looks documents up by group/version and by path', () => {
    const core = docs.v3('core.gardener.cloud', 'v1beta1');
    assert.equal(core, docs.v3ByPath('/apis/core.gardener.cloud/v1beta1'));
    assert.equal(core?.path, 'apis/core.gardener.cloud/v1beta1');
    assert.equal(docs.v3('core.gardener.cloud', 'v1'), undefined);
    assert.equal(docs.v3ByPath('apis/nope/v1'), undefined);
    const gadgets = JSON.parse(docs.v3('operator.gardener.cloud', 'v1alpha1')?.json ?? '{}') as V3Document;
    assert.ok(Object.keys(gadgets.paths).every((p) => p.startsWith('/apis/operator.gardener.cloud/v1alpha1/')));
  });

  it('serializes once and gives quoted uppercase SHA-512 ETags', () => {
    const v2 = docs.v2();
    assert.equal(docs.v2(), v2);
    assert.equal(v2.etag, etagOf(v2.json));
    assert.match(v2.etag, /^"[0-9A-F]{128}"$/);
    assert.equal(etagOf('{}'), `"${hashOf('{}')}"`);
    assert.equal(hashOf(''), 'CF83E1357EEFB8BDF1542850D66D8007D620E4050B5715DC83F4A921D36CE9CE47D0D13C5D85F2B0FF8318D2877EEC2F63B931BD47417A81A538327AF927DA3E');
    assert.equal(JSON.parse(v2.json).swagger, '2.0');
  });

  it('builds the index from given hashes', () => {
    assert.deepEqual(buildV3Index([{ group: 'core.gardener.cloud', version: 'v1beta1', hash: 'AB' }, { group: '', version: 'v1', hash: 'CD' }]), {
      paths: {
        'apis/core.gardener.cloud/v1beta1': { serverRelativeURL: '/openapi/v3/apis/core.gardener.cloud/v1beta1?hash=AB' },
        'api/v1': { serverRelativeURL: '/openapi/v3/api/v1?hash=CD' },
      },
    });
  });
});
