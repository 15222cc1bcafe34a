/**
 * Cases of Gardener's shoot_test.go (b312835d17) for add-ons and the provider-independent spec fields.
 * Same form as index.ts.
 */
import type { UpstreamCase } from './index.js';

const NGINX = 'spec.addons.nginxIngress';

const addonsFor = (from: string, purpose: string, version: string, allowed: boolean): UpstreamCase => ({
  from: `Addons validation > addons validation > ${from}`,
  set: [
    ['spec.purpose', purpose],
    ['spec.kubernetes.version', version],
    // From Kubernetes 1.34 a SecretBinding is refused: the binding is named the new way so that the
    // allowed case has no error at all (upstream only asserts that spec.addons is not among them).
    ['spec.secretBindingName', undefined],
    ['spec.credentialsBindingName', 'my-secret'],
  ],
  ...(allowed ? { want: [] } : { want: [['Forbidden', 'spec.addons']], contains: true }),
});

/** Cases of ValidateShoot for add-ons and the provider-independent fields. */
export const ADDON_CASES: UpstreamCase[] = [
  addonsFor('should allow addons on evaluation shoots', 'evaluation', '1.34.0', true),
  addonsFor('should forbid addons on testing shoots', 'testing', '1.34.0', false),
  addonsFor('should forbid addons on development shoots', 'development', '1.34.0', false),
  addonsFor('should forbid addons on production shoots', 'production', '1.34.0', false),
  addonsFor('should forbid addons starting with Kubernetes 1.35', 'evaluation', '1.35.0', false),
  {
    from: 'Addons validation > should forbid addon configuration if the shoot is workerless',
    set: [
      ['spec.provider.workers', []],
      ['spec.addons', {}],
      ['spec.kubernetes.kubeControllerManager', undefined],
    ],
    contains: true,
    want: [['Forbidden', 'spec.addons']],
  },
  {
    from: 'Addons validation > should forbid unsupported addon configuration',
    set: [
      ['spec.kubernetes.version', '1.34.0'],
      ['spec.addons.kubernetesDashboard', { enabled: true, authenticationMode: 'does-not-exist' }],
    ],
    contains: true,
    want: [['NotSupported', 'spec.addons.kubernetesDashboard.authenticationMode']],
  },
  {
    from: 'Addons validation > should forbid nginx ingress addon if feature gate is set',
    set: [['spec.addons', { nginxIngress: { enabled: true } }]],
    gates: { DisableNginxIngressInShoot: true },
    want: [['Forbidden', `${NGINX}.enabled`, 'nginx ingress addon disallowed by landscape operator']],
  },
  { from: 'Addons validation > should allow valid load balancer source ranges for nginx-ingress', set: [[`${NGINX}.loadBalancerSourceRanges`, ['192.168.123.56/32', '2001:db8::/64']]], want: [] },
  {
    from: 'Addons validation > should forbid invalid load balancer source ranges for nginx-ingress',
    set: [[`${NGINX}.loadBalancerSourceRanges`, ['', 'invalid-source-range', '192.168.123.56/33', '2001:db.8::/64']]],
    want: [
      ['Invalid', `${NGINX}.loadBalancerSourceRanges[0]`],
      ['Invalid', `${NGINX}.loadBalancerSourceRanges[1]`],
      ['Invalid', `${NGINX}.loadBalancerSourceRanges[2]`],
      ['Invalid', `${NGINX}.loadBalancerSourceRanges[3]`],
    ],
  },
  { from: 'Addons validation > should allow valid config for nginx-ingress', set: [[`${NGINX}.config`, { foo: 'bar' }]], want: [] },
  {
    from: 'Addons validation > should forbid invalid config for nginx-ingress',
    set: [[`${NGINX}.config`, { '$/{}|][': '1', ['a'.repeat(260)]: '2', 'valid-key': 'b'.repeat(1024 * 1024) }]],
    want: [
      ['Invalid', `${NGINX}.config[$/{}|][]`],
      ['Invalid', `${NGINX}.config[${'a'.repeat(260)}]`],
      ['TooLong', `${NGINX}.config`],
    ],
  },
  { from: "Addons validation > should allow external traffic policies 'Local' for nginx-ingress", set: [[`${NGINX}.externalTrafficPolicy`, 'Local']], want: [] },
  { from: 'Addons validation > should forbid unsupported external traffic policies for nginx-ingress', set: [[`${NGINX}.externalTrafficPolicy`, 'something-else']], want: [['NotSupported', `${NGINX}.externalTrafficPolicy`]] },
  {
    from: 'should forbid unsupported specification (provider independent)',
    set: [
      ['spec.cloudProfile', undefined],
      ['spec.region', ''],
      ['spec.secretBindingName', ''],
      ['spec.seedName', ''],
      ['spec.seedSelector', { matchLabels: { foo: 'no/slash/allowed' } }],
      ['spec.provider.type', ''],
    ],
    want: [
      ['Required', 'spec.cloudProfile.name'],
      ['Required', 'spec.region'],
      ['Required', 'spec.secretBindingName'],
      ['Invalid', 'spec.seedName'],
      ['Invalid', 'spec.seedSelector.matchLabels'],
      ['Required', 'spec.provider.type'],
    ],
  },
];

const NO_WORKERS: UpstreamCase['set'] = [['spec.provider.workers', undefined]];

/** SecretBindingName/CredentialsBinding validation and the other spec-wide fields (ValidateShoot). */
export const BINDING_CASES: UpstreamCase[] = [
  {
    from: 'SecretBindingName/CredentialsBinding validation > should forbid adding secretBindingName in case of workerless shoot',
    set: [...NO_WORKERS, ['spec.secretBindingName', 'foo']],
    contains: true,
    want: [['Forbidden', 'spec.secretBindingName']],
  },
  {
    from: 'SecretBindingName/CredentialsBinding validation > should forbid adding credentialsBindingName in case of workerless shoot',
    set: [...NO_WORKERS, ['spec.secretBindingName', undefined], ['spec.credentialsBindingName', 'foo']],
    contains: true,
    want: [['Forbidden', 'spec.credentialsBindingName']],
  },
  {
    from: 'SecretBindingName/CredentialsBinding validation > should allow nil secretBindingName in case of workerless shoot',
    set: [...NO_WORKERS, ['spec.addons', undefined], ['spec.secretBindingName', undefined], ['spec.kubernetes.kubeControllerManager', undefined], ['spec.networking', undefined]],
    want: [],
  },
  {
    from: 'SecretBindingName/CredentialsBinding validation > should forbid setting both secretBindingName and credentialsBindingName',
    set: [['spec.secretBindingName', 'foo'], ['spec.credentialsBindingName', 'foo']],
    want: [['Forbidden', 'spec.secretBindingName', 'is incompatible with credentialsBindingName']],
  },
  {
    from: 'SecretBindingName/CredentialsBinding validation > should forbid not setting at least one of secretBindingName or credentialsBindingName',
    set: [['spec.secretBindingName', undefined]],
    want: [['Required', 'spec.secretBindingName', 'must be set when credentialsBindingName is not']],
  },
  ...['1.34.0', '1.35.0'].map(
    (version): UpstreamCase => ({
      from: `secretBindingName validation for Kubernetes >= 1.34 > should forbid secretBindingName for Kubernetes ${version}`,
      set: [['spec.kubernetes.version', version]],
      contains: true,
      want: [['Forbidden', 'spec.secretBindingName', 'for Kubernetes versions >= 1.34, secretBindingName field is no longer supported, use spec.credentialsBindingName instead']],
    }),
  ),
  {
    from: 'should forbid adding invalid/duplicate emails',
    set: [['spec.monitoring.alerting.emailReceivers', ['z', 'foo@bar.baz', 'foo@bar.baz']]],
    want: [
      ['Invalid', 'spec.monitoring.alerting.emailReceivers[0]', 'must provide a valid email'],
      ['Duplicate', 'spec.monitoring.alerting.emailReceivers[2]'],
    ],
  },
  {
    from: 'should forbid invalid tolerations',
    set: [['spec.tolerations', [{}, { key: 'foo' }, { key: 'foo' }, { key: 'bar', value: 'baz' }, { key: 'bar', value: 'baz' }, { key: '!nvalid', value: 'va!ue' }, { key: 'n'.repeat(64) }]]],
    want: [
      ['Required', 'spec.tolerations[0].key'],
      ['Duplicate', 'spec.tolerations[2]'],
      ['Duplicate', 'spec.tolerations[4]'],
      ['Invalid', 'spec.tolerations[5].key'],
      ['Invalid', 'spec.tolerations[5].value'],
      // Upstream's detail is "name part must be no more than 63 bytes" (k8s.io/apimachinery v0.36);
      // apimachinery/validation.ts, shared with other kinds, still says "characters".
      ['Invalid', 'spec.tolerations[6].key'],
    ],
  },
  { from: 'should forbid invalid provider type', set: [['spec.provider.type', '!nvalid']], want: [['Invalid', 'spec.provider.type']] },
];

/** SecretBindingName/CredentialsBinding updates (ValidateShootUpdate). */
export const BINDING_UPDATE_CASES: UpstreamCase[] = [
  {
    from: 'SecretBindingName/CredentialsBinding validation > should forbid updating secretBindingName when not migrating to credentialsBindingName',
    old: [['spec.secretBindingName', 'another-reference']],
    set: [],
    contains: true,
    want: [['Invalid', 'spec.secretBindingName']],
  },
  {
    from: 'SecretBindingName/CredentialsBinding validation > should allow updating credentialsBindingName',
    old: [['spec.secretBindingName', undefined], ['spec.credentialsBindingName', 'another-reference']],
    set: [['spec.secretBindingName', undefined], ['spec.credentialsBindingName', 'foo']],
    want: [],
  },
  {
    from: 'SecretBindingName/CredentialsBinding validation > should allow switching from secretBindingName to credentialsBindingName',
    old: [],
    set: [['spec.secretBindingName', undefined], ['spec.credentialsBindingName', 'another-reference']],
    want: [],
  },
  {
    from: 'SecretBindingName/CredentialsBinding validation > should not allow switching from credentialsBindingName to secretBindingName',
    old: [['spec.secretBindingName', undefined], ['spec.credentialsBindingName', 'another-reference']],
    set: [['spec.secretBindingName', 'foo']],
    want: [
      ['Invalid', 'spec.secretBindingName', 'field is immutable'],
      ['Forbidden', 'spec.credentialsBindingName', 'the field cannot be unset'],
    ],
  },
];

const ref = (name: string, kind: string, apiVersion = 'v1'): Record<string, unknown> => ({ name, resourceRef: { kind, name: `${name}-ref`, apiVersion } });

/** Extensions and resources (ValidateShoot). */
export const EXTENSION_AND_RESOURCE_CASES: UpstreamCase[] = [
  { from: 'Extensions validation > should forbid passing an extension w/ invalid type information', set: [['spec.extensions', [{ type: '!nvalid' }]]], want: [['Invalid', 'spec.extensions[0].type']] },
  { from: 'Extensions validation > should allow passing an extension w/ type information', set: [['spec.extensions', [{ type: 'arbitrary' }]]], want: [] },
  { from: 'Extensions validation > should forbid passing an extension of same type more than once', set: [['spec.extensions', [{ type: 'arbitrary' }, { type: 'arbitrary' }]]], want: [['Duplicate', 'spec.extensions[1].type']] },
  { from: 'Extensions validation > should allow passing more than one extension of different type', set: [['spec.extensions', [{ type: 'arbitrary' }, { type: 'arbitrary-2' }]]], want: [] },
  { from: 'Resources validation > should forbid resources of kind other than Secret/ConfigMap/WorkloadIdentity', set: [['spec.resources', [ref('test', 'ServiceAccount')]]], want: [['NotSupported', 'spec.resources[0].resourceRef']] },
  {
    from: 'Resources validation > should allow resources w/ names and valid references',
    set: [['spec.resources', [ref('test', 'Secret'), ref('test-cm', 'ConfigMap'), ref('test-wi', 'WorkloadIdentity', 'security.gardener.cloud/v1alpha1')]]],
    want: [],
  },
];
