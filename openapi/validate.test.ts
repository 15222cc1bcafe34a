import assert from 'node:assert/strict';
import type { ResourceDescriptor } from '../registry/types.js';
import type { OpenAPIResource } from './resource.js';
import { ref } from './schema.js';
import { gadget, widget } from './testdata.js';
import { compileKindValidator, decodeErrorMessage, formatStrictError, warningTexts } from './validate.js';

// Compile-time check: a registry descriptor can be passed wherever an OpenAPIResource is expected.
const descriptorFits: ResourceDescriptor extends OpenAPIResource ? true : false = true;

describe('openapi/validate', () => {
  const v = compileKindValidator(widget);

  it('accepts registry descriptors structurally', () => {
    assert.equal(descriptorFits, true);
  });

  describe('unknown fields', () => {
    const cases: { name: string; body: unknown; want: string[] }[] = [
      { name: 'known fields only', body: { apiVersion: 'core.gardener.cloud/v1beta1', kind: 'Widget', metadata: { name: 'a', labels: { x: 'y' } }, spec: { name: 'n' } }, want: [] },
      { name: 'top level', body: { foo: 1, metadata: {} }, want: ['foo'] },
      { name: 'metadata', body: { metadata: { labelz: { a: 'b' } } }, want: ['metadata.labelz'] },
      { name: 'nested spec', body: { spec: { foo: 1 } }, want: ['spec.foo'] },
      { name: 'deeply nested', body: { spec: { nested: { deep: { leaf: true, nope: 1 } } } }, want: ['spec.nested.deep.nope'] },
      { name: 'list items', body: { spec: { items: [{ name: 'a' }, { name: 'b', bogus: 1 }] } }, want: ['spec.items[1].bogus'] },
      { name: 'string map values are free keys', body: { spec: { selector: { anything: 'x' } }, data: { k: 'dg==' } }, want: [] },
      { name: 'map of objects', body: { spec: { byName: { k: { name: 'x', extra: 1 } } } }, want: ['spec.byName.k.extra'] },
      { name: 'preserve-unknown-fields subtree', body: { spec: { config: { any: { deep: [1, { x: 2 }] } } } }, want: [] },
      { name: 'free-form object', body: { spec: { raw: { a: { b: 1 } } } }, want: [] },
      {
        name: 'embedded resource',
        body: { spec: { template: { apiVersion: 'v1', kind: 'X', metadata: { name: 'a', bad: 1 }, spec: { x: 'a', y: 1 } } } },
        want: ['spec.template.metadata.bad', 'spec.template.spec.y'],
      },
      { name: 'managedFields fieldsV1 preserves', body: { metadata: { managedFields: [{ manager: 'm', fieldsV1: { 'f:spec': { 'f:x': {} } } }] } }, want: [] },
      { name: 'owner references', body: { metadata: { ownerReferences: [{ apiVersion: 'v1', kind: 'K', name: 'n', uid: 'u', bogus: true }] } }, want: ['metadata.ownerReferences[0].bogus'] },
      { name: 'wrong type is not descended into', body: { spec: 'not-an-object' }, want: [] },
      { name: 'several, in document order', body: { zz: 1, spec: { b: 1, a: 2 }, aa: 1 }, want: ['zz', 'spec.b', 'spec.a', 'aa'] },
    ];
    for (const c of cases) {
      it(c.name, () => assert.deepEqual(v.check(c.body).unknownFields, c.want));
    }
  });

  describe('duplicate fields', () => {
    const cases: { name: string; raw: string; want: string[] }[] = [
      { name: 'none', raw: '{"metadata":{"name":"a"},"spec":{"name":"x"}}', want: [] },
      { name: 'metadata.name', raw: '{"metadata":{"name":"a","name":"b"}}', want: ['metadata.name'] },
      { name: 'top level', raw: '{"kind":"Widget","kind":"Widget"}', want: ['kind'] },
      { name: 'in a list item', raw: '{"spec":{"items":[{"name":"a"},{"name":"a","name":"b"}]}}', want: ['spec.items[1].name'] },
      { name: 'map keys', raw: '{"metadata":{"labels":{"a":"1","a":"2"}}}', want: ['metadata.labels.a'] },
      { name: 'inside preserve-unknown-fields', raw: '{"spec":{"config":{"x":1,"x":2}}}', want: ['spec.config.x'] },
      { name: 'not inside unknown fields', raw: '{"spec":{"unknown":{"x":1,"x":2}}}', want: [] },
      { name: 'reported once per path', raw: '{"spec":{"name":"a","name":"b","name":"c"}}', want: ['spec.name'] },
    ];
    for (const c of cases) {
      it(c.name, () => assert.deepEqual(v.check(JSON.parse(c.raw), c.raw).duplicateFields, c.want));
    }

    it('needs the raw text', () => {
      assert.deepEqual(v.check({ metadata: { name: 'a' } }).duplicateFields, []);
    });
  });

  describe('type errors', () => {
    const cases: { name: string; body: unknown; want: string[] }[] = [
      { name: 'valid', body: { metadata: { name: 'a', generation: 2 }, spec: { replicas: 3, port: 80 } }, want: [] },
      { name: 'null is accepted anywhere', body: { metadata: { creationTimestamp: null, labels: null }, spec: { replicas: null, items: null } }, want: [] },
      { name: 'int-or-string takes a name', body: { spec: { port: 'http' } }, want: [] },
      { name: 'map value', body: { data: { foo: 1 } }, want: ['json: cannot unmarshal number into Go struct field Widget.data of type []uint8'] },
      { name: 'labels', body: { metadata: { labels: { a: 1 } } }, want: ['json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string'] },
      { name: 'integer field', body: { spec: { replicas: 'x' } }, want: ['json: cannot unmarshal string into Go struct field WidgetSpec.spec.replicas of type int32'] },
      { name: 'fractional integer', body: { spec: { replicas: 1.5 } }, want: ['json: cannot unmarshal number 1.5 into Go struct field WidgetSpec.spec.replicas of type int32'] },
      { name: 'int64', body: { metadata: { generation: true } }, want: ['json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.generation of type int64'] },
      { name: 'int32 out of range', body: { spec: { replicas: 99999999999 } }, want: ['json: cannot unmarshal number 99999999999 into Go struct field WidgetSpec.spec.replicas of type int32'] },
      { name: 'int32 bounds', body: { spec: { replicas: -2147483648 }, metadata: { generation: 2 ** 53 } }, want: [] },
      { name: 'below int32', body: { spec: { replicas: -2147483649 } }, want: ['json: cannot unmarshal number -2147483649 into Go struct field WidgetSpec.spec.replicas of type int32'] },
      { name: 'int64 out of range', body: { metadata: { generation: 1e19 } }, want: ['json: cannot unmarshal number 10000000000000000000 into Go struct field ObjectMeta.metadata.generation of type int64'] },
      { name: 'in a list item', body: { spec: { items: [{ name: 5 }] } }, want: ['json: cannot unmarshal number into Go struct field WidgetItem.spec.items.name of type string'] },
      { name: 'object for a named struct', body: { spec: 'x' }, want: ['json: cannot unmarshal string into Go struct field Widget.spec of type v1beta1.WidgetSpec'] },
      { name: 'list', body: { spec: { items: {} } }, want: ['json: cannot unmarshal object into Go struct field WidgetSpec.spec.items of type []v1beta1.WidgetItem'] },
      // IntOrString decodes numbers with the standard library: its errors name no field, and stop the decoder.
      { name: 'int-or-string', body: { spec: { port: true } }, want: ['json: cannot unmarshal bool into Go value of type int32'] },
      { name: 'fractional int-or-string', body: { spec: { port: 1.5 } }, want: ['json: cannot unmarshal number 1.5 into Go value of type int32'] },
      { name: 'int-or-string beyond int32', body: { spec: { port: 99999999999 } }, want: ['json: cannot unmarshal number 99999999999 into Go value of type int32'] },
      {
        name: 'int-or-string first',
        body: { metadata: { generation: true }, spec: { port: {} } },
        want: ['json: cannot unmarshal object into Go value of type int32', 'json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.generation of type int64'],
      },
      { name: 'kind', body: { kind: 5 }, want: ['json: cannot unmarshal number into Go struct field Widget.kind of type string'] },
      { name: 'root', body: [], want: ['json: cannot unmarshal array into Go value of type v1beta1.Widget'] },
      { name: 'unknown fields are not type checked', body: { spec: { foo: 1, config: { a: 1 } } }, want: [] },
    ];
    for (const c of cases) {
      it(c.name, () => assert.deepEqual(v.check(c.body).typeErrors, c.want));
    }

    it('refuses whole numbers written as decimals in integer fields, IntOrString ones before any other error', () => {
      const raw = '{"metadata":{"generation":"x"},"spec":{"replicas":2.0,"port":8e1}}';
      assert.deepEqual(v.check(JSON.parse(raw), raw).typeErrors, [
        'json: cannot unmarshal number 8e1 into Go value of type int32',
        'json: cannot unmarshal string into Go struct field ObjectMeta.metadata.generation of type int64',
      ]);
      const decimals = '{"spec":{"replicas":2.0}}';
      assert.deepEqual(v.check(JSON.parse(decimals), decimals).typeErrors, ['json: cannot unmarshal number 2.0 into Go struct field WidgetSpec.spec.replicas of type int32']);
      const placed = [{ segments: ['spec', 'replicas'], text: '3.0' }, { segments: ['spec', 'foo'], text: '1.0' }];
      assert.deepEqual(v.check({ spec: { replicas: 3 } }, undefined, placed).typeErrors, ['json: cannot unmarshal number 3.0 into Go struct field WidgetSpec.spec.replicas of type int32']);
    });

    it('names a kind given by $ref', () => {
      assert.deepEqual(compileKindValidator(gadget).check({ spec: { size: 'big' } }).typeErrors, [
        'json: cannot unmarshal string into Go struct field Gadget.spec.size of type int64',
      ]);
    });

    it('formats the 400 message like Kubernetes', () => {
      assert.equal(
        decodeErrorMessage('Widget', 'v1beta1', ['json: cannot unmarshal number into Go struct field Widget.data of type []uint8']),
        'Widget in version "v1beta1" cannot be handled as a Widget: json: cannot unmarshal number into Go struct field Widget.data of type []uint8',
      );
    });
  });

  describe('prune', () => {
    it('removes unknown fields in place and keeps everything else', () => {
      const body = {
        apiVersion: 'core.gardener.cloud/v1beta1',
        kind: 'Widget',
        extra: true,
        metadata: { name: 'a', labelz: {}, labels: { a: 'b' }, managedFields: [{ manager: 'm', fieldsV1: { 'f:x': {} } }] },
        spec: {
          foo: 1,
          items: [{ name: 'a', bogus: 1 }],
          selector: { k: 'v' },
          byName: { k: { name: 'x', extra: 1 } },
          config: { free: { form: 1 } },
          raw: { opaque: true },
          template: { apiVersion: 'v1', kind: 'X', metadata: { name: 'n', bad: 1 }, spec: { x: 'a', y: 1 } },
        },
      };
      v.prune(body);
      assert.deepEqual(body, {
        apiVersion: 'core.gardener.cloud/v1beta1',
        kind: 'Widget',
        metadata: { name: 'a', labels: { a: 'b' }, managedFields: [{ manager: 'm', fieldsV1: { 'f:x': {} } }] },
        spec: {
          items: [{ name: 'a' }],
          selector: { k: 'v' },
          byName: { k: { name: 'x' } },
          config: { free: { form: 1 } },
          raw: { opaque: true },
          template: { apiVersion: 'v1', kind: 'X', metadata: { name: 'n' }, spec: { x: 'a' } },
        },
      });
      assert.deepEqual(v.check(body).unknownFields, []);
    });

    it('decodes nulls of struct fields as Go does: optional ones left out, required ones their zero value', () => {
      const body = {
        metadata: { name: 'a', labels: null, ownerReferences: [{ apiVersion: 'v1', kind: 'K', name: null, uid: 'u', controller: null }] },
        spec: { replicas: null, name: null, nested: null, raw: null, port: null, items: [{ name: null, value: null }], config: { kept: null } },
        data: { k: null },
      };
      v.prune(body);
      assert.deepEqual(body, {
        metadata: { name: 'a', ownerReferences: [{ apiVersion: 'v1', kind: 'K', name: '', uid: 'u' }] },
        spec: { items: [{ name: '' }], config: { kept: null } },
        data: { k: null },
      });
      const custom = compileKindValidator({ ...widget, goTyped: false });
      const kept = { spec: { replicas: null, items: [{ name: null }] } };
      custom.prune(kept);
      assert.deepEqual(kept, { spec: { replicas: null, items: [{ name: null }] } }, 'custom resources keep them (their schema rules decide)');
    });

    it('leaves non-objects alone', () => {
      for (const body of [null, 'x', 1, []]) assert.doesNotThrow(() => v.prune(body));
    });
  });

  describe('messages', () => {
    it('formats the strict decoding error like Kubernetes', () => {
      assert.equal(formatStrictError(['spec.foo'], ['x']), 'strict decoding error: unknown field "spec.foo", duplicate field "x"');
      assert.equal(formatStrictError(['a', 'b.c[0].d'], []), 'strict decoding error: unknown field "a", unknown field "b.c[0].d"');
    });

    it('gives one warning per problem', () => {
      assert.deepEqual(warningTexts(['spec.foo', 'metadata.labelz'], ['metadata.name']), [
        'unknown field "spec.foo"',
        'unknown field "metadata.labelz"',
        'duplicate field "metadata.name"',
      ]);
    });
  });

  it('rejects a schema that references a missing definition', () => {
    assert.throws(() => compileKindValidator({ kind: 'X', schema: { type: 'object', properties: { a: ref('nope.Missing') } }, definitions: {} }), /nope\.Missing/);
  });

  it('handles recursive definitions', () => {
    const node = 'test.v1.Node';
    const tree = compileKindValidator({
      kind: 'Tree',
      schema: { type: 'object', properties: { root: ref(node) } },
      definitions: { [node]: { type: 'object', properties: { value: { type: 'string' }, children: { type: 'array', items: ref(node) } } } },
    });
    const body = { root: { value: 'a', children: [{ value: 'b', children: [{ value: 'c', x: 1 }] }] } };
    assert.deepEqual(tree.check(body).unknownFields, ['root.children[0].children[0].x']);
    assert.deepEqual(tree.check({ root: { children: [{ value: 1 }] } }).typeErrors, [
      'json: cannot unmarshal number into Go struct field Node.root.children.value of type string',
    ]);
  });
});
