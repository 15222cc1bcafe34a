import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { isStatusError } from '../../apimachinery/errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import type { RequestContext } from '../types.js';
import { internalSecretStrategy, normalizeInternalSecret } from './strategy.js';
import { sharedPath } from '../../test/support/shared.js';

const ctx: RequestContext = { user: { name: 'u', groups: [] }, namespace: 'ns', dryRun: false, warnings: [] };
const PREFIX = 'InternalSecret in version "v1beta1" cannot be handled as a InternalSecret: ';

function obj(fields: Record<string, unknown>): KubeObject {
  return { apiVersion: 'core.gardener.cloud/v1beta1', kind: 'InternalSecret', metadata: { name: 's', namespace: 'ns' }, ...fields };
}

function normalized(fields: Record<string, unknown>): KubeObject {
  const o = obj(fields);
  normalizeInternalSecret(o);
  return o;
}

describe('registry/internalsecret strategy', () => {
  it('has the Gardener flags', () => {
    assert.equal(internalSecretStrategy.allowCreateOnUpdate, false);
    assert.equal(internalSecretStrategy.allowUnconditionalUpdate, true);
    assert.equal(internalSecretStrategy.tracksGeneration, false);
    assert.equal(internalSecretStrategy.decode, normalizeInternalSecret);
    assert.equal(internalSecretStrategy.applyDefaults, undefined);
  });

  describe('decode (normalizeInternalSecret)', () => {
    const cases: [string, Record<string, unknown>, Record<string, unknown>][] = [
      ['stringData folds into data and is removed', { stringData: { b: 'x', c: 'ü' } }, { data: { b: 'eA==', c: 'w7w=' } }],
      ['stringData overwrites data keys', { data: { a: 'YQ==', b: 'Yg==' }, stringData: { b: 'x' } }, { data: { a: 'YQ==', b: 'eA==' } }],
      ['data keys are sorted', { data: { z: '', a: '' }, stringData: { m: '' } }, { data: { a: '', m: '', z: '' } }],
      ['base64 is re-encoded canonically', { data: { a: 'YQ\n==', b: 'YR==', c: 'Zm9v\r\n' } }, { data: { a: 'YQ==', b: 'YQ==', c: 'Zm9v' } }],
      ['null values become empty', { data: { a: null }, stringData: { b: null } }, { data: { a: '', b: '' } }],
      ['empty and null maps are dropped', { data: {}, stringData: null }, {}],
      ['null data is dropped', { data: null }, {}],
      ['type is never defaulted', { type: '' }, {}],
      ['null type is dropped', { type: null }, {}],
      ['type is kept', { type: 'Opaque' }, { type: 'Opaque' }],
      ['null immutable is dropped', { immutable: null }, {}],
      ['false immutable is kept', { immutable: false }, { immutable: false }],
    ];
    for (const [name, input, want] of cases) it(name, () => assert.deepEqual(normalized(input), obj(want)));

    const errors: [string, Record<string, unknown>, string][] = [
      ['bad padding', { data: { a: 'YQ=' } }, 'illegal base64 data at input byte 3'],
      ['single character', { data: { a: 'a' } }, 'illegal base64 data at input byte 0'],
      ['bad character', { data: { a: 'Y Q==' } }, 'illegal base64 data at input byte 1'],
      ['trailing data', { data: { a: 'YQ==YQ==' } }, 'illegal base64 data at input byte 4'],
      ['unpadded', { data: { a: 'YWJjZA' } }, 'illegal base64 data at input byte 4'],
      ['data not a map', { data: 'x' }, 'json: cannot unmarshal string into Go struct field InternalSecret.data of type map[string][]uint8'],
      ['data value not a string', { data: { a: 1 } }, 'json: cannot unmarshal number into Go struct field InternalSecret.data of type []uint8'],
      ['stringData not a map', { stringData: [] }, 'json: cannot unmarshal array into Go struct field InternalSecret.stringData of type map[string]string'],
      ['stringData value not a string', { stringData: { a: true } }, 'json: cannot unmarshal bool into Go struct field InternalSecret.stringData of type string'],
      ['type not a string', { type: 5 }, 'json: cannot unmarshal number into Go struct field InternalSecret.type of type v1.SecretType'],
      ['immutable not a bool', { immutable: 'yes' }, 'json: cannot unmarshal string into Go struct field InternalSecret.immutable of type bool'],
      ['first error in document order', { type: 5, immutable: 'x' }, 'json: cannot unmarshal number into Go struct field InternalSecret.type of type v1.SecretType'],
    ];
    for (const [name, input, message] of errors) {
      it(`400: ${name}`, () => {
        assert.throws(
          () => normalized(input),
          (e: unknown) => isStatusError(e) && e.code === 400 && e.reason === 'BadRequest' && e.status.message === PREFIX + message,
        );
      });
    }

    it('normalizes and validates the Gardener example', () => {
      const example = parse(readFileSync(sharedPath('examples', 'gardener', '11-internal-secret.yaml'), 'utf8')) as KubeObject;
      normalizeInternalSecret(example);
      assert.deepEqual(example, {
        apiVersion: 'core.gardener.cloud/v1beta1',
        kind: 'InternalSecret',
        metadata: { name: 'example', namespace: 'default' },
        type: 'Opaque',
        data: { example: 'c2VjcmV0', password: 'Zm9v' },
      });
      assert.deepEqual(internalSecretStrategy.validate(example, ctx), []);
    });
  });

  it('prepareForCreate changes nothing', () => {
    const o = obj({ type: '', data: { a: 'YQ==' }, status: { x: 1 } });
    const before = structuredClone(o);
    internalSecretStrategy.prepareForCreate(o, ctx);
    assert.deepEqual(o, before);
  });

  describe('prepareForUpdate', () => {
    const cases: [string, unknown, unknown, string | undefined][] = [
      ['empty type taken from the old object', '', 'Opaque', 'Opaque'],
      ['missing type taken from the old object', undefined, 'kubernetes.io/tls', 'kubernetes.io/tls'],
      ['given type kept (validation rejects the change)', 'x', 'Opaque', 'x'],
      ['both empty stays absent', '', undefined, undefined],
    ];
    for (const [name, next, prev, want] of cases) {
      it(name, () => {
        const o = obj(next === undefined ? {} : { type: next });
        internalSecretStrategy.prepareForUpdate(o, obj(prev === undefined ? {} : { type: prev }), ctx);
        assert.equal(o.type, want);
        assert.equal('type' in o, want !== undefined);
      });
    }
  });

  it('validate and validateUpdate delegate to the InternalSecret rules', () => {
    const bad = obj({ type: 'kubernetes.io/tls', metadata: { name: 's', namespace: 'ns' } });
    assert.deepEqual(
      internalSecretStrategy.validate(bad, ctx).map((e) => e.field),
      ['data[tls.crt]', 'data[tls.key]'],
    );
    const old = obj({ type: 'Opaque', immutable: true, data: { a: 'YQ==' } });
    const next = obj({ type: 'Opaque', immutable: true, data: { a: 'Yg==' } });
    assert.deepEqual(
      internalSecretStrategy.validateUpdate(next, old, ctx).map((e) => [e.type, e.field]),
      [['Forbidden', 'data']],
    );
  });

  it('an update with stringData on an immutable secret is a data change', () => {
    const old = normalized({ immutable: true, data: { a: 'YQ==' } });
    const next = normalized({ immutable: true, data: { a: 'YQ==' }, stringData: { a: 'b' } });
    assert.deepEqual(
      internalSecretStrategy.validateUpdate(next, old, ctx).map((e) => e.field),
      ['data'],
    );
    const same = normalized({ immutable: true, stringData: { a: 'a' } });
    assert.deepEqual(internalSecretStrategy.validateUpdate(same, old, ctx), []);
  });
});
