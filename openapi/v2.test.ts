import assert from 'node:assert/strict';
import { OBJECT_META } from './meta.js';
import { ADMIN_KUBECONFIG_DEF, gadget, GADGET_DEF, refsIn, widget, WIDGET_DEF } from './testdata.js';
import { buildV2Document, type V2Document, type V2Operation } from './v2.js';

function operations(doc: V2Document): [string, string, V2Operation][] {
  const out: [string, string, V2Operation][] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of ['get', 'put', 'post', 'patch', 'delete'] as const) {
      const op = item[method];
      if (op !== undefined) out.push([path, method, op]);
    }
  }
  return out;
}

describe('openapi/v2', () => {
  const doc = buildV2Document([widget, gadget], { title: 'Test', version: 'v1.0.0' });
  const ops = operations(doc);
  const byId = new Map(ops.map(([path, method, op]) => [op.operationId, { path, method, op }]));

  it('has the Swagger 2.0 envelope', () => {
    assert.equal(doc.swagger, '2.0');
    assert.deepEqual(doc.info, { title: 'Test', version: 'v1.0.0' });
    assert.deepEqual(doc.securityDefinitions.BearerToken, { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' });
    assert.deepEqual(doc.security, [{ BearerToken: [] }]);
  });

  it('resolves every $ref', () => {
    const refs = refsIn(doc);
    assert.ok(refs.length > 0);
    for (const r of refs) {
      assert.match(r, /^#\/definitions\//);
      assert.ok(doc.definitions[r.slice('#/definitions/'.length)] !== undefined, `unresolved ${r}`);
    }
  });

  it('gives kind and list definitions their GVK list', () => {
    for (const [def, group, version, kind] of [
      [WIDGET_DEF, 'core.gardener.cloud', 'v1beta1', 'Widget'],
      [`${WIDGET_DEF}List`, 'core.gardener.cloud', 'v1beta1', 'WidgetList'],
      [GADGET_DEF, 'operator.gardener.cloud', 'v1alpha1', 'Gadget'],
      [`${GADGET_DEF}List`, 'operator.gardener.cloud', 'v1alpha1', 'GadgetList'],
      [ADMIN_KUBECONFIG_DEF, 'authentication.gardener.cloud', 'v1alpha1', 'AdminKubeconfigRequest'],
    ] as const) {
      assert.deepEqual(doc.definitions[def]?.['x-kubernetes-group-version-kind'], [{ group, kind, version }], def);
    }
  });

  it('adds type meta to kinds and shapes lists', () => {
    const w = doc.definitions[WIDGET_DEF];
    assert.ok(w?.properties?.apiVersion?.description !== undefined);
    assert.ok(w?.properties?.kind !== undefined);
    assert.equal(doc.definitions[GADGET_DEF]?.properties?.metadata?.$ref, `#/definitions/${OBJECT_META}`);
    const list = doc.definitions[`${WIDGET_DEF}List`];
    assert.deepEqual(list?.properties?.items?.items, { $ref: `#/definitions/${WIDGET_DEF}` });
    assert.deepEqual(list?.required, ['items']);
  });

  it('uses kube-apiserver operation ids', () => {
    const want = {
      listCoreGardenerCloudV1beta1NamespacedWidget: ['/apis/core.gardener.cloud/v1beta1/namespaces/{namespace}/widgets', 'get', 'list'],
      createCoreGardenerCloudV1beta1NamespacedWidget: ['/apis/core.gardener.cloud/v1beta1/namespaces/{namespace}/widgets', 'post', 'post'],
      deleteCoreGardenerCloudV1beta1CollectionNamespacedWidget: ['/apis/core.gardener.cloud/v1beta1/namespaces/{namespace}/widgets', 'delete', 'deletecollection'],
      readCoreGardenerCloudV1beta1NamespacedWidget: ['/apis/core.gardener.cloud/v1beta1/namespaces/{namespace}/widgets/{name}', 'get', 'get'],
      replaceCoreGardenerCloudV1beta1NamespacedWidget: ['/apis/core.gardener.cloud/v1beta1/namespaces/{namespace}/widgets/{name}', 'put', 'put'],
      patchCoreGardenerCloudV1beta1NamespacedWidget: ['/apis/core.gardener.cloud/v1beta1/namespaces/{namespace}/widgets/{name}', 'patch', 'patch'],
      deleteCoreGardenerCloudV1beta1NamespacedWidget: ['/apis/core.gardener.cloud/v1beta1/namespaces/{namespace}/widgets/{name}', 'delete', 'delete'],
      listCoreGardenerCloudV1beta1WidgetForAllNamespaces: ['/apis/core.gardener.cloud/v1beta1/widgets', 'get', 'list'],
      watchCoreGardenerCloudV1beta1NamespacedWidgetList: ['/apis/core.gardener.cloud/v1beta1/watch/namespaces/{namespace}/widgets', 'get', 'watchlist'],
      watchCoreGardenerCloudV1beta1NamespacedWidget: ['/apis/core.gardener.cloud/v1beta1/watch/namespaces/{namespace}/widgets/{name}', 'get', 'watch'],
      watchCoreGardenerCloudV1beta1WidgetListForAllNamespaces: ['/apis/core.gardener.cloud/v1beta1/watch/widgets', 'get', 'watchlist'],
      readCoreGardenerCloudV1beta1NamespacedWidgetStatus: ['/apis/core.gardener.cloud/v1beta1/namespaces/{namespace}/widgets/{name}/status', 'get', 'get'],
      replaceCoreGardenerCloudV1beta1NamespacedWidgetStatus: ['/apis/core.gardener.cloud/v1beta1/namespaces/{namespace}/widgets/{name}/status', 'put', 'put'],
      patchCoreGardenerCloudV1beta1NamespacedWidgetStatus: ['/apis/core.gardener.cloud/v1beta1/namespaces/{namespace}/widgets/{name}/status', 'patch', 'patch'],
      createCoreGardenerCloudV1beta1NamespacedWidgetAdminkubeconfig: ['/apis/core.gardener.cloud/v1beta1/namespaces/{namespace}/widgets/{name}/adminkubeconfig', 'post', 'post'],
      listOperatorGardenerCloudV1alpha1Gadget: ['/apis/operator.gardener.cloud/v1alpha1/gadgets', 'get', 'list'],
      createOperatorGardenerCloudV1alpha1Gadget: ['/apis/operator.gardener.cloud/v1alpha1/gadgets', 'post', 'post'],
      readOperatorGardenerCloudV1alpha1Gadget: ['/apis/operator.gardener.cloud/v1alpha1/gadgets/{name}', 'get', 'get'],
      replaceOperatorGardenerCloudV1alpha1Gadget: ['/apis/operator.gardener.cloud/v1alpha1/gadgets/{name}', 'put', 'put'],
      patchOperatorGardenerCloudV1alpha1Gadget: ['/apis/operator.gardener.cloud/v1alpha1/gadgets/{name}', 'patch', 'patch'],
      deleteOperatorGardenerCloudV1alpha1Gadget: ['/apis/operator.gardener.cloud/v1alpha1/gadgets/{name}', 'delete', 'delete'],
    };
    assert.deepEqual(new Set(byId.keys()), new Set(Object.keys(want)));
    assert.equal(byId.size, ops.length, 'operation ids are unique');
    for (const [id, [path, method, action]] of Object.entries(want)) {
      const got = byId.get(id);
      assert.deepEqual([got?.path, got?.method, got?.op['x-kubernetes-action']], [path, method, action], id);
    }
  });

  it('puts a single GVK object and a tag on every operation', () => {
    for (const [, , op] of ops) {
      const gvk = op['x-kubernetes-group-version-kind'];
      assert.ok(!Array.isArray(gvk));
      assert.deepEqual(Object.keys(gvk), ['group', 'kind', 'version']);
      assert.equal(op.tags.length, 1);
    }
    assert.deepEqual(byId.get('readCoreGardenerCloudV1beta1NamespacedWidgetStatus')?.op['x-kubernetes-group-version-kind'], {
      group: 'core.gardener.cloud', kind: 'Widget', version: 'v1beta1',
    });
    assert.deepEqual(byId.get('listCoreGardenerCloudV1beta1NamespacedWidget')?.op.tags, ['coreGardenerCloud_v1beta1']);
  });

  it('uses the subresource kind for create-only subresources', () => {
    const op = byId.get('createCoreGardenerCloudV1beta1NamespacedWidgetAdminkubeconfig')?.op;
    assert.deepEqual(op?.['x-kubernetes-group-version-kind'], { group: 'authentication.gardener.cloud', kind: 'AdminKubeconfigRequest', version: 'v1alpha1' });
    const body = op?.parameters?.find((p) => p.in === 'body');
    assert.deepEqual(body?.schema, { $ref: `#/definitions/${ADMIN_KUBECONFIG_DEF}` });
    assert.deepEqual(op?.responses['201']?.schema, { $ref: `#/definitions/${ADMIN_KUBECONFIG_DEF}` });
  });

  it('offers no strategic merge patch and declares fieldValidation on writes', () => {
    for (const [, method, op] of ops) {
      const names = (op.parameters ?? []).map((p) => p.name);
      if (method === 'patch') {
        assert.deepEqual(op.consumes, ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml']);
        assert.ok(names.includes('force'));
      }
      if (method === 'patch' || method === 'put' || method === 'post') {
        for (const n of ['fieldValidation', 'fieldManager', 'dryRun', 'body']) assert.ok(names.includes(n), `${op.operationId} lacks ${n}`);
      }
    }
    assert.ok(!JSON.stringify(doc).includes('strategic-merge-patch'));
  });

  it('gives list, delete and watch operations their parameters and responses', () => {
    const list = byId.get('listCoreGardenerCloudV1beta1NamespacedWidget')?.op;
    const names = (list?.parameters ?? []).map((p) => p.name);
    for (const n of ['labelSelector', 'fieldSelector', 'limit', 'continue', 'resourceVersion', 'resourceVersionMatch', 'sendInitialEvents', 'timeoutSeconds', 'watch', 'allowWatchBookmarks']) {
      assert.ok(names.includes(n), n);
    }
    assert.deepEqual(list?.responses['200']?.schema, { $ref: `#/definitions/${WIDGET_DEF}List` });
    assert.ok(list?.produces.includes('application/json;stream=watch'));
    const del = byId.get('deleteCoreGardenerCloudV1beta1NamespacedWidget')?.op;
    for (const n of ['gracePeriodSeconds', 'propagationPolicy', 'dryRun']) assert.ok(del?.parameters?.some((p) => p.name === n), n);
    assert.match(String(del?.responses['200']?.schema?.$ref), /meta\.v1\.Status$/);
    assert.match(String(byId.get('watchCoreGardenerCloudV1beta1NamespacedWidget')?.op.responses['200']?.schema?.$ref), /meta\.v1\.WatchEvent$/);
  });

  it('declares every path parameter of a path template', () => {
    for (const [path, item] of Object.entries(doc.paths)) {
      const declared = new Set((item.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name));
      for (const m of path.matchAll(/\{(\w+)\}/g)) assert.ok(declared.has(m[1] ?? ''), `${path} lacks ${m[1]}`);
      assert.ok(item.parameters?.some((p) => p.name === 'pretty'));
    }
  });

  it('serves only the verbs a resource has', () => {
    assert.ok(!Object.keys(doc.paths).some((p) => p.includes('/watch/gadgets')));
    assert.equal(doc.paths['/apis/operator.gardener.cloud/v1alpha1/gadgets']?.delete, undefined);
  });

  it('drops nullable, which Swagger 2.0 lacks', () => {
    assert.ok(!JSON.stringify(doc.definitions).includes('"nullable"'));
  });

  it('keeps the meta definitions under their upstream names', () => {
    for (const n of ['ObjectMeta', 'ListMeta', 'Status', 'DeleteOptions', 'WatchEvent', 'Patch', 'Time', 'OwnerReference', 'ManagedFieldsEntry']) {
      assert.ok(doc.definitions[`io.k8s.apimachinery.pkg.apis.meta.v1.${n}`] !== undefined, n);
    }
  });

  it('rejects two resources defining one name differently', () => {
    const clash = { ...gadget, definitions: { ...gadget.definitions, [ADMIN_KUBECONFIG_DEF]: { type: 'string' as const } } };
    assert.throws(() => buildV2Document([widget, clash]), /two different schemas/);
  });
});
