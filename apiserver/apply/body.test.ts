import assert from 'node:assert/strict';
import { decodeApplyBody } from './body.js';
import { statusOf } from '../../test/support/status.js';

const IS = { group: 'core.gardener.cloud', version: 'v1beta1', kind: 'InternalSecret' };

describe('apply: decodeApplyBody', () => {
  it('decodes YAML', () => {
    const body = 'apiVersion: core.gardener.cloud/v1beta1\nkind: InternalSecret\nmetadata:\n  name: x\ndata:\n  k: dg==\n';
    assert.deepEqual(decodeApplyBody(Buffer.from(body), IS), {
      value: { apiVersion: 'core.gardener.cloud/v1beta1', kind: 'InternalSecret', metadata: { name: 'x' }, data: { k: 'dg==' } },
      duplicateKeys: [],
    });
  });

  it('decodes JSON, as kubectl sends it', () => {
    const body = JSON.stringify({ apiVersion: 'core.gardener.cloud/v1beta1', kind: 'InternalSecret', metadata: { name: 'x' } });
    assert.equal(decodeApplyBody(body, IS).value.kind, 'InternalSecret');
  });

  it("reports repeated keys as go-yaml's strict decoder does and keeps the last value", () => {
    const r = decodeApplyBody('apiVersion: core.gardener.cloud/v1beta1\nkind: InternalSecret\ndata:\n  a: x\n  a: y\n', IS);
    assert.deepEqual(r.duplicateKeys, ['line 5: key "a" already set in map']);
    assert.deepEqual(r.value.data, { a: 'y' });
    // A value's own repeats come before its key's; the line is where the repeated key's value starts.
    const nested = decodeApplyBody('apiVersion: core.gardener.cloud/v1beta1\nkind: InternalSecret\ndata:\n  a: x\ndata:\n  b: y\n  b: z\n9: 1\n9: 2\n', IS);
    assert.deepEqual(nested.duplicateKeys, ['line 7: key "b" already set in map', 'line 6: key "data" already set in map', 'line 9: key 9 already set in map']);
    const json = decodeApplyBody('{"apiVersion":"core.gardener.cloud/v1beta1","kind":"InternalSecret","data":{},"data":{}}', IS);
    assert.deepEqual(json.duplicateKeys, ['line 1: key "data" already set in map']);
  });

  it('takes the first of several documents', () => {
    assert.equal(decodeApplyBody('apiVersion: core.gardener.cloud/v1beta1\nkind: InternalSecret\n---\nfoo: 1\n', IS).value.kind, 'InternalSecret');
  });

  const bad: [string, string, string][] = [
    ['broken YAML', 'a: [1', 'error decoding YAML: '],
    ['a list', '[1, 2]', 'error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}'],
    ['no apiVersion or kind', 'metadata: {name: x}', 'invalid object type: /, Kind='],
    ['the wrong version', 'apiVersion: core.gardener.cloud/v1\nkind: InternalSecret', 'invalid object type: core.gardener.cloud/v1, Kind=InternalSecret'],
    ['the wrong kind', 'apiVersion: core.gardener.cloud/v1beta1\nkind: Shoot', 'invalid object type: core.gardener.cloud/v1beta1, Kind=Shoot'],
    ['a core apiVersion', 'apiVersion: v1\nkind: Secret', 'invalid object type: /v1, Kind=Secret'],
    ['managedFields', 'apiVersion: core.gardener.cloud/v1beta1\nkind: InternalSecret\nmetadata:\n  managedFields: []', 'metadata.managedFields must be nil'],
  ];
  for (const [name, body, message] of bad) {
    it(`answers 400 for ${name}`, () => {
      const e = statusOf(() => decodeApplyBody(body, IS));
      assert.equal(e.code, 400);
      assert.equal(e.status.reason, 'BadRequest');
      assert.ok(e.status.message?.startsWith(message), e.status.message);
    });
  }
});
