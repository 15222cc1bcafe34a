/**
 * Cases of Gardener's shoot_test.go (b312835d17) "#ValidateShootStatus, #ValidateShootStatusUpdate":
 * `old` and `set` change the status of upstream's empty Shoot (name `shoot`, namespace `my-namespace`).
 */
import type { KubeObject } from '../../../../apimachinery/types.js';
import type { UpstreamCase } from './index.js';

/** Upstream's Shoot of the status tests. */
export function emptyShoot(): KubeObject {
  return { apiVersion: 'core.gardener.cloud/v1beta1', kind: 'Shoot', metadata: { name: 'shoot', namespace: 'my-namespace', resourceVersion: '1' }, spec: {}, status: {} };
}

const A = 'status.advertisedAddresses';
/** Upstream appends the expected form to each URL detail (its test matches the start). */
const FORM = '; desired format: https://host[:port]';
const address = (url: string, extra: Record<string, unknown> = {}) => ({ name: 'a', url, ...extra });
const addresses = (from: string, list: unknown[], want: UpstreamCase['want']): UpstreamCase => ({ from: `validate shoot advertise address update > ${from}`, set: [[A, list]], want });

/** The cases. */
export const STATUS_CASES: UpstreamCase[] = [
  { from: 'uid checks > should allow setting the uid', set: [['status.uid', '1234']], want: [] },
  { from: 'uid checks > should forbid changing the uid', old: [['status.uid', '1234']], set: [['status.uid', '1235']], want: [['Invalid', 'status.uid']] },
  { from: 'technical id checks > should allow setting the technical id', set: [['status.technicalID', 'shoot--foo--bar']], want: [] },
  { from: 'technical id checks > should forbid changing the technical id', old: [['status.technicalID', 'shoot-foo-bar']], set: [['status.technicalID', 'shoot--foo--bar']], want: [['Invalid', 'status.technicalID']] },
  { from: 'validate shoot cluster identity update > should not fail to set the cluster identity if it is missing', set: [['status.clusterIdentity', 'newClusterIdentity']], want: [] },
  {
    from: 'validate shoot cluster identity update > should fail to set the cluster identity if it is already set',
    old: [['status.clusterIdentity', 'oldClusterIdentity']],
    set: [['status.clusterIdentity', 'newClusterIdentity']],
    want: [['Invalid', 'status.clusterIdentity', 'field is immutable']],
  },
  addresses('should fail for empty name', [{ name: '' }], [['Required', `${A}[0].name`]]),
  addresses('should fail for duplicate name', [address('https://foo.bar'), address('https://foo.bar')], [['Duplicate', `${A}[1].name`]]),
  addresses('should fail for http URL', [address('http://foo.bar')], [['Invalid', `${A}[0].url`, "'https' is the only allowed URL scheme" + FORM]]),
  addresses('should fail for URL without host', [address('https://')], [['Invalid', `${A}[0].url`, 'host must be provided' + FORM]]),
  addresses('should not fail for URL with path', [address('https://foo.bar/baz')], []),
  addresses('should fail for URL with user information', [address('https://john:doe@foo.bar')], [['Invalid', `${A}[0].url`, 'user information is not permitted in the URL' + FORM]]),
  addresses('should fail for URL with fragment', [address('https://foo.bar#some-fragment')], [['Invalid', `${A}[0].url`, 'fragments are not permitted in the URL' + FORM]]),
  addresses('should fail for URL with query parameters', [address('https://foo.bar?some=query')], [['Invalid', `${A}[0].url`, 'query parameters are not permitted in the URL' + FORM]]),
  addresses('should succeed correct addresses', [address('https://foo.bar'), { name: 'b', url: 'https://foo.bar:443' }], []),
  addresses('should not fail for duplicate application (grouping)', [address('https://foo.bar', { application: 'app' }), { name: 'b', url: 'https://bar.foo', application: 'app' }], []),
  {
    from: 'validate shoot networking status > should allow valid networking configuration',
    set: [['status.networking', { nodes: ['10.250.0.0/16'], pods: ['100.96.0.0/11'], services: ['100.64.0.0/13'], egressCIDRs: ['1.2.3.4/32'] }]],
    want: [],
  },
  {
    from: 'validate shoot networking status > should forbid invalid network CIDRs',
    set: [['status.networking', { nodes: ['invalid-cidr'], pods: ['invalid-cidr'], services: ['invalid-cidr'], egressCIDRs: ['invalid-cidr'] }]],
    want: [
      ['Invalid', 'status.networking.nodes[0]'],
      ['Invalid', 'status.networking.pods[0]'],
      ['Invalid', 'status.networking.services[0]'],
      ['Invalid', 'status.networking.egressCIDRs[0]'],
    ],
  },
  {
    from: 'validate shoot networking status > should forbid non-canonical CIDRs',
    set: [['status.networking', { nodes: ['10.250.0.3/16'], pods: ['100.64.0.5/13'], services: ['100.96.0.4/11'], egressCIDRs: ['1.2.3.4/24'] }]],
    want: [
      ['Invalid', 'status.networking.nodes[0]', 'must be valid canonical CIDR'],
      ['Invalid', 'status.networking.pods[0]', 'must be valid canonical CIDR'],
      ['Invalid', 'status.networking.services[0]', 'must be valid canonical CIDR'],
      ['Invalid', 'status.networking.egressCIDRs[0]', 'must be valid canonical CIDR'],
    ],
  },
];
