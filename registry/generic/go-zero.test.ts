import assert from 'node:assert/strict';
import { TIME } from '../../openapi/meta.js';
import { QUANTITY_SCHEMAS, ref, type Definitions, type Schema } from '../../openapi/schema.js';
import { fillGoZeroValues } from './go-zero.js';

const quantity: Schema = { type: 'string', 'x-kubernetes-int-or-string': true };
QUANTITY_SCHEMAS.add(quantity);

/** A kind shaped like Gardener's: struct fields with and without omitempty (required ones have none). */
const definitions: Definitions = {
  Spec: {
    type: 'object',
    properties: {
      name: { type: 'string' },
      pools: { type: 'array', items: ref('Pool') },
      byName: { type: 'object', additionalProperties: ref('Pool') },
      window: ref('Window'),
    },
    required: ['name'],
  },
  Pool: {
    type: 'object',
    properties: {
      name: { type: 'string' },
      maximum: { type: 'integer', format: 'int32' },
      enabled: { type: 'boolean' },
      size: quantity,
      since: ref(TIME),
      zones: { type: 'array', items: { type: 'string' } },
      limits: { type: 'object', additionalProperties: quantity },
      config: { 'x-kubernetes-preserve-unknown-fields': true },
      note: { type: 'string' },
    },
    required: ['name', 'maximum', 'enabled', 'size', 'since', 'zones', 'limits', 'config'],
  },
  Window: { type: 'object', properties: { begin: { type: 'string' }, end: { type: 'string' } }, required: ['begin', 'end'] },
  Status: { type: 'object', properties: { window: ref('Window'), ready: { type: 'boolean' }, phase: { type: 'string' } }, required: ['window', 'ready'] },
};
const kind: Schema = { type: 'object', properties: { metadata: { type: 'object' }, spec: ref('Spec'), status: ref('Status') } };

const ZERO_POOL = { name: '', maximum: 0, enabled: false, size: '0', since: null, zones: null, limits: null, config: null };

describe('registry/generic/go-zero: what Go encodes for unset fields', () => {
  it('gives spec and status their always-written fields, structs recursively', () => {
    const obj: Record<string, unknown> = { metadata: { name: 'x' } };
    fillGoZeroValues(obj, kind, definitions);
    assert.deepEqual(obj, { metadata: { name: 'x' }, spec: { name: '' }, status: { window: { begin: '', end: '' }, ready: false } });
  });

  it('fills list items and map values, keeps what is set, and reads null as unset', () => {
    const obj: Record<string, unknown> = {
      spec: { name: 'a', pools: [{ name: 'p', maximum: 3, note: 'kept' }, {}], byName: { q: { enabled: true, zones: ['z'] } }, window: { begin: null } },
      status: { ready: true, phase: 'Ready' },
    };
    fillGoZeroValues(obj, kind, definitions);
    assert.deepEqual(obj, {
      spec: {
        name: 'a',
        pools: [{ ...ZERO_POOL, name: 'p', maximum: 3, note: 'kept' }, ZERO_POOL],
        byName: { q: { ...ZERO_POOL, enabled: true, zones: ['z'] } },
        window: { begin: '', end: '' },
      },
      status: { ready: true, phase: 'Ready', window: { begin: '', end: '' } },
    });
  });

  it('leaves out empty or null lists and maps with omitempty, keeps those without', () => {
    const obj: Record<string, unknown> = { spec: { name: 'a', pools: [], byName: {} }, status: { ready: true } };
    fillGoZeroValues(obj, kind, definitions);
    assert.deepEqual(obj.spec, { name: 'a' });
    const pool: Record<string, unknown> = { spec: { name: 'a', pools: [{ name: 'p', zones: [], limits: {} }], byName: null } };
    fillGoZeroValues(pool, kind, definitions);
    assert.deepEqual(pool.spec, { name: 'a', pools: [{ ...ZERO_POOL, name: 'p', zones: [], limits: {} }] });
  });

  it('is idempotent', () => {
    const obj: Record<string, unknown> = { spec: { pools: [{}] } };
    fillGoZeroValues(obj, kind, definitions);
    const once = structuredClone(obj);
    fillGoZeroValues(obj, kind, definitions);
    assert.deepEqual(obj, once);
  });
});
