/**
 * Cases of Gardener's shoot_test.go (b312835d17) "node-local-dns update", "#ValidateProviderUpdate" and
 * "#ValidateShootStatus, #ValidateShootStatusUpdate" beyond those in updates.ts, dns.ts and status.ts. Same
 * form as index.ts. Where upstream asserts twice in one It, the second assertion is a case of its own,
 * named in parentheses.
 */
import { UPSTREAM_WORKER, type Change, type UpstreamCase } from './index.js';

const W = 'spec.provider.workers';
const IN_PLACE = { InPlaceNodeUpdates: true };
const strategy = (s: string): Change => [`${W}.0.updateStrategy`, s];
const SECOND_POOL_IN_PLACE: Change = [`${W}.1`, { ...structuredClone(UPSTREAM_WORKER), name: 'worker-2', updateStrategy: 'AutoInPlaceUpdate' }];
const IN_PLACE_DETAIL = (what: string): string => `${what} cannot be changed if update strategy is AutoInPlaceUpdate/ManualInPlaceUpdate`;

/** Cases of ValidateShootUpdate. */
export const PROVIDER_UPDATE_CASES: UpstreamCase[] = [
  {
    from: 'node-local-dns update > should allow toggling the node-local-dns if one of the worker pool has updateStrategy AutoInPlaceUpdate/ManualInPlaceUpdate but k8s version >= 1.34.0',
    old: [
      SECOND_POOL_IN_PLACE,
      ['spec.systemComponents', { nodeLocalDNS: { enabled: false } }],
      ['spec.kubernetes.kubeAPIServer', undefined],
      ['spec.kubernetes.version', '1.34.0'],
      ['spec.secretBindingName', undefined],
      ['spec.credentialsBindingName', 'creds'],
      ['spec.cloudProfile', { kind: 'CloudProfile', name: 'my-profile' }],
    ],
    set: [
      SECOND_POOL_IN_PLACE,
      ['spec.systemComponents', { nodeLocalDNS: { enabled: true } }],
      ['spec.kubernetes.kubeAPIServer', undefined],
      ['spec.kubernetes.version', '1.34.0'],
      ['spec.secretBindingName', undefined],
      ['spec.credentialsBindingName', 'creds'],
      ['spec.cloudProfile', { kind: 'CloudProfile', name: 'my-profile' }],
    ],
    gates: IN_PLACE,
    want: [],
  },
  {
    from: '#ValidateProviderUpdate > should forbid changing the update strategy from AutoRollingUpdate to AutoInPlaceUpdate/ManualInPlaceUpdate (to ManualInPlaceUpdate)',
    old: [],
    set: [strategy('ManualInPlaceUpdate')],
    contains: true,
    want: [['Invalid', `${W}[0].updateStrategy`, 'update strategy cannot be changed from AutoRollingUpdate to AutoInPlaceUpdate/ManualInPlaceUpdate']],
  },
  {
    from: '#ValidateProviderUpdate > should forbid changing the update strategy from AutoInPlaceUpdate/ManualInPlaceUpdate to AutoRollingUpdate (from AutoInPlaceUpdate)',
    old: [strategy('AutoInPlaceUpdate')],
    set: [strategy('AutoRollingUpdate')],
    contains: true,
    want: [['Invalid', `${W}[0].updateStrategy`, 'update strategy cannot be changed from AutoInPlaceUpdate/ManualInPlaceUpdate to AutoRollingUpdate']],
  },
  {
    from: '#ValidateProviderUpdate > should allow changing the update strategy from ManualInPlaceUpdate to AutoInPlaceUpdate',
    old: [strategy('ManualInPlaceUpdate')],
    set: [strategy('AutoInPlaceUpdate')],
    gates: IN_PLACE,
    want: [],
  },
  {
    from: '#ValidateProviderUpdate > should allow using the in-place update strategy for an existing worker pool even if the InPlaceNodeUpdates feature gate is disabled',
    old: [SECOND_POOL_IN_PLACE],
    set: [SECOND_POOL_IN_PLACE],
    gates: { InPlaceNodeUpdates: false },
    want: [],
  },
  {
    from: '#ValidateProviderUpdate > worker pool update strategy is either AutoInplaceUpdate or ManualInPlaceUpdate > should forbid changing the machine image',
    old: [strategy('AutoInPlaceUpdate')],
    set: [strategy('AutoInPlaceUpdate'), [`${W}.0.machine.image.name`, 'foo']],
    gates: IN_PLACE,
    contains: true,
    want: [['Invalid', `${W}[0].machine.image.name`, IN_PLACE_DETAIL('machine image name')]],
  },
  {
    from: '#ValidateProviderUpdate > worker pool update strategy is either AutoInplaceUpdate or ManualInPlaceUpdate > should forbid changing the cri',
    old: [strategy('AutoInPlaceUpdate'), [`${W}.0.cri`, { name: 'foo' }]],
    set: [strategy('AutoInPlaceUpdate'), [`${W}.0.cri`, { name: 'bar' }]],
    gates: IN_PLACE,
    contains: true,
    want: [['Invalid', `${W}[0].cri.name`, IN_PLACE_DETAIL('CRI name')]],
  },
  {
    from: '#ValidateProviderUpdate > worker pool update strategy is either AutoInplaceUpdate or ManualInPlaceUpdate > should forbid changing the volume details',
    old: [strategy('AutoInPlaceUpdate'), [`${W}.0.volume`, { name: 'foo' }]],
    set: [strategy('AutoInPlaceUpdate'), [`${W}.0.volume`, { name: 'bar' }]],
    gates: IN_PLACE,
    contains: true,
    want: [['Invalid', `${W}[0].volume`, IN_PLACE_DETAIL('volume')]],
  },
];

const A = 'status.advertisedAddresses';

/** Cases of ValidateShootStatusUpdate (on status.ts's empty Shoot). */
export const STATUS_UPDATE_CASES: UpstreamCase[] = [
  {
    from: 'validate shoot advertise address update > should fail for invalid URL',
    set: [[A, [{ name: 'a', url: '://foo.bar' }]]],
    // Upstream matches the detail with ContainSubstring("url must be a valid URL:").
    want: [['Required', `${A}[0].url`]],
  },
  {
    from: 'validate shoot advertise address update > should succeed with unique applications',
    set: [
      [
        A,
        [
          { name: 'a', url: 'https://foo.bar', application: 'app-a' },
          { name: 'b', url: 'https://bar.foo', application: 'app-b' },
        ],
      ],
    ],
    want: [],
  },
  {
    from: 'validate shoot advertise address update > should succeed with empty applications',
    set: [
      [
        A,
        [
          { name: 'a', url: 'https://foo.bar' },
          { name: 'b', url: 'https://bar.foo' },
        ],
      ],
    ],
    want: [],
  },
];
