import assert from 'node:assert/strict';
import { errorString } from '../../apimachinery/field.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { REDACTED, validateInternalSecret, validateInternalSecretUpdate } from './validation.js';

const SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end " +
  "with an alphanumeric character (e.g. 'example.com', regex used for validation is " +
  "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const CONFIG_KEY =
  "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or " +
  "'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
const LOCKED = 'field is immutable when `immutable` is set';

const b64 = (s: string | Buffer): string => Buffer.from(s).toString('base64');

function secret(fields: Record<string, unknown> = {}, metadata: KubeObject['metadata'] = {}): KubeObject {
  return {
    apiVersion: 'core.gardener.cloud/v1beta1',
    kind: 'InternalSecret',
    metadata: { name: 's', namespace: 'ns', resourceVersion: '1', ...metadata },
    ...fields,
  };
}

const messages = (obj: KubeObject, old?: KubeObject): string[] =>
  (old === undefined ? validateInternalSecret(obj) : validateInternalSecretUpdate(obj, old)).map(errorString);

describe('registry/internalsecret validation', () => {
  describe('create', () => {
    const cases: [string, KubeObject, string[]][] = [
      ['valid Opaque', secret({ type: 'Opaque', data: { a: b64('x') } }), []],
      ['no type, no data', secret(), []],
      ['custom type has no rules', secret({ type: 'example.com/custom' }), []],
      ['namespace required', secret({}, { namespace: '' }), ['metadata.namespace: Required value']],
      ['name required', secret({}, { name: '' }), ['metadata.name: Required value: name or generateName is required']],
      ['name must be a DNS-1123 subdomain', secret({}, { name: 'My_Secret' }), [`metadata.name: Invalid value: "My_Secret": ${SUBDOMAIN}`]],
      ['dotted names are fine', secret({}, { name: 'shoot.ca-client', generateName: 'shoot-' }), []],
      ['bad data key', secret({ data: { 'a b': '' } }), [`data[a b]: Invalid value: "a b": ${CONFIG_KEY}`]],
      ['data key ..a', secret({ data: { '..a': '' } }), ["data[..a]: Invalid value: \"..a\": must not start with '..'"]],
      ['data key ..', secret({ data: { '..': '' } }), ["data[..]: Invalid value: \"..\": must not be '..'"]],
      ['data at the size limit', secret({ data: { a: b64(Buffer.alloc(524288)), b: b64(Buffer.alloc(524288)) } }), []],
      ['data over the size limit', secret({ data: { a: b64(Buffer.alloc(524288)), b: b64(Buffer.alloc(524289)) } }), ['data: Too long: may not be more than 1048576 bytes']],
      [
        'service account token without annotation',
        secret({ type: 'kubernetes.io/service-account-token' }),
        ['metadata.annotations[kubernetes.io/service-account.name]: Required value'],
      ],
      [
        'service account token with empty annotation',
        secret({ type: 'kubernetes.io/service-account-token' }, { annotations: { 'kubernetes.io/service-account.name': '' } }),
        ['metadata.annotations[kubernetes.io/service-account.name]: Required value'],
      ],
      ['service account token', secret({ type: 'kubernetes.io/service-account-token' }, { annotations: { 'kubernetes.io/service-account.name': 'sa' } }), []],
      ['dockercfg without key', secret({ type: 'kubernetes.io/dockercfg', data: { other: '' } }), ['data[.dockercfg]: Required value']],
      ['dockercfg', secret({ type: 'kubernetes.io/dockercfg', data: { '.dockercfg': b64('{"r":{"auth":"x"}}') } }), []],
      ['dockercfg null', secret({ type: 'kubernetes.io/dockercfg', data: { '.dockercfg': b64('null') } }), []],
      [
        'dockercfg not JSON',
        secret({ type: 'kubernetes.io/dockercfg', data: { '.dockercfg': b64('not json') } }),
        [`data[.dockercfg]: Invalid value: "${REDACTED}": invalid character 'o' in literal null (expecting 'u')`],
      ],
      [
        'dockercfg empty',
        secret({ type: 'kubernetes.io/dockercfg', data: { '.dockercfg': '' } }),
        [`data[.dockercfg]: Invalid value: "${REDACTED}": unexpected end of JSON input`],
      ],
      [
        'dockerconfigjson array',
        secret({ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('[]') } }),
        [`data[.dockerconfigjson]: Invalid value: "${REDACTED}": json: cannot unmarshal array into Go value of type map[string]interface {}`],
      ],
      ['dockerconfigjson without key', secret({ type: 'kubernetes.io/dockerconfigjson' }), ['data[.dockerconfigjson]: Required value']],
      ['dockerconfigjson', secret({ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('{"auths":{}}') } }), []],
      ['basic-auth without keys', secret({ type: 'kubernetes.io/basic-auth' }), ['data[username]: Required value', 'data[password]: Required value']],
      ['basic-auth with username', secret({ type: 'kubernetes.io/basic-auth', data: { username: b64('u') } }), []],
      ['basic-auth with empty password', secret({ type: 'kubernetes.io/basic-auth', data: { password: '' } }), []],
      ['ssh-auth without key', secret({ type: 'kubernetes.io/ssh-auth' }), ['data[ssh-privatekey]: Required value']],
      ['ssh-auth with empty key', secret({ type: 'kubernetes.io/ssh-auth', data: { 'ssh-privatekey': '' } }), ['data[ssh-privatekey]: Required value']],
      ['ssh-auth', secret({ type: 'kubernetes.io/ssh-auth', data: { 'ssh-privatekey': b64('k') } }), []],
      ['tls without keys', secret({ type: 'kubernetes.io/tls' }), ['data[tls.crt]: Required value', 'data[tls.key]: Required value']],
      ['tls without key', secret({ type: 'kubernetes.io/tls', data: { 'tls.crt': b64('c') } }), ['data[tls.key]: Required value']],
      ['tls with empty values (pair not checked)', secret({ type: 'kubernetes.io/tls', data: { 'tls.crt': '', 'tls.key': '' } }), []],
      [
        'several problems at once',
        secret({ type: 'kubernetes.io/tls', data: { 'a/b': '' } }, { namespace: '' }),
        ['metadata.namespace: Required value', `data[a/b]: Invalid value: "a/b": ${CONFIG_KEY}`, 'data[tls.crt]: Required value', 'data[tls.key]: Required value'],
      ],
    ];
    for (const [name, obj, want] of cases) it(name, () => assert.deepEqual(messages(obj), want));

    it('reports Required with reason FieldValueRequired and an empty detail', () => {
      assert.deepEqual(validateInternalSecret(secret({ type: 'kubernetes.io/ssh-auth' })), [
        { type: 'Required', field: 'data[ssh-privatekey]', badValue: '' },
      ]);
    });
  });

  describe('update', () => {
    const old = secret({ type: 'Opaque', data: { a: b64('x') } });
    const locked = secret({ type: 'Opaque', immutable: true, data: { a: b64('x') } });
    const cases: [string, KubeObject, KubeObject, string[]][] = [
      ['unchanged', secret({ type: 'Opaque', data: { a: b64('x') } }), old, []],
      ['data may change', secret({ type: 'Opaque', data: { a: b64('y'), b: '' } }), old, []],
      ['type is immutable', secret({ type: 'kubernetes.io/basic-auth', data: { a: b64('x'), username: '' } }), old, ['type: Invalid value: "kubernetes.io/basic-auth": field is immutable']],
      ['type may not be removed', secret({ data: { a: b64('x') } }), old, ['type: Invalid value: "": field is immutable']],
      ['name is immutable', secret({ type: 'Opaque', data: { a: b64('x') } }, { name: 'other' }), old, ['metadata.name: Invalid value: "other": field is immutable']],
      ['immutable may be set', secret({ type: 'Opaque', immutable: true, data: { a: b64('x') } }), old, []],
      ['locked: metadata may change', secret({ type: 'Opaque', immutable: true, data: { a: b64('x') } }, { labels: { a: 'b' } }), locked, []],
      ['locked: immutable may not be unset', secret({ type: 'Opaque', data: { a: b64('x') } }), locked, [`immutable: Forbidden: ${LOCKED}`]],
      ['locked: immutable may not be false', secret({ type: 'Opaque', immutable: false, data: { a: b64('x') } }), locked, [`immutable: Forbidden: ${LOCKED}`]],
      ['locked: data may not change', secret({ type: 'Opaque', immutable: true, data: { a: b64('y') } }), locked, [`data: Forbidden: ${LOCKED}`]],
      ['locked: data may not grow', secret({ type: 'Opaque', immutable: true, data: { a: b64('x'), b: '' } }), locked, [`data: Forbidden: ${LOCKED}`]],
      [
        'locked: both',
        secret({ type: 'Opaque', immutable: false, data: {} }),
        locked,
        [`immutable: Forbidden: ${LOCKED}`, `data: Forbidden: ${LOCKED}`],
      ],
      ['locked without data: empty data is no change', secret({ immutable: true, data: {} }), secret({ immutable: true }), []],
      [
        'create rules run too',
        secret({ type: 'Opaque', data: { 'a b': '' } }, { name: 'other' }),
        old,
        ['metadata.name: Invalid value: "other": field is immutable', `data[a b]: Invalid value: "a b": ${CONFIG_KEY}`],
      ],
    ];
    for (const [name, obj, prev, want] of cases) it(name, () => assert.deepEqual(messages(obj, prev), want));
  });
});
