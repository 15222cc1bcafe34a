import assert from 'node:assert/strict';
import { errorString } from '../../apimachinery/field.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { at, exampleGarden, setAt } from '../../test/support/shoot/fixtures.js';
import { applyGardenDefaults } from './defaults.js';
import { validateGarden, validateGardenMeta, validateGardenUpdate } from './validation/index.js';

type Json = Record<string, unknown>;
const K = 'spec.virtualCluster.kubernetes.kubeAPIServer.encryptionConfig';
const G = 'spec.virtualCluster.gardener.gardenerAPIServer.encryptionConfig';
const READY = { type: 'Reconcile', state: 'Succeeded', progress: 100 };

/** The example Garden with the given encryption configurations (provider types optional). */
function garden(kube?: Json, gardener?: Json, status?: Json): KubeObject {
  const g = exampleGarden();
  if (kube !== undefined) setAt(g, 'spec.virtualCluster.kubernetes.kubeAPIServer', { encryptionConfig: kube });
  if (gardener !== undefined) setAt(g, 'spec.virtualCluster.gardener.gardenerAPIServer', { encryptionConfig: gardener });
  if (status !== undefined) g.status = status;
  return g;
}

const statusWith = (resources: string[], provider = 'aescbc', phase = ''): Json => ({
  credentials: { encryptionAtRest: { resources, provider: { type: provider } }, ...(phase === '' ? {} : { rotation: { etcdEncryptionKey: { phase } } }) },
  lastOperation: READY,
});

const created = (g: KubeObject): string[] => {
  applyGardenDefaults(g);
  return validateGarden(g).map(errorString);
};

function updated(old: KubeObject, next: KubeObject): string[] {
  applyGardenDefaults(old);
  applyGardenDefaults(next);
  next.status = structuredClone(old.status);
  return validateGardenUpdate(next, old).map(errorString);
}

describe('registry/garden defaults (spec §1.6)', () => {
  const cases: [string, KubeObject, unknown, unknown][] = [
    ['nothing configured', garden(), { provider: { type: 'aescbc' } }, { provider: { type: 'aescbc' } }],
    ['kube provider given', garden({ provider: { type: 'secretbox' } }), { provider: { type: 'secretbox' } }, { provider: { type: 'secretbox' } }],
    [
      'both given',
      garden({ provider: { type: 'aesgcm' }, resources: ['configmaps'] }, { provider: { type: 'aescbc' } }),
      { provider: { type: 'aesgcm' }, resources: ['configmaps'] },
      { provider: { type: 'aescbc' } },
    ],
    ['gardener config without provider', garden(undefined, { resources: ['shoots.core.gardener.cloud'] }), { provider: { type: 'aescbc' } }, { resources: ['shoots.core.gardener.cloud'], provider: { type: 'aescbc' } }],
  ];
  for (const [name, g, kube, gardener] of cases) {
    it(name, () => {
      applyGardenDefaults(g);
      assert.deepEqual(at(g, 'spec.virtualCluster.kubernetes.kubeAPIServer.encryptionConfig'), kube);
      assert.deepEqual(at(g, 'spec.virtualCluster.gardener.gardenerAPIServer.encryptionConfig'), gardener);
    });
  }
});

describe('registry/garden create validation (spec §1.6)', () => {
  it('accepts the upstream example', () => assert.deepEqual(created(exampleGarden()), []));

  const cases: [string, KubeObject, string[]][] = [
    ['valid resources on both servers', garden({ resources: ['configmaps', 'deployments.apps'] }, { resources: ['shoots.core.gardener.cloud', 'projects.core.gardener.cloud', 'bastions.operations.gardener.cloud'] }), []],
    ['aesgcm without auto rotation (not required for a Garden)', garden({ provider: { type: 'aesgcm' } }), []],
    ['kube secrets', garden({ resources: ['secrets'] }), [`${K}.resources[0]: Forbidden: "secrets" are always encrypted`]],
    ['kube unsupported provider', garden({ provider: { type: 'kms' } }), [`${K}.provider.type: Unsupported value: "kms": supported values: "aescbc", "aesgcm", "secretbox"`]],
    [
      'gardener resource not served by gardener-apiserver',
      garden(undefined, { resources: ['configmaps', 'foos.settings.gardener.cloud'] }),
      [
        `${G}.resources[0]: Invalid value: "configmaps": should be a resource served by gardener-apiserver. ie; should have any of the suffixes {authentication,core,operations,security,settings,seedmanagement}.gardener.cloud`,
        `${G}.resources[1]: Invalid value: "foos.settings.gardener.cloud": should be a resource served by gardener-apiserver. ie; should have any of the suffixes {authentication,core,operations,security,settings,seedmanagement}.gardener.cloud`,
      ],
    ],
    [
      'always-encrypted gardener resources',
      garden(undefined, { resources: ['internalsecrets.core.gardener.cloud', 'shootstates.core.gardener.cloud', 'controllerdeployments.core.gardener.cloud', 'controllerregistrations.core.gardener.cloud'] }),
      [0, 1, 2, 3].map((i) => {
        const r = ['internalsecrets', 'shootstates', 'controllerdeployments', 'controllerregistrations'][i];
        return `${G}.resources[${i}]: Forbidden: "${r}.core.gardener.cloud" are always encrypted`;
      }),
    ],
    [
      'gardener upper case, wildcard, duplicate',
      garden(undefined, { resources: ['Shoots.core.gardener.cloud', '*.core.gardener.cloud', 'projects.core.gardener.cloud', 'projects.core.gardener.cloud'] }),
      [
        `${G}.resources[0]: Invalid value: "Shoots.core.gardener.cloud": resource must be lower case`,
        `${G}.resources[1]: Invalid value: "*.core.gardener.cloud": wildcards are not supported`,
        `${G}.resources[3]: Duplicate value: "projects.core.gardener.cloud"`,
      ],
    ],
    [
      'different providers',
      garden({ provider: { type: 'aescbc' } }, { provider: { type: 'secretbox' } }),
      [`${G}.provider.type: Invalid value: "secretbox": field must be equal to spec.virtualCluster.kubernetes.kubeAPIServer.encryptionConfig.provider.type`],
    ],
    ['gardener provider defaulted from kube', garden({ provider: { type: 'secretbox' } }, {}), []],
  ];
  for (const [name, g, want] of cases) it(name, () => assert.deepEqual(created(g), want));

  it('requires a cluster-scoped object with a DNS subdomain name', () => {
    const g = exampleGarden();
    g.metadata.namespace = 'garden';
    g.metadata.name = 'Local';
    assert.deepEqual(validateGardenMeta(g).map((e) => e.field), ['metadata.name', 'metadata.namespace']);
    assert.deepEqual(created(g), [], 'the webhook leaves metadata to kube-apiserver');
  });
});

describe('registry/garden update validation on the combined status list (spec §1.6)', () => {
  const kube = (resources: string[], type = 'aescbc'): Json => ({ resources, provider: { type } });
  const both = statusWith(['configmaps', 'shoots.core.gardener.cloud']);
  const cases: [string, KubeObject, KubeObject, string[]][] = [
    [
      'both changed while both are rolled out',
      garden(kube(['configmaps']), kube(['shoots.core.gardener.cloud']), both),
      garden(kube(['configmaps', 'services']), kube(['shoots.core.gardener.cloud', 'projects.core.gardener.cloud'])),
      [],
    ],
    [
      'gardener resources not rolled out yet, kube change allowed',
      garden(kube(['configmaps']), kube(['shoots.core.gardener.cloud']), statusWith(['configmaps'])),
      garden(kube(['services']), kube(['shoots.core.gardener.cloud'])),
      [],
    ],
    [
      'gardener resources not rolled out yet, gardener change forbidden',
      garden(kube(['configmaps']), kube(['shoots.core.gardener.cloud']), statusWith(['configmaps'])),
      garden(kube(['configmaps']), kube([])),
      [`${G}.resources: Forbidden: resources cannot be changed because a previous encryption configuration change is currently being rolled out`],
    ],
    [
      'kube change during etcd key rotation',
      garden(kube(['configmaps']), kube([]), statusWith(['configmaps'], 'aescbc', 'Prepared')),
      garden(kube([]), kube([])),
      [`${K}.resources: Forbidden: resources cannot be changed when .status.credentials.rotation.etcdEncryptionKey.phase is not "Completed"`],
    ],
    [
      'provider change on both servers, in sync',
      garden(kube(['configmaps']), kube([]), statusWith(['configmaps'])),
      garden(kube(['configmaps'], 'secretbox'), kube([], 'secretbox')),
      [],
    ],
    [
      'provider and resources together',
      garden(kube(['configmaps']), kube([]), statusWith(['configmaps'])),
      garden(kube([], 'secretbox'), kube([], 'secretbox')),
      [`${K}.provider.type: Forbidden: provider type and resources cannot be changed simultaneously`],
    ],
    [
      'provider change while the status shows another provider',
      garden(kube([]), kube([]), statusWith([], 'aesgcm')),
      garden(kube([], 'secretbox'), kube([], 'secretbox')),
      [
        `${K}.provider.type: Forbidden: provider type cannot be changed because a previous encryption configuration change is currently being rolled out`,
        `${G}.provider.type: Forbidden: provider type cannot be changed because a previous encryption configuration change is currently being rolled out`,
      ],
    ],
  ];
  for (const [name, old, next, want] of cases) it(name, () => assert.deepEqual(updated(old, next), want));
});

describe('registry/garden operation annotation', () => {
  const OP = 'metadata.annotations[gardener.cloud/operation]';
  const withOp = (g: KubeObject, op: string, deleting = false): KubeObject => {
    g.metadata.annotations = { 'gardener.cloud/operation': op };
    if (deleting) g.metadata.deletionTimestamp = '2025-01-01T00:00:00Z';
    return g;
  };
  const inSync = (): KubeObject => garden({ resources: ['configmaps'] }, { resources: ['shoots.core.gardener.cloud'] }, statusWith(['configmaps', 'shoots.core.gardener.cloud']));
  const lagging = (): KubeObject => garden({ resources: ['configmaps'] }, { resources: ['shoots.core.gardener.cloud'] }, statusWith(['configmaps']));
  const cases: [string, KubeObject, string[]][] = [
    ['etcd key rotation, rolled out', withOp(inSync(), 'rotate-etcd-encryption-key'), []],
    ['etcd key rotation while a change rolls out', withOp(lagging(), 'rotate-etcd-encryption-key'), [`${OP}: Forbidden: cannot start ETCD encryption key rotation because a previous encryption configuration change is currently being rolled out`]],
    [
      'all credentials while a change rolls out',
      withOp(lagging(), 'rotate-credentials-start'),
      [`${OP}: Forbidden: cannot start rotation of all credentials because a previous encryption configuration change is currently being rolled out`],
    ],
    ['CA rotation while a change rolls out', withOp(lagging(), 'rotate-ca-start'), []],
    [
      'etcd key rotation while deleting and Preparing',
      withOp(garden(undefined, undefined, statusWith([], 'aescbc', 'Preparing')), 'rotate-etcd-encryption-key', true),
      [
        `${OP}: Forbidden: cannot start ETCD encryption key rotation if garden has deletion timestamp`,
        `${OP}: Forbidden: cannot start ETCD encryption key rotation if .status.credentials.rotation.etcdEncryptionKey.phase is not 'Completed'`,
      ],
    ],
    [
      'split etcd key operations on Kubernetes 1.33 (the example)',
      withOp(inSync(), 'rotate-etcd-encryption-key-complete'),
      [`${OP}: Forbidden: cannot complete ETCD encryption key rotation if .status.credentials.rotation.etcdEncryptionKey.phase is not 'Prepared'`],
    ],
    [
      'unknown operation',
      withOp(inSync(), 'rotate-everything'),
      [
        `${OP}: Unsupported value: "rotate-everything": supported values: "reconcile", "rotate-ca-complete", "rotate-ca-start", "rotate-credentials-complete", "rotate-credentials-start", "rotate-etcd-encryption-key", "rotate-etcd-encryption-key-complete", "rotate-etcd-encryption-key-start", "rotate-observability-credentials", "rotate-serviceaccount-key-complete", "rotate-serviceaccount-key-start", "rotate-workload-identity-key-complete", "rotate-workload-identity-key-start"`,
      ],
    ],
    [
      'incompatible operations',
      withOp(inSync(), 'rotate-etcd-encryption-key; rotate-etcd-encryption-key-start'),
      [`${OP}: Forbidden: operation 'rotate-etcd-encryption-key' is not permitted to be run together with rotate-etcd-encryption-key-start operations`],
    ],
    // gardener's pkg/api/operator/v1alpha1/validation/garden_test.go: operations separated by ";".
    ['parallel operations', withOp(inSync(), 'rotate-ca-start;rotate-observability-credentials'), []],
    ['parallel operations with spaces and a duplicate', withOp(inSync(), ' rotate-ca-start ; rotate-observability-credentials;rotate-ca-start'), []],
    [
      'a comma is no separator',
      withOp(inSync(), 'rotate-ca-start,rotate-observability-credentials'),
      [`${OP}: Unsupported value: "rotate-ca-start,rotate-observability-credentials": supported values: "reconcile", "rotate-ca-complete", "rotate-ca-start", "rotate-credentials-complete", "rotate-credentials-start", "rotate-etcd-encryption-key", "rotate-etcd-encryption-key-complete", "rotate-etcd-encryption-key-start", "rotate-observability-credentials", "rotate-serviceaccount-key-complete", "rotate-serviceaccount-key-start", "rotate-workload-identity-key-complete", "rotate-workload-identity-key-start"`],
    ],
  ];
  for (const [name, g, want] of cases) it(name, () => assert.deepEqual(created(g), want));

  it('forbids the split etcd key operations from Kubernetes 1.34', () => {
    const g = withOp(inSync(), 'rotate-etcd-encryption-key-start');
    setAt(g, 'spec.virtualCluster.kubernetes.version', '1.34.0');
    assert.deepEqual(created(g), [
      `${OP}: Forbidden: for Kubernetes versions >= 1.34, operation 'rotate-etcd-encryption-key-start' is no longer supported, please use 'rotate-etcd-encryption-key' instead, which performs a complete etcd encryption key rotation`,
    ]);
  });
});

// gardener's pkg/api/operator/v1alpha1/validation/garden_test.go "ShootAdminKubeconfigMaxExpiration validation".
describe('registry/garden shootAdminKubeconfigMaxExpiration', () => {
  const P = 'spec.virtualCluster.gardener.gardenerAPIServer.shootAdminKubeconfigMaxExpiration';
  const cases: [string, string | undefined, string[]][] = [
    ['valid (unset)', undefined, []],
    ['valid (1 hour)', '1h', []],
    ['valid (24 hours)', '24h', []],
    ['valid (maximum allowed)', `${2 ** 32}s`, []],
    ['invalid (less than 1 hour)', '30m', [`${P}: Invalid value: 1800000000000: must be between 1h and 2^32 seconds`]],
    ['invalid (greater than 2^32 seconds)', `${2 ** 32 + 1}s`, [`${P}: Invalid value: 4294967297000000000: must be between 1h and 2^32 seconds`]],
  ];
  for (const [name, value, want] of cases) {
    it(name, () => {
      const g = exampleGarden();
      if (value !== undefined) setAt(g, 'spec.virtualCluster.gardener.gardenerAPIServer.shootAdminKubeconfigMaxExpiration', value);
      assert.deepEqual(created(g), want);
    });
  }
});
