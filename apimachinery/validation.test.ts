import assert from 'node:assert/strict';
import { errorString, type FieldError } from './field.js';
import type { ObjectMeta } from './types.js';
import {
  isConfigMapKey,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  regexError,
  validateImmutableField,
  validateObjectMeta,
  validateObjectMetaUpdate,
  validatePathSegmentName,
} from './validation.js';

const SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end " +
  "with an alphanumeric character (e.g. 'example.com', regex used for validation is " +
  "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an " +
  "alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const QN =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character " +
  "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end " +
  "with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is " +
  "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const CONFIG_KEY =
  "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or " +
  "'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

function table(name: string, fn: (v: string) => string[], cases: [string, string[]][]): void {
  describe(name, () => {
    for (const [input, want] of cases) {
      it(JSON.stringify(input.length > 40 ? `${input.slice(0, 20)}…(${input.length})` : input), () => assert.deepEqual(fn(input), want));
    }
  });
}

const strings = (errs: FieldError[]): string[] => errs.map(errorString);

describe('apimachinery/validation', () => {
  it('regexError formats examples like Go', () => {
    assert.equal(regexError('m', 'f'), "m (regex used for validation is 'f')");
    assert.equal(regexError('m', 'f', 'a', 'b'), "m (e.g. 'a',  or 'b', regex used for validation is 'f')");
  });

  table('isDNS1123Subdomain', isDNS1123Subdomain, [
    ['example.com', []],
    ['a', []],
    ['a-b.c-d', []],
    ['', [SUBDOMAIN]],
    ['Example', [SUBDOMAIN]],
    ['-a', [SUBDOMAIN]],
    ['a.', [SUBDOMAIN]],
    ['a_b', [SUBDOMAIN]],
    ['a'.repeat(253), []],
    ['a'.repeat(254), ['must be no more than 253 characters']],
    [`${'A'.repeat(254)}`, ['must be no more than 253 characters', SUBDOMAIN]],
  ]);

  table('isDNS1123Label', isDNS1123Label, [
    ['a-b', []],
    ['a.b', ['must not contain dots']],
    ['A', [LABEL]],
    ['a'.repeat(63), []],
    ['a'.repeat(64), ['must be no more than 63 characters']],
  ]);

  table('isQualifiedName', isQualifiedName, [
    ['a', []],
    ['a_b.C-d', []],
    ['example.com/MyName', []],
    ['/a', ['prefix part must be non-empty']],
    ['a/', ['name part must be non-empty', `name part ${QN}`]],
    ['Example.com/a', [`prefix part ${SUBDOMAIN}`]],
    ['a/b/c', [`a qualified name ${QN} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`]],
    ['-a', [`name part ${QN}`]],
    ['a'.repeat(64), ['name part must be no more than 63 characters']],
  ]);

  table('isValidLabelValue', isValidLabelValue, [
    ['', []],
    ['a-b_c.D', []],
    ['-a', [VALUE]],
    ['a b', [VALUE]],
    ['a'.repeat(64), ['must be no more than 63 characters']],
  ]);

  table('isConfigMapKey', isConfigMapKey, [
    ['a.b', []],
    ['.dockercfg', []],
    ['KEY_name-1', []],
    ['.', ["must not be '.'"]],
    ['..', ["must not be '..'"]],
    ['..a', ["must not start with '..'"]],
    ['a b', [CONFIG_KEY]],
    ['a/b', [CONFIG_KEY]],
    ['', [CONFIG_KEY]],
    ['a'.repeat(254), ['must be no more than 253 characters']],
  ]);

  it('name functions allow a trailing dash in generateName only', () => {
    assert.deepEqual(nameIsDNSSubdomain('abc-', true), []);
    assert.deepEqual(nameIsDNSSubdomain('abc-', false), [SUBDOMAIN]);
    assert.deepEqual(nameIsDNSLabel('a-', true), []);
    assert.deepEqual(nameIsDNSLabel('a.b-', true), ['must not contain dots']);
  });

  it('validatePathSegmentName', () => {
    assert.deepEqual(validatePathSegmentName('.', false), ["may not be '.'"]);
    assert.deepEqual(validatePathSegmentName('..', false), ["may not be '..'"]);
    assert.deepEqual(validatePathSegmentName('.', true), []);
    assert.deepEqual(validatePathSegmentName('a/b%', false), ["may not contain '/'", "may not contain '%'"]);
    assert.deepEqual(validatePathSegmentName('ok', false), []);
  });

  describe('validateObjectMeta', () => {
    const ns = { namespaced: true, nameFn: nameIsDNSSubdomain };
    const cluster = { namespaced: false, nameFn: nameIsDNSSubdomain };
    const cases: [string, ObjectMeta, typeof ns, string[]][] = [
      ['valid', { name: 'a', namespace: 'ns' }, ns, []],
      ['valid cluster-scoped', { name: 'a' }, cluster, []],
      ['missing name and namespace', {}, ns, ['metadata.name: Required value: name or generateName is required', 'metadata.namespace: Required value']],
      ['bad name', { name: 'Bad', namespace: 'ns' }, ns, [`metadata.name: Invalid value: "Bad": ${SUBDOMAIN}`]],
      ['bad generateName', { generateName: 'Bad-', name: 'bad-x1', namespace: 'ns' }, ns, [`metadata.generateName: Invalid value: "Bad-": ${SUBDOMAIN}`]],
      ['good generateName', { generateName: 'good-', name: 'good-x1', namespace: 'ns' }, ns, []],
      ['bad namespace', { name: 'a', namespace: 'a.b' }, ns, ['metadata.namespace: Invalid value: "a.b": must not contain dots']],
      ['namespace on cluster-scoped', { name: 'a', namespace: 'ns' }, cluster, ['metadata.namespace: Forbidden: not allowed on this type']],
      ['negative generation', { name: 'a', namespace: 'ns', generation: -1 }, ns, ['metadata.generation: Invalid value: -1: must be greater than or equal to 0']],
      [
        'bad labels',
        { name: 'a', namespace: 'ns', labels: { '-a': 'b c', ok: 'fine' } },
        ns,
        [`metadata.labels: Invalid value: "-a": name part ${QN}`, `metadata.labels: Invalid value: "b c": ${VALUE}`],
      ],
      ['annotation keys are case-insensitive', { name: 'a', namespace: 'ns', annotations: { 'Example.com/Key': 'v' } }, ns, []],
      [
        'bad annotation key',
        { name: 'a', namespace: 'ns', annotations: { 'a/b/c': 'v' } },
        ns,
        [`metadata.annotations: Invalid value: "a/b/c": a qualified name ${QN} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`],
      ],
      ['annotations at the limit', { name: 'a', namespace: 'ns', annotations: { a: 'x'.repeat(262143) } }, ns, []],
      ['annotations too large', { name: 'a', namespace: 'ns', annotations: { a: 'x'.repeat(262144) } }, ns, ['metadata.annotations: Too long: may not be more than 262144 bytes']],
      [
        'empty owner reference',
        { name: 'a', namespace: 'ns', ownerReferences: [{ apiVersion: '', kind: '', name: '', uid: '' }] },
        ns,
        [
          'metadata.ownerReferences.apiVersion: Invalid value: "": version must not be empty',
          'metadata.ownerReferences.kind: Invalid value: "": must not be empty',
          'metadata.ownerReferences.name: Invalid value: "": must not be empty',
          'metadata.ownerReferences.uid: Invalid value: "": must not be empty',
        ],
      ],
      ['group without version', { name: 'a', namespace: 'ns', ownerReferences: [{ apiVersion: 'g/', kind: 'K', name: 'n', uid: 'u' }] }, ns, ['metadata.ownerReferences.apiVersion: Invalid value: "g/": version must not be empty']],
      [
        'bad finalizer',
        { name: 'a', namespace: 'ns', finalizers: ['a/b/c', 'example.com/ok'] },
        ns,
        [`metadata.finalizers: Invalid value: "a/b/c": a qualified name ${QN} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`],
      ],
      [
        'bad managedFields',
        { name: 'a', namespace: 'ns', managedFields: [{ operation: 'Bad', fieldsType: 'X', manager: 'ok' }, { operation: 'Apply', manager: 'm'.repeat(129) }] },
        ns,
        [
          'metadata.managedFields[0].operation: Invalid value: "Bad": must be `Apply` or `Update`',
          'metadata.managedFields[0].fieldsType: Invalid value: "X": must be `FieldsV1`',
          'metadata.managedFields[1].manager: Too long: may not be more than 128 bytes',
        ],
      ],
    ];
    for (const [name, meta, opts, want] of cases) it(name, () => assert.deepEqual(strings(validateObjectMeta(meta, opts)), want));

    it('rejects two controller owners and Event owners', () => {
      const refs = [
        { apiVersion: 'v1', kind: 'Event', name: 'e', uid: '1' },
        { apiVersion: 'apps/v1', kind: 'A', name: 'a', uid: '2', controller: true },
        { apiVersion: 'apps/v1', kind: 'B', name: 'b', uid: '3', controller: true },
      ];
      const errs = validateObjectMeta({ name: 'a', namespace: 'ns', ownerReferences: refs }, ns);
      assert.deepEqual(
        errs.map((e) => [e.type, e.field, e.detail]),
        [
          ['Invalid', 'metadata.ownerReferences', '/v1, Kind=Event is disallowed from being an owner'],
          ['Invalid', 'metadata.ownerReferences', 'Only one reference can have Controller set to true. Found "true" in references for A/a and B/b'],
        ],
      );
    });

    it('rejects orphan together with foregroundDeletion and unprintable managers', () => {
      const errs = validateObjectMeta(
        { name: 'a', namespace: 'ns', finalizers: ['orphan', 'foregroundDeletion'], managedFields: [{ operation: 'Update', manager: 'é\u0007' }] },
        ns,
      );
      assert.deepEqual(
        errs.map((e) => [e.type, e.field, e.detail]),
        [
          ['Invalid', 'metadata.finalizers', 'finalizer orphan and foregroundDeletion cannot be both set'],
          ['Invalid', 'metadata.managedFields[0].manager', 'invalid character U+0007 (at position 2)'],
        ],
      );
    });
  });

  describe('validateObjectMetaUpdate', () => {
    const old: ObjectMeta = { name: 'a', namespace: 'ns', uid: 'u1', creationTimestamp: '2024-01-01T00:00:00Z', generation: 2, finalizers: ['x'] };
    const cases: [string, ObjectMeta, ObjectMeta, string[]][] = [
      ['unchanged', { ...old }, old, []],
      ['labels may change', { ...old, labels: { a: 'b' } }, old, []],
      ['name', { ...old, name: 'b' }, old, ['metadata.name: Invalid value: "b": field is immutable']],
      ['namespace', { ...old, namespace: 'other' }, old, ['metadata.namespace: Invalid value: "other": field is immutable']],
      ['uid', { ...old, uid: 'u2' }, old, ['metadata.uid: Invalid value: "u2": field is immutable']],
      ['creationTimestamp', { ...old, creationTimestamp: '2025-01-01T00:00:00Z' }, old, ['metadata.creationTimestamp: Invalid value: "2025-01-01T00:00:00Z": field is immutable']],
      ['deletionGracePeriodSeconds', { ...old, deletionGracePeriodSeconds: 5 }, old, ['metadata.deletionGracePeriodSeconds: Invalid value: 5: field is immutable']],
      ['generation decremented', { ...old, generation: 1 }, old, ['metadata.generation: Invalid value: 1: must not be decremented']],
      ['bad label', { ...old, labels: { a: '-' } }, old, [`metadata.labels: Invalid value: "-": ${VALUE}`]],
      [
        'new finalizers while deleting',
        { ...old, deletionTimestamp: 'T', finalizers: ['z', 'x', 'y'] },
        { ...old, deletionTimestamp: 'T' },
        ['metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"y", "z"}'],
      ],
      ['removing finalizers while deleting', { ...old, deletionTimestamp: 'T', finalizers: [] }, { ...old, deletionTimestamp: 'T' }, []],
      ['adding finalizers when not deleting', { ...old, finalizers: ['x', 'y'] }, old, []],
    ];
    for (const [name, next, prev, want] of cases) it(name, () => assert.deepEqual(strings(validateObjectMetaUpdate(next, prev)), want));
  });

  it('validateImmutableField treats undefined and null alike and compares deeply', () => {
    assert.deepEqual(validateImmutableField(undefined, null, 'x'), []);
    assert.deepEqual(validateImmutableField({ a: [1] }, { a: [1] }, 'x'), []);
    assert.deepEqual(strings(validateImmutableField('b', 'a', 'type')), ['type: Invalid value: "b": field is immutable']);
  });
});
