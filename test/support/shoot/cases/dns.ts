/**
 * Cases of Gardener's shoot_test.go (b312835d17) "DNS section" and "#validateDNSCredentialsRef".
 * upstream's base Shoot has one primary provider of type `some-provider` and domain
 * `my-cluster.example.com`; provider credentials are `dns-secret` (a Secret) or `dns-wi` (a
 * WorkloadIdentity).
 */
import type { Change, UpstreamCase } from './index.js';

const P = 'spec.dns.providers';
const SECRET = { apiVersion: 'v1', kind: 'Secret', name: 'dns-secret' };
const WORKLOAD_IDENTITY = { apiVersion: 'security.gardener.cloud/v1alpha1', kind: 'WorkloadIdentity', name: 'dns-wi' };
const withSecret = { type: 'some-provider', secretName: 'dns-secret', credentialsRef: SECRET };
const providers = (list: unknown[]): Change => [P, list];
const ref = (r: Record<string, unknown>): Change[] => [[`${P}.0.credentialsRef`, r]];

/** Cases of ValidateShoot. */
export const DNS_CASES: UpstreamCase[] = [
  {
    from: 'DNS section > should forbid having a provider with invalid secretName',
    set: [providers([withSecret, { type: 'some-provider', secretName: 'foo/bar', credentialsRef: { ...SECRET, name: 'foo/bar' } }])],
    contains: true,
    want: [['Invalid', `${P}[1].credentialsRef.name`]],
  },
  {
    from: 'DNS section > should forbid having the same provider multiple times',
    set: [providers([withSecret, withSecret])],
    contains: true,
    want: [['Invalid', `${P}[1]`, 'combination of .credentialsRef and .type must be unique across dns providers']],
  },
  {
    from: 'DNS section > should forbid having more than one primary provider',
    set: [[`${P}.1`, { primary: true }]],
    contains: true,
    want: [['Forbidden', `${P}[1].primary`, 'multiple primary DNS providers are not supported']],
  },
  { from: 'DNS section > should allow WorkloadIdentity credentials', set: ref(WORKLOAD_IDENTITY), want: [] },
  {
    from: 'DNS section > should forbid functionless non-primary DNS providers',
    set: [providers([{ type: 'test' }, { type: 'test', secretName: 'dns-secret', credentialsRef: SECRET }, { secretName: 'dns-secret', credentialsRef: SECRET }])],
    want: [
      ['Required', `${P}[0].credentialsRef`, 'non-primary DNS providers must specify `credentialsRef`'],
      ['Required', `${P}[2].type`, 'type must be set when credentialsRef is set'],
    ],
  },
  {
    from: '#validateDNSCredentialsRef > should forbid to unset credentialsRef when secretName is set for Kubernetes version < 1.35',
    set: [
      ['spec.kubernetes.version', '1.34.0'],
      ['spec.secretBindingName', undefined],
      ['spec.credentialsBindingName', 'my-secret'],
      [`${P}.0.secretName`, 'dns-secret'],
    ],
    contains: true,
    want: [['Forbidden', `${P}[0].secretName`]],
  },
  { from: '#validateDNSCredentialsRef > should allow both credentialsRef and secretName to be unset', set: [], want: [] },
  { from: '#validateDNSCredentialsRef > forbid invalid credentialsRef fields > empty APIVersion', set: ref({ ...SECRET, apiVersion: '' }), contains: true, want: [['Required', `${P}[0].credentialsRef.apiVersion`, 'must provide an apiVersion']] },
  { from: '#validateDNSCredentialsRef > forbid invalid credentialsRef fields > empty Kind', set: ref({ ...SECRET, kind: '' }), contains: true, want: [['Required', `${P}[0].credentialsRef.kind`, 'must provide a kind']] },
  { from: '#validateDNSCredentialsRef > forbid invalid credentialsRef fields > empty Name', set: ref({ ...SECRET, name: '' }), contains: true, want: [['Required', `${P}[0].credentialsRef.name`, 'must provide a name']] },
  { from: '#validateDNSCredentialsRef > forbid invalid credentialsRef fields > invalid Name', set: ref({ ...SECRET, name: 'foo/bar' }), contains: true, want: [['Invalid', `${P}[0].credentialsRef.name`]] },
  {
    from: '#validateDNSCredentialsRef > forbid invalid credentialsRef fields > unsupported APIVersion and Kind',
    set: ref({ apiVersion: 'foo/v1', kind: 'Bar', name: 'dns-secret' }),
    contains: true,
    want: [['NotSupported', `${P}[0].credentialsRef`, 'supported values: "/v1, Kind=Secret", "core.gardener.cloud/v1beta1, Kind=InternalSecret", "security.gardener.cloud/v1alpha1, Kind=WorkloadIdentity"']],
  },
  {
    from: '#validateDNSCredentialsRef > should forbid credentialsRef and secretName to refer different secret',
    set: [...ref(SECRET), [`${P}.0.secretName`, 'other']],
    contains: true,
    want: [['Forbidden', `${P}[0].secretName`]],
  },
];

/** Cases of ValidateShootUpdate. */
export const DNS_UPDATE_CASES: UpstreamCase[] = [
  { from: 'DNS section > should allow assigning the dns domain (dns non-nil)', old: [['spec.dns', {}]], set: [['spec.dns', { domain: 'some-domain.com' }]], want: [] },
  { from: 'DNS section > should forbid removing the dns section', old: [], set: [['spec.dns', undefined]], contains: true, want: [['Invalid', 'spec.dns', 'field is immutable']] },
  { from: 'DNS section > should forbid updating the dns domain', old: [], set: [['spec.dns.domain', 'another-domain.com']], contains: true, want: [['Invalid', 'spec.dns.domain', 'field is immutable']] },
  {
    from: 'DNS section > should forbid updating the dns providers',
    old: [[`${P}.0.type`, 'some-dns-provider']],
    set: [['spec.seedName', 'seed'], [P, undefined]],
    contains: true,
    want: [['Forbidden', P, 'removing a primary provider is not allowed']],
  },
  {
    from: 'DNS section > should forbid to unset the primary DNS provider type',
    old: [],
    set: [['spec.seedName', 'seed'], [`${P}.0.type`, undefined]],
    contains: true,
    want: [['Forbidden', P, 'removing the primary provider type is not allowed']],
  },
  {
    from: 'DNS section > should forbid to remove the primary DNS provider',
    old: [],
    set: [['spec.seedName', 'seed'], [`${P}.0.primary`, false]],
    contains: true,
    want: [['Forbidden', P, 'removing a primary provider is not allowed']],
  },
  {
    from: 'DNS section > should forbid adding another primary provider',
    old: [],
    set: [['spec.seedName', 'seed'], [`${P}.1`, { primary: true }]],
    contains: true,
    want: [['Forbidden', `${P}[1].primary`, 'multiple primary DNS providers are not supported']],
  },
];

const SECOND_POOL_IN_PLACE: Change = [
  'spec.provider.workers.1',
  { name: 'worker-2', machine: { type: 'large', image: { name: 'image-name', version: '1.0.0' }, architecture: 'amd64' }, minimum: 1, maximum: 1, maxSurge: 1, maxUnavailable: 0, systemComponents: { allow: true }, updateStrategy: 'AutoInPlaceUpdate' },
];
const nodeLocalDNS = (enabled: boolean): Change => ['spec.systemComponents', { nodeLocalDNS: { enabled } }];
const NODE_LOCAL_DNS_DETAIL =
  'the node-local-dns setting cannot be changed if the shoot has at least one worker pool with an update strategy of either AutoInPlaceUpdate or ManualInPlaceUpdate, and is running a Kubernetes version below 1.34.0 or if kube-proxy runs in IPVS mode.';

/** Scheduler name, exposure class and node-local DNS (ValidateShoot). */
export const SCHEDULER_AND_EXPOSURE_CASES: UpstreamCase[] = [
  { from: 'scheduler name > forbid setting an invalid scheduler name', set: [['spec.schedulerName', '!nvalid']], want: [['Invalid', 'spec.schedulerName']] },
  { from: 'exposure class > should forbid invalid exposure class names', set: [['spec.exposureClassName', '$invalid.class.[]name{}/']], contains: true, want: [['Invalid', 'spec.exposureClassName']] },
  { from: 'exposure class > should allow valid exposure class name', set: [['spec.exposureClassName', 'exposure-class-1']], want: [] },
];

/** Scheduler name, exposure class and node-local DNS (ValidateShootUpdate). */
export const SCHEDULER_AND_EXPOSURE_UPDATE_CASES: UpstreamCase[] = [
  { from: "scheduler name > allow setting the default scheduler name when name was 'nil'", old: [], set: [['spec.schedulerName', 'default-scheduler']], want: [] },
  { from: "scheduler name > forbid changing the scheduler name when name was 'nil'", old: [], set: [['spec.schedulerName', 'foo-scheduler']], want: [['Invalid', 'spec.schedulerName']] },
  { from: 'scheduler name > forbid changing the scheduler name when configured before', old: [['spec.schedulerName', 'foo-scheduler']], set: [['spec.schedulerName', 'bar-scheduler']], want: [['Invalid', 'spec.schedulerName']] },
  { from: 'exposure class > should allow to change the exposure class', old: [['spec.exposureClassName', 'exposure-class-1']], set: [['spec.exposureClassName', 'exposure-class-2']], want: [] },
  {
    from: 'node-local-dns update > the node-local-dns setting cannot be changed with an in-place worker pool below Kubernetes 1.34.0 (enabling)',
    old: [SECOND_POOL_IN_PLACE, nodeLocalDNS(false)],
    set: [SECOND_POOL_IN_PLACE, nodeLocalDNS(true)],
    gates: { InPlaceNodeUpdates: true },
    want: [['Forbidden', 'spec.systemComponents.nodeLocalDNS', NODE_LOCAL_DNS_DETAIL]],
  },
  {
    from: 'node-local-dns update > the node-local-dns setting cannot be changed with an in-place worker pool below Kubernetes 1.34.0 (removing)',
    old: [SECOND_POOL_IN_PLACE, nodeLocalDNS(true)],
    set: [SECOND_POOL_IN_PLACE, ['spec.systemComponents', {}]],
    gates: { InPlaceNodeUpdates: true },
    want: [['Forbidden', 'spec.systemComponents.nodeLocalDNS', NODE_LOCAL_DNS_DETAIL]],
  },
  {
    from: 'node-local-dns update > should allow toggling the node-local-dns if none of the worker pool has updateStrategy AutoInPlaceUpdate/ManualInPlaceUpdate',
    old: [nodeLocalDNS(false)],
    set: [nodeLocalDNS(true)],
    want: [],
  },
];
