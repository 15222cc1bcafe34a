import assert from 'node:assert/strict';
import { refName } from '../../openapi/schema.js';
import { apiVersionOf } from '../types.js';
import { internalSecretResource as d } from './descriptor.js';
import { internalSecretStrategy } from './strategy.js';

describe('registry/internalsecret descriptor', () => {
  it('registers internalsecrets.core.gardener.cloud/v1beta1', () => {
    assert.equal(apiVersionOf(d), 'core.gardener.cloud/v1beta1');
    assert.deepEqual(
      [d.kind, d.listKind, d.resource, d.singular, d.namespaced],
      ['InternalSecret', 'InternalSecretList', 'internalsecrets', 'internalsecret', true],
    );
    assert.deepEqual(d.shortNames, ['ins']);
    assert.deepEqual(d.categories, []);
    assert.deepEqual([...d.verbs].sort(), ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);
    assert.deepEqual(d.subresources, []);
    assert.equal(d.garbageCollection, true);
    assert.equal(d.strategy, internalSecretStrategy);
  });

  it('offers type, metadata.name and metadata.namespace to field selectors', () => {
    assert.deepEqual(d.selectableFields({ metadata: {} }), { 'metadata.name': '', 'metadata.namespace': '', type: '' });
    assert.deepEqual(d.selectableFields({ metadata: { name: 'a', namespace: 'b' }, type: 'Opaque' }), {
      'metadata.name': 'a',
      'metadata.namespace': 'b',
      type: 'Opaque',
    });
  });

  it('describes the schema with a reference to the shared ObjectMeta', () => {
    assert.equal(d.definitionName, 'com.github.gardener.gardener.pkg.apis.core.v1beta1.InternalSecret');
    assert.deepEqual(d.definitions, {});
    const props = d.schema.properties ?? {};
    assert.deepEqual(Object.keys(props).sort(), ['apiVersion', 'data', 'immutable', 'kind', 'metadata', 'stringData', 'type']);
    assert.equal(refName(props.metadata ?? {}), 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
    assert.deepEqual(props.data?.additionalProperties, { type: 'string', format: 'byte' });
    assert.deepEqual(props.stringData?.additionalProperties, { type: 'string' });
    assert.equal(props.immutable?.type, 'boolean');
    assert.equal(props.type?.type, 'string');
    assert.equal(props.type?.default, undefined);
    for (const [name, p] of Object.entries(props)) assert.ok((p.description ?? '').length > 0, name);
    assert.deepEqual(d.schema['x-kubernetes-group-version-kind'], [{ group: 'core.gardener.cloud', version: 'v1beta1', kind: 'InternalSecret' }]);
  });
});
