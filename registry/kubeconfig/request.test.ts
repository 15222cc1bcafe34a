import assert from 'node:assert/strict';
import { durationSeconds as parseGoDuration } from '../../apimachinery/duration.js';
import {
  decodeKubeconfigRequest,
  effectiveExpirationSeconds,
  validateKubeconfigRequest,
} from './request.js';
import { maxExpirationFromFlag } from './expiration.js';
import type { KubeconfigKind } from './types.js';
import { statusOf } from '../../test/support/status.js';

describe('registry/kubeconfig request', () => {
  describe('decode and default', () => {
    const cases: [string, unknown, number][] = [
      ['nil spec defaults to 3600', {}, 3600],
      ['null spec defaults to 3600', { spec: null }, 3600],
      ['nil expirationSeconds defaults to 3600', { spec: {} }, 3600],
      ['null expirationSeconds defaults to 3600', { spec: { expirationSeconds: null } }, 3600],
      ['explicit 0 is kept', { spec: { expirationSeconds: 0 } }, 0],
      ['explicit value is kept', { spec: { expirationSeconds: 600 } }, 600],
      ['typed body', { apiVersion: 'authentication.gardener.cloud/v1alpha1', kind: 'AdminKubeconfigRequest', spec: { expirationSeconds: 7200 } }, 7200],
    ];
    for (const [name, body, want] of cases) {
      it(name, () => {
        const req = decodeKubeconfigRequest('admin', structuredClone(body), 'garden-dev');
        assert.equal(req.spec.expirationSeconds, want);
        assert.equal(req.apiVersion, 'authentication.gardener.cloud/v1alpha1');
        assert.equal(req.kind, 'AdminKubeconfigRequest');
        assert.equal(req.metadata.namespace, 'garden-dev');
        assert.equal('creationTimestamp' in req.metadata, false, 'a zero time is left out (omitzero)');
      });
    }

    it('wipes system metadata fields and keeps the rest', () => {
      const body = { metadata: { name: 'x', uid: 'u', selfLink: '/x', creationTimestamp: '2020-01-01T00:00:00Z', labels: { a: 'b' } }, spec: {} };
      const req = decodeKubeconfigRequest('viewer', body, 'ns');
      assert.deepEqual(req.metadata, { name: 'x', labels: { a: 'b' }, namespace: 'ns' });
      assert.deepEqual(Object.keys(req.metadata), ['name', 'namespace', 'labels'], 'Go field order');
      assert.equal(req.kind, 'ViewerKubeconfigRequest');
    });

    const UNRECOGNIZED = 'the object provided is unrecognized (must be of type AdminKubeconfigRequest): ';
    const rejects: [string, unknown, string][] = [
      ['a different namespace', { metadata: { namespace: 'other' } }, 'the namespace of the provided object does not match the namespace sent on the request'],
      ['a string lifetime', { spec: { expirationSeconds: '600' } }, 'AdminKubeconfigRequest in version "v1alpha1" cannot be handled as a AdminKubeconfigRequest: json: cannot unmarshal string into Go struct field AdminKubeconfigRequestSpec.spec.expirationSeconds of type int64'],
      ['a fractional lifetime', { spec: { expirationSeconds: 600.5 } }, 'AdminKubeconfigRequest in version "v1alpha1" cannot be handled as a AdminKubeconfigRequest: json: cannot unmarshal number 600.5 into Go struct field AdminKubeconfigRequestSpec.spec.expirationSeconds of type int64'],
      ['a lifetime beyond int64', { spec: { expirationSeconds: 1e20 } }, 'AdminKubeconfigRequest in version "v1alpha1" cannot be handled as a AdminKubeconfigRequest: json: cannot unmarshal number 100000000000000000000 into Go struct field AdminKubeconfigRequestSpec.spec.expirationSeconds of type int64'],
      // The scheme knows the other request kind and has no conversion to this one; it knows no AdminKubeconfigRequest in v1.
      ['a wrong kind', { kind: 'ViewerKubeconfigRequest' }, 'ViewerKubeconfigRequest in version "v1alpha1" cannot be handled as a AdminKubeconfigRequest: converting (v1alpha1.ViewerKubeconfigRequest) to (authentication.AdminKubeconfigRequest): unknown conversion'],
      ['a wrong apiVersion', { apiVersion: 'v1' }, 'AdminKubeconfigRequest in version "v1" cannot be handled as a AdminKubeconfigRequest: no kind "AdminKubeconfigRequest" is registered for version "v1" in scheme "pkg/runtime/scheme.go:100"'],
      ['an array', [], `the object provided is unrecognized (must be of type AdminKubeconfigRequest): couldn't get version/kind; json parse error: json: cannot unmarshal array into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" } (5b5d)`],
      // The Go decoder reads apiVersion and kind into strings first; String() of such a value could throw.
      ['an array apiVersion with a non-callable toString', { apiVersion: [2147483648, { toString: 'x', valueOf: 1 }] }, `${UNRECOGNIZED}couldn't get version/kind; json parse error: json: cannot unmarshal array into Go struct field .apiVersion of type string ({"apiVersion":[2147483648,{"to ...)`],
      ['a numeric kind', { kind: 7 }, `${UNRECOGNIZED}couldn't get version/kind; json parse error: json: cannot unmarshal number into Go struct field .kind of type string ({"kind":7})`],
      ['an object kind before a bool apiVersion', { kind: {}, apiVersion: true }, `${UNRECOGNIZED}couldn't get version/kind; json parse error: json: cannot unmarshal object into Go struct field .kind of type string ({"kind":{},"apiVersion":true})`],
    ];
    for (const [name, body, message] of rejects) {
      it(`rejects ${name} with 400`, () => {
        const err = statusOf(() => decodeKubeconfigRequest('admin', body, 'ns'));
        assert.equal(err.code, 400);
        assert.equal(err.reason, 'BadRequest');
        assert.equal(err.status.message, message);
      });
    }

    it('handles unknown fields per fieldValidation', () => {
      const warnings: string[] = [];
      const req = decodeKubeconfigRequest('admin', { spec: { foo: 1 } }, 'ns', { warnings });
      assert.deepEqual(warnings, ['unknown field "spec.foo"']);
      assert.deepEqual(req.spec, { expirationSeconds: 3600 });
      const err = statusOf(() => decodeKubeconfigRequest('admin', { spec: { foo: 1 } }, 'ns', { fieldValidation: 'Strict' }));
      assert.equal(err.status.message, 'AdminKubeconfigRequest in version "v1alpha1" cannot be handled as a AdminKubeconfigRequest: strict decoding error: unknown field "spec.foo"');
    });
  });

  describe('validate', () => {
    const ok = [600, 3600, 86400, 4294967295];
    for (const seconds of ok) {
      it(`accepts ${seconds}`, () => validateKubeconfigRequest('admin', { spec: { expirationSeconds: seconds } }));
    }
    const bad: [KubeconfigKind, number, string, string][] = [
      ['admin', 599, 'FieldValueInvalid', 'spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes'],
      ['admin', 0, 'FieldValueInvalid', 'spec.expirationSeconds: Invalid value: 0: may not specify a duration less than 10 minutes'],
      ['viewer', -5, 'FieldValueInvalid', 'spec.expirationSeconds: Invalid value: -5: may not specify a duration less than 10 minutes'],
      ['viewer', 4294967296, 'FieldValueTooLong', 'spec.expirationSeconds: Too long: may not be more than 4294967295 bytes'],
    ];
    for (const [kind, seconds, reason, detail] of bad) {
      it(`rejects ${seconds} (${kind}) with 422`, () => {
        const err = statusOf(() => validateKubeconfigRequest(kind, { spec: { expirationSeconds: seconds } }));
        const kindName = kind === 'admin' ? 'AdminKubeconfigRequest' : 'ViewerKubeconfigRequest';
        assert.equal(err.code, 422);
        assert.equal(err.reason, 'Invalid');
        assert.equal(err.status.message, `${kindName}.authentication.gardener.cloud "" is invalid: ${detail}`);
        // An empty name is left out, as Go's omitempty does.
        assert.deepEqual(err.status.details, {
          group: 'authentication.gardener.cloud',
          kind: kindName,
          causes: [{ reason, message: detail.replace('spec.expirationSeconds: ', ''), field: 'spec.expirationSeconds' }],
        });
      });
    }
  });

  describe('cap', () => {
    const cases: [number, number, number][] = [
      [3600, 86400, 3600],
      [86400, 86400, 86400],
      [86401, 86400, 86400],
      [4294967295, 3600, 3600],
      [7200, 0, 7200],
    ];
    for (const [requested, max, want] of cases) {
      it(`${requested} with max ${max} -> ${want}`, () => assert.equal(effectiveExpirationSeconds(requested, max), want));
    }
  });

  describe('max-expiration flags', () => {
    const ok: [string | number, number][] = [
      ['24h', 86400],
      ['1h', 3600],
      ['60m', 3600],
      ['1h0m0.5s', 3600],
      ['4294967295s', 4294967295],
      [3600, 3600],
      [4294967295, 4294967295],
      // Up to 2^32 seconds included, as gardener-apiserver compares the durations.
      ['4294967295.5s', 4294967295],
      ['1193046h28m16s', 4294967296],
      [4294967296, 4294967296],
    ];
    for (const [value, want] of ok) {
      it(`accepts ${String(value)}`, () => assert.equal(maxExpirationFromFlag('admin', value), want));
    }
    const bad: [KubeconfigKind, string | number, string][] = [
      ['admin', '59m59s', '--shoot-admin-kubeconfig-max-expiration must be between 1 hour and 2^32 seconds'],
      ['viewer', '0s', '--shoot-viewer-kubeconfig-max-expiration must be between 1 hour and 2^32 seconds'],
      ['viewer', '-24h', '--shoot-viewer-kubeconfig-max-expiration must be between 1 hour and 2^32 seconds'],
      ['admin', '4294967296.5s', '--shoot-admin-kubeconfig-max-expiration must be between 1 hour and 2^32 seconds'],
      ['admin', 4294967297, '--shoot-admin-kubeconfig-max-expiration must be between 1 hour and 2^32 seconds'],
      ['admin', '1d', 'time: unknown unit "d" in duration "1d"'],
      ['admin', '10', 'time: missing unit in duration "10"'],
      ['admin', 'h', 'time: invalid duration "h"'],
      ['admin', '', 'time: invalid duration ""'],
    ];
    for (const [kind, value, message] of bad) {
      it(`refuses ${JSON.stringify(value)} for ${kind}`, () => assert.throws(() => maxExpirationFromFlag(kind, value), { message }));
    }
    it('parses Go durations', () => {
      assert.equal(parseGoDuration('1h30m'), 5400);
      assert.equal(parseGoDuration('1.5h'), 5400);
      assert.equal(parseGoDuration('.5s'), 0.5);
      assert.equal(parseGoDuration('1500ms'), 1.5);
      assert.equal(parseGoDuration('0'), 0);
      assert.equal(parseGoDuration('-1m'), -60);
    });
  });
});
