import assert from 'node:assert/strict';
import { FieldPath, errorString, type FieldError } from '../../apimachinery/field.js';
import { groupResourceKey, groupResourceSet, parseGroupResource, sameSet } from './groupresource.js';
import { GARDENER_APISERVER_ALWAYS_ENCRYPTED, KUBE_APISERVER_ALWAYS_ENCRYPTED } from './types.js';
import { validateEncryptionConfig, type EncryptionConfigOptions } from './validation.js';

const P = 'spec.kubernetes.kubeAPIServer.encryptionConfig';
const path = FieldPath.of(P);
const shootOpts: EncryptionConfigOptions = { alwaysEncrypted: KUBE_APISERVER_ALWAYS_ENCRYPTED, autoRotationEnabled: true, skipAESGCMAutoRotationCheck: false };
const texts = (errs: FieldError[]): string[] => errs.map(errorString);

describe('registry/encryptionconfig group/resources', () => {
  const cases: [string, string, string][] = [
    ['secrets', '', 'secrets'],
    ['deployments.apps', 'apps', 'deployments'],
    ['a.b.c', 'b.c', 'a'],
    ['configmaps.', '', 'configmaps'],
    ['', '', ''],
  ];
  for (const [text, group, resource] of cases) {
    it(`parses ${JSON.stringify(text)} at the first dot`, () => assert.deepEqual(parseGroupResource(text), { group, resource }));
  }

  it('compares sets by group/resource, ignoring order, duplicates and a trailing dot', () => {
    assert.ok(sameSet(groupResourceSet(['configmaps', 'deployments.apps']), groupResourceSet(['deployments.apps', 'configmaps.', 'configmaps'])));
    assert.ok(!sameSet(groupResourceSet(['configmaps']), groupResourceSet(['configmaps', 'secrets'])));
    assert.ok(sameSet(groupResourceSet(undefined), groupResourceSet([])));
    assert.equal(groupResourceKey('shoots.core.gardener.cloud'), 'shoots.core.gardener.cloud');
  });
});

describe('registry/encryptionconfig static validation (spec §1.3)', () => {
  const valid: [string, unknown][] = [
    ['no config', undefined],
    ['null config', null],
    ['empty config', {}],
    ['core resources', { resources: ['configmaps', 'services'], provider: { type: 'aescbc' } }],
    ['grouped and custom resources', { resources: ['deployments.apps', 'customresource.fancyoperator.io', 'shoots.core.gardener.cloud'] }],
    ['aesgcm with auto rotation', { provider: { type: 'aesgcm' } }],
    ['secretbox', { provider: { type: 'secretbox' } }],
    ['provider without type', { provider: {} }],
  ];
  for (const [name, config] of valid) it(`accepts ${name}`, () => assert.deepEqual(validateEncryptionConfig(config, shootOpts, path), []));

  const invalid: [string, unknown, string[]][] = [
    ['upper case', { resources: ['ConfigMaps'] }, [`${P}.resources[0]: Invalid value: "ConfigMaps": resource must be lower case`]],
    [
      'resources without REST API',
      { resources: ['apiserveripinfo', 'serviceipallocations', 'servicenodeportallocations'] },
      [0, 1, 2].map((i) => {
        const r = ['apiserveripinfo', 'serviceipallocations', 'servicenodeportallocations'][i];
        return `${P}.resources[${i}]: Invalid value: "${r}": resources which do not have REST API/s cannot be encrypted`;
      }),
    ],
    ['trailing dot', { resources: ['configmaps.'] }, [`${P}.resources[0]: Invalid value: "configmaps.": resource should not end with '.'`]],
    ['wildcard', { resources: ['*.apps'] }, [`${P}.resources[0]: Invalid value: "*.apps": wildcards are not supported`]],
    ['bare wildcard', { resources: ['*'] }, [`${P}.resources[0]: Invalid value: "*": wildcards are not supported`]],
    [
      'events.k8s.io group',
      { resources: ['events.events.k8s.io'] },
      [`${P}.resources[0]: Invalid value: "events.events.k8s.io": '*.events.k8s.io' objects are stored using the 'events' API group in etcd. Use 'events' instead`],
    ],
    [
      'extensions group',
      { resources: ['ingresses.extensions'] },
      [`${P}.resources[0]: Invalid value: "ingresses.extensions": 'extensions' group has been removed and cannot be used for encryption`],
    ],
    ['duplicate', { resources: ['configmaps', 'deployments.apps', 'configmaps'] }, [`${P}.resources[2]: Duplicate value: "configmaps"`]],
    ['secrets are always encrypted', { resources: ['configmaps', 'secrets'] }, [`${P}.resources[1]: Forbidden: "secrets" are always encrypted`]],
    [
      'several checks on one item, in order',
      { resources: ['configmaps', 'Secrets.', 'secrets.'] },
      [
        `${P}.resources[1]: Invalid value: "Secrets.": resource must be lower case`,
        `${P}.resources[1]: Invalid value: "Secrets.": resource should not end with '.'`,
        `${P}.resources[2]: Invalid value: "secrets.": resource should not end with '.'`,
        `${P}.resources[2]: Forbidden: "secrets." are always encrypted`,
      ],
    ],
    [
      'trailing dot duplicate of an earlier entry',
      { resources: ['configmaps', 'configmaps.'] },
      [`${P}.resources[1]: Invalid value: "configmaps.": resource should not end with '.'`, `${P}.resources[1]: Duplicate value: "configmaps."`],
    ],
    // Go decodes a null entry of a []string as "": the entries after it keep their index.
    ['a null entry', { resources: [null, 'Configmaps'] }, [`${P}.resources[1]: Invalid value: "Configmaps": resource must be lower case`]],
    ['unsupported provider', { provider: { type: 'kms' } }, [`${P}.provider.type: Unsupported value: "kms": supported values: "aescbc", "aesgcm", "secretbox"`]],
    ['empty provider type', { provider: { type: '' } }, [`${P}.provider.type: Unsupported value: "": supported values: "aescbc", "aesgcm", "secretbox"`]],
  ];
  for (const [name, config, want] of invalid) it(`rejects ${name}`, () => assert.deepEqual(texts(validateEncryptionConfig(config, shootOpts, path)), want));

  it('reports types and reasons like Kubernetes', () => {
    const errs = validateEncryptionConfig({ resources: ['secrets', 'secrets'] }, shootOpts, path);
    assert.deepEqual(
      errs.map((e) => [e.type, e.field]),
      [
        ['Forbidden', `${P}.resources[0]`],
        ['Duplicate', `${P}.resources[1]`],
        ['Forbidden', `${P}.resources[1]`],
      ],
    );
  });

  describe('AES-GCM needs the etcd key auto rotation', () => {
    const msg = `${P}.provider.type: Forbidden: etcdEncryptionKey auto rotation must be enabled when encryption at rest provider is AES-GCM`;
    it('is forbidden without auto rotation', () => {
      assert.deepEqual(texts(validateEncryptionConfig({ provider: { type: 'aesgcm' } }, { ...shootOpts, autoRotationEnabled: false }, path)), [msg]);
    });
    it('does not concern other providers', () => {
      assert.deepEqual(validateEncryptionConfig({ provider: { type: 'secretbox' } }, { ...shootOpts, autoRotationEnabled: false }, path), []);
    });
    it('is skipped for the Garden', () => {
      const opts = { ...shootOpts, autoRotationEnabled: false, skipAESGCMAutoRotationCheck: true };
      assert.deepEqual(validateEncryptionConfig({ provider: { type: 'aesgcm' } }, opts, path), []);
    });
  });

  it('knows the always-encrypted resources of both API servers', () => {
    assert.deepEqual(KUBE_APISERVER_ALWAYS_ENCRYPTED, ['secrets']);
    assert.deepEqual(
      [...GARDENER_APISERVER_ALWAYS_ENCRYPTED].sort(),
      ['controllerdeployments', 'controllerregistrations', 'internalsecrets', 'shootstates'].map((r) => `${r}.core.gardener.cloud`),
    );
  });
});
