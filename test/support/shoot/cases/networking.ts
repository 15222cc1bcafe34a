/**
 * Cases of Gardener's shoot_test.go (b312835d17) for IPv6 networking, IP family changes and component
 * feature gates. Same form as index.ts.
 */
import type { Change, UpstreamCase } from './index.js';

const IPV6: Change[] = [
  ['spec.kubernetes.kubeControllerManager.nodeCIDRMaskSize', undefined],
  ['spec.networking.ipFamilies', ['IPv6']],
];
const families = (list: string[]): Change[] => [
  ['spec.kubernetes.kubeControllerManager.nodeCIDRMaskSize', undefined],
  ['spec.networking.ipFamilies', list],
];
const cidrs = (nodes: string, pods: string, services: string): Change[] => [
  ['spec.networking.nodes', nodes],
  ['spec.networking.pods', pods],
  ['spec.networking.services', services],
];
const FAMILY = 'spec.networking.ipFamilies';
const GATES = { AnyVolumeDataSource: true, GracefulNodeShutdown: true, Foo: true };

/** Cases of ValidateShoot. */
export const NETWORKING_CASES: UpstreamCase[] = [
  { from: 'networking section > IPv6 > should allow valid networking configuration', set: [...IPV6, ...cidrs('2001:db8:2::/48', '2001:db8:1::/48', '2001:db8:3::/48')], want: [] },
  {
    from: 'networking section > IPv6 > should forbid invalid network CIDRs',
    set: [...IPV6, ...cidrs('invalid-cidr', 'invalid-cidr', 'invalid-cidr')],
    want: [
      ['Invalid', 'spec.networking.nodes'],
      ['Invalid', 'spec.networking.pods'],
      ['Invalid', 'spec.networking.services'],
    ],
  },
  {
    from: 'networking section > IPv6 > should forbid IPv4 CIDRs with IPv6 IP family',
    set: [...IPV6, ...cidrs('10.250.0.0/16', '100.96.0.0/11', '100.64.0.0/13')],
    want: [
      ['Invalid', 'spec.networking.nodes'],
      ['Invalid', 'spec.networking.pods'],
      ['Invalid', 'spec.networking.services'],
    ],
  },
  {
    from: 'networking section > IPv6 > should forbid non canonical CIDRs',
    set: [...IPV6, ...cidrs('2001:db8:2::2/48', '2001:db8:1::1/48', '2001:db8:3::3/48')],
    want: [
      ['Invalid', 'spec.networking.nodes', 'must be valid canonical CIDR'],
      ['Invalid', 'spec.networking.pods', 'must be valid canonical CIDR'],
      ['Invalid', 'spec.networking.services', 'must be valid canonical CIDR'],
    ],
  },
  {
    from: 'FeatureGates validation > should forbid invalid feature gates',
    set: [
      ['spec.kubernetes.version', '1.31.1'],
      ['spec.kubernetes.kubeAPIServer.featureGates', GATES],
      ['spec.kubernetes.kubeControllerManager.featureGates', GATES],
      ['spec.kubernetes.kubeScheduler', { featureGates: GATES }],
      ['spec.kubernetes.kubeProxy', { featureGates: GATES, mode: 'IPTables' }],
      ['spec.kubernetes.kubelet', { featureGates: GATES }],
    ],
    want: [
      ['Invalid', 'spec.kubernetes.kubeAPIServer.featureGates.Foo'],
      ['Invalid', 'spec.kubernetes.kubeControllerManager.featureGates.Foo'],
      ['Invalid', 'spec.kubernetes.kubeScheduler.featureGates.Foo'],
      ['Invalid', 'spec.kubernetes.kubeProxy.featureGates.Foo'],
      ['Invalid', 'spec.kubernetes.kubelet.featureGates.Foo'],
    ],
  },
];

/** Cases of ValidateShootUpdate for IP families. */
export const NETWORKING_UPDATE_CASES: UpstreamCase[] = [
  { from: 'networking section > IPv6 > should allow updating ipfamilies from IPv4 to dual-stack [IPv4, IPv6]', old: families(['IPv4']), set: families(['IPv4', 'IPv6']), want: [] },
  {
    from: 'networking section > IPv6 > should forbid changing ipfamilies from IPv6 to dual-stack [IPv6, IPv4]',
    old: families(['IPv6']),
    set: families(['IPv6', 'IPv4']),
    contains: true,
    want: [['Forbidden', FAMILY, 'unsupported IP family update: oldIPFamilies=[IPv6], newIPFamilies=[IPv6 IPv4]']],
  },
  {
    from: 'networking section > IPv6 > should forbid changing ipfamilies from single-stack IPv4 to dual-stack [IPv6, IPv4]',
    old: families(['IPv4']),
    set: families(['IPv6', 'IPv4']),
    contains: true,
    want: [['Forbidden', FAMILY, 'unsupported IP family update: oldIPFamilies=[IPv4], newIPFamilies=[IPv6 IPv4]']],
  },
  {
    from: 'networking section > IPv6 > should forbid changing ipfamilies from dual-stack [IPv4, IPv6] to single-stack [IPv6]',
    old: families(['IPv4', 'IPv6']),
    set: families(['IPv6']),
    contains: true,
    want: [['Forbidden', FAMILY, 'unsupported IP family update: oldIPFamilies=[IPv4 IPv6], newIPFamilies=[IPv6]']],
  },
  {
    from: 'networking section > IPv6 > should allow changing ipfamilies from dual-stack [IPv4, IPv6] to single-stack [IPv4]',
    old: [['spec.networking.ipFamilies', ['IPv4', 'IPv6']]],
    set: [['spec.networking.ipFamilies', ['IPv4']]],
    want: [],
  },
];
