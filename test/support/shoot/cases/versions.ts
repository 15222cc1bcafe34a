/**
 * Cases of Gardener's shoot_test.go (b312835d17) from "Kubernetes Version" to
 * "#ValidateCoreDNSRewritingCommonSuffixes": Kubernetes versions of the control plane and the worker
 * pools, networking (workerless, IP families, dual-stack), maintenance (credentials auto-rotation),
 * updates of Shoots in deletion, system components and CoreDNS rewriting. Same form as index.ts; cases
 * upstream runs on ValidateSystemComponents or ValidateCoreDNSRewritingCommonSuffixes alone sit in the
 * base Shoot, so their paths carry the Shoot's prefix. Durations are written as Go prints them.
 */
import { WORKERLESS, type Change, type Expected, type UpstreamCase } from './index.js';

const W = 'spec.provider.workers';
const MASK = 'spec.kubernetes.kubeControllerManager.nodeCIDRMaskSize';
const ROTATION_DETAIL = 'value must be either 0 to disable rotation or between 30m and 90d';
const IN_PLACE = { InPlaceNodeUpdates: true };

/** The control plane at `version`, the (only) pool at its own `poolVersion`. */
const versions = (version: string, poolVersion?: string): Change[] => [
  ['spec.kubernetes.version', version],
  ...(poolVersion === undefined ? [] : ([[`${W}.0.kubernetes`, { version: poolVersion }]] as Change[])),
];

/** Cases of ValidateShootUpdate. */
export const VERSION_UPDATE_CASES: UpstreamCase[] = [
  {
    from: 'Kubernetes Version > should forbid removing the kubernetes version',
    old: [],
    set: [['spec.kubernetes.version', '']],
    contains: true,
    want: [
      ['Invalid', 'spec.kubernetes.version', 'cannot validate kubernetes version upgrade because it is unset'],
      ['Invalid', `${W}[0].kubernetes.version`, 'cannot validate kubernetes version upgrade because it is unset'],
      ['Required', 'spec.kubernetes.version', 'kubernetes version must not be empty'],
    ],
  },
  {
    from: 'worker pool kubernetes version > should allow to set worker pool kubernetes version lower one minor than control plane version',
    old: versions('1.26.2', '1.26.2'),
    set: versions('1.27.2', '1.26.2'),
    want: [],
  },
  {
    from: 'worker pool kubernetes version > should allow to set worker pool kubernetes version lower two minor than control plane version',
    old: versions('1.25.0', '1.24.2'),
    set: versions('1.26.0', '1.24.2'),
    want: [],
  },
  {
    from: 'worker pool kubernetes version > allow to set worker pool kubernetes version lower three minor than control plane version',
    old: versions('1.27.0', '1.25.2'),
    set: versions('1.28.0', '1.25.2'),
    want: [],
  },
  {
    from: 'worker pool kubernetes version > forbid to set worker pool kubernetes version lower four minor than control plane version',
    old: versions('1.27.0', '1.24.2'),
    set: versions('1.28.0', '1.24.2'),
    want: [['Forbidden', `${W}[0].kubernetes.version`, 'worker group kubernetes version must be at most three minor versions behind control plane version']],
  },
  {
    from: 'worker pool kubernetes version > should allow to skip minor versions during worker pool kubernetes version upgrade',
    old: versions('1.28.0', '1.25.2'),
    set: versions('1.28.0', '1.27.0'),
    want: [],
  },
  {
    from: 'worker pool kubernetes version > should prevent skipping minor versions during Kubernetes version upgrades in worker pools when the update strategy is set to AutoInPlaceUpdate or ManualInPlaceUpdate',
    old: [...versions('1.28.0', '1.25.2'), [`${W}.0.updateStrategy`, 'AutoInPlaceUpdate']],
    set: [...versions('1.28.0', '1.27.0'), [`${W}.0.updateStrategy`, 'AutoInPlaceUpdate']],
    gates: IN_PLACE,
    want: [['Forbidden', `${W}[0].kubernetes.version`, 'kubernetes version upgrade cannot skip a minor version']],
  },
  {
    from: 'worker pool kubernetes version > should allow to set worker pool kubernetes version to nil with one minor difference',
    old: versions('1.25.0', '1.24.2'),
    set: [...versions('1.25.0'), [`${W}.0.kubernetes`, {}]],
    want: [],
  },
  {
    from: 'worker pool kubernetes version > should allow to set worker pool kubernetes version to nil with more than one minor difference',
    old: versions('1.28.0', '1.25.2'),
    set: [...versions('1.28.0'), [`${W}.0.kubernetes`, {}]],
    want: [],
  },
  {
    from: 'networking section > should allow increasing the networking nodes range',
    old: [['spec.networking.nodes', '10.181.0.0/18']],
    set: [['spec.networking.nodes', '10.181.0.0/16']],
    want: [],
  },
  {
    from: 'should forbid updating the spec for shoots with deletion timestamp',
    old: [['metadata.deletionTimestamp', '2025-01-01T00:00:00Z']],
    set: [
      ['metadata.deletionTimestamp', '2025-01-01T00:00:00Z'],
      ['spec.maintenance.autoUpdate.kubernetesVersion', false],
    ],
    want: [['Forbidden', 'spec', 'cannot update shoot spec if deletion timestamp is set. Requested changes: Maintenance.AutoUpdate.KubernetesVersion: false != true']],
  },
  {
    from: 'should allow updating the metadata for shoots with deletion timestamp',
    old: [['metadata.deletionTimestamp', '2025-01-01T00:00:00Z']],
    set: [
      ['metadata.deletionTimestamp', '2025-01-01T00:00:00Z'],
      ['metadata.labels', { 'new-key': 'new-value' }],
    ],
    want: [],
  },
];

/** A credentials auto-rotation period entry (upstream's three DescribeTables share the entries). */
function rotation(credential: 'observability' | 'sshKeypair' | 'etcdEncryptionKey', table: string, entry: string, period: string | undefined, allowed: boolean): UpstreamCase {
  const want: Expected[] = allowed ? [] : [['Invalid', `spec.maintenance.autoRotation.credentials.${credential}.rotationPeriod`, ROTATION_DETAIL]];
  return {
    from: `maintenance section > ${table} > ${entry}`,
    set: [['spec.maintenance.autoRotation', { credentials: { [credential]: period === undefined ? {} : { rotationPeriod: period } } }]],
    want,
    ...(allowed ? {} : { contains: true as const }),
  };
}

/** Upstream's entries: name, rotation period (Go's String() of the duration), allowed. */
const ROTATION_ENTRIES: readonly [string, string | undefined, boolean][] = [
  ['should pass when autoRotation is nil', undefined, true],
  ['should pass when rotationPeriod is nil', undefined, true],
  ['should pass when autoRotation is between 30m and 90d', '1536h0m0s', true],
  ['should pass when autoRotation is 0', '0s', true],
  ['should fail when autoRotation is below 30m', '16m0s', false],
  ['should fail when autoRotation is above 90d', '3072h0m0s', false],
  ['should fail when autoRotation is a negative duration', '-1536h0m0s', false],
];

/** Entries index.ts already carries (under "observability rotation" / "sshKeypair rotation"). */
const ROTATION_PORTED = new Set([
  'observability credentials auto-rotation period > should fail when autoRotation is below 30m',
  'observability credentials auto-rotation period > should pass when autoRotation is 0',
  'sshKeypair auto-rotation period > should fail when autoRotation is above 90d',
]);

const rotationTable = (credential: 'observability' | 'sshKeypair' | 'etcdEncryptionKey', table: string): UpstreamCase[] =>
  ROTATION_ENTRIES.filter(([entry]) => !ROTATION_PORTED.has(`${table} > ${entry}`)).map(([entry, period, allowed]) => rotation(credential, table, entry, period, allowed));

const suffixes = (list: string[] | undefined): Change => ['spec.systemComponents', { coreDNS: { rewriting: list === undefined ? {} : { commonSuffixes: list } } }];
const SUFFIX = 'spec.systemComponents.coreDNS.rewriting.commonSuffixes';
const LONG_DOMAIN = `${Array.from({ length: 5 }, () => 'extremely-long-domain-name-with-repeating-subdomains').join('.')}.bar`;

/** Cases of ValidateShoot. */
export const VERSION_CASES: UpstreamCase[] = [
  {
    from: 'networking section > Workerless Shoots > should forbid setting networking.type, networking.providerConfig, networking.pods, networking.nodes',
    set: [
      ...WORKERLESS,
      ['spec.secretBindingName', undefined],
      [
        'spec.networking',
        { type: 'some-type', providerConfig: { foo: 'bar' }, pods: '0.0.0.0/0', nodes: '0.0.0.0/0', services: '0.0.0.0/0', ipFamilies: ['IPv4'] },
      ],
    ],
    // Upstream matches the details with ContainSubstring("this field should not be set for workerless
    // Shoot clusters"); here the type and path.
    want: [
      ['Forbidden', 'spec.networking.type'],
      ['Forbidden', 'spec.networking.providerConfig'],
      ['Forbidden', 'spec.networking.pods'],
      ['Forbidden', 'spec.networking.nodes'],
    ],
  },
  {
    from: 'networking section > should forbid empty Network configuration if shoot is having workers',
    set: [['spec.networking', undefined]],
    contains: true,
    want: [['Required', 'spec.networking']],
  },
  {
    from: 'networking section > should forbid specifying unsupported IP family',
    set: [['spec.networking.ipFamilies', ['IPv5']]],
    want: [['NotSupported', 'spec.networking.ipFamilies[0]']],
  },
  {
    from: 'dual-stack > should allow IPv4 networking configuration',
    set: [
      [MASK, undefined],
      ['spec.networking.ipFamilies', ['IPv6', 'IPv4']],
      ['spec.networking.nodes', '10.250.0.0/16'],
      ['spec.networking.services', '100.64.0.0/13'],
      ['spec.networking.pods', '100.96.0.0/11'],
    ],
    want: [],
  },
  ...rotationTable('observability', 'observability credentials auto-rotation period'),
  ...rotationTable('sshKeypair', 'sshKeypair auto-rotation period'),
  {
    from: "maintenance section > should not allow setting sshKeypair for autoRotation if it's a workerless Shoot",
    set: [
      [W, undefined],
      ['spec.maintenance.autoRotation', { credentials: { sshKeypair: {} } }],
    ],
    contains: true,
    want: [['Forbidden', 'spec.maintenance.autoRotation.credentials.sshKeypair']],
  },
  ...rotationTable('etcdEncryptionKey', 'etcdEncryptionKey auto-rotation period'),
  { from: '#ValidateSystemComponents > no system components', set: [['spec.systemComponents', undefined]], want: [] },
  // Upstream's entry passes workerless=false as well.
  { from: '#ValidateSystemComponents > no system components Workerless Shoot', set: [['spec.systemComponents', undefined]], want: [] },
  { from: '#ValidateSystemComponents > empty system components', set: [['spec.systemComponents', {}]], want: [] },
  // Upstream's entry configures the horizontal mode as well.
  {
    from: '#ValidateSystemComponents > cluster proportional core dns autoscaler',
    set: [['spec.systemComponents', { coreDNS: { autoscaling: { mode: 'horizontal' } } }]],
    want: [],
  },
  { from: '#ValidateCoreDNSRewritingCommonSuffixes > should allow no common suffixes', set: [suffixes(undefined)], want: [] },
  { from: '#ValidateCoreDNSRewritingCommonSuffixes > should allow empty common suffixes', set: [suffixes([])], want: [] },
  {
    from: '#ValidateCoreDNSRewritingCommonSuffixes > should not allow extremely long domains',
    set: [suffixes([LONG_DOMAIN])],
    want: [['Invalid', `${SUFFIX}[0]`, 'must be a valid DNS subdomain']],
  },
];
