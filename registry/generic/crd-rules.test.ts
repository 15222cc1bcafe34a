import assert from 'node:assert/strict';
import { errorString } from '../../apimachinery/field.js';
import { QUANTITY_SCHEMAS, type Schema } from '../../openapi/schema.js';
import { compileCrdRules, decodeCustomResource, validateCrdRules } from './crd-rules.js';

const quantity: Schema = { 'x-kubernetes-int-or-string': true };
QUANTITY_SCHEMAS.add(quantity);

/** A small CRD-like kind using every constraint the engine knows. */
const kind: Schema = {
  type: 'object',
  properties: {
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      required: ['name'],
      properties: {
        name: { type: 'string', minLength: 1, 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'Name is immutable' }] },
        level: { type: 'string', enum: ['info', 'debug'], default: 'info' },
        window: { type: 'string', pattern: '^[0-9]{4}$' },
        ratio: { type: 'number', minimum: 0, maximum: 0.5 },
        zones: { type: 'array', minItems: 1, items: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } },
        limits: { type: 'object', additionalProperties: quantity },
        raw: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        nested: { type: 'object', properties: { enabled: { type: 'boolean', default: true } } },
      },
    },
  },
};
const tree = compileCrdRules(kind, {});
const messages = (obj: Record<string, unknown>, old?: Record<string, unknown>): string[] => validateCrdRules(obj, tree, old).map(errorString);

describe('registry/generic/crd-rules', () => {
  it('reports each constraint as kube-apiserver reports a custom resource schema error', () => {
    const obj = { spec: { name: '', level: 'trace', window: '12', ratio: 0.7, zones: [{}], limits: { cpu: '1x' } } };
    assert.deepEqual(messages(obj), [
      "spec.level: Unsupported value: \"trace\": supported values: \"info\", \"debug\"",
      "spec.limits.cpu: Invalid value: \"1x\": spec.limits.cpu in body should match '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$'",
      'spec.name: Invalid value: "": spec.name in body should be at least 1 chars long',
      'spec.ratio: Invalid value: 0.7: spec.ratio in body should be less than or equal to 0.5',
      "spec.window: Invalid value: \"12\": spec.window in body should match '^[0-9]{4}$'",
      'spec.zones[0].id: Required value',
    ]);
    assert.deepEqual(messages({ spec: { zones: [] } }), ['spec.zones: Invalid value: 0: spec.zones in body should have at least 1 items', 'spec.name: Required value']);
  });

  it('refuses changes of an immutable field on update, and ratchets unchanged values', () => {
    const old = { spec: { name: 'a', window: '12' } };
    assert.deepEqual(messages({ spec: { name: 'b', window: '12' } }, old), ['spec.name: Invalid value: "string": Name is immutable']);
    assert.deepEqual(messages({ spec: { name: 'a', window: '12', level: 'info' } }, old), [], 'the invalid window was stored before and is unchanged');
    assert.deepEqual(messages({ spec: { name: 'a', window: '13' } }, old).length, 1, 'a changed value is validated');
    assert.deepEqual(messages({ spec: { window: '12' } }, old), ['spec.name: Required value'], 'removing the field is no change of it, but required');
  });

  it('decodes like kube-apiserver: non-nullable nulls dropped, defaults filled where the parent exists', () => {
    const obj: Record<string, unknown> = { spec: { name: 'a', level: null, window: null, nested: {}, raw: { keep: null } } };
    decodeCustomResource(obj, kind, {}, tree);
    assert.deepEqual(obj, { spec: { name: 'a', level: 'info', nested: { enabled: true }, raw: { keep: null } } });
    const bare: Record<string, unknown> = { spec: null };
    decodeCustomResource(bare, kind, {}, tree);
    assert.deepEqual(bare, {});
  });
});
