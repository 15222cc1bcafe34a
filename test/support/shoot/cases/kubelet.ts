/**
 * Cases of Gardener's shoot_test.go (b312835d17) "#ValidateKubeletConfiguration": a kubelet
 * configuration, the Kubernetes version upstream passes, and the errors with upstream's relative paths
 * (upstream's root path, `kubelet` or none, is given per case).
 */
import type { Expected } from './index.js';

/** One case: the kubelet configuration, the version and root path of the upstream call, the errors. */
export interface KubeletCase {
  from: string;
  kubelet: Record<string, unknown>;
  version: string;
  root?: string;
  want: Expected[];
  contains?: true;
}

const BETWEEN = 'value must be between 30s and 4h';
const FAIL_SWAP = "configuring swap behaviour is not available when the kubelet is configured with 'FailSwapOn=true'";
const NO_GATE = "configuring swap behaviour is not available when kubelet's 'NodeSwap' feature gate is not set";
const ONLY_135 = 'imagePullCredentialsVerificationPolicy is only available for Kubernetes versions >= 1.35';
const ALLOWLIST_ONLY = 'preloadedImagesVerificationAllowlist may only be set when imagePullCredentialsVerificationPolicy is set to NeverVerifyAllowlistedImages';
const SWAP_ON = { featureGates: { NodeSwap: true }, failSwapOn: false };

const k = (from: string, kubelet: Record<string, unknown>, version: string, want: Expected[], extra: Partial<KubeletCase> = {}): KubeletCase => ({ from, kubelet, version, want, ...extra });

/** The cases. */
export const KUBELET_CASES: KubeletCase[] = [
  k('CPUManagerPolicy > should allow cpuManagerPolicy to be static', { cpuManagerPolicy: 'static' }, '', [], { root: 'kubelet' }),
  k("CPUManagerPolicy > should not allow cpuManagerPolicy to be 'foo'", { cpuManagerPolicy: 'foo' }, '', [['NotSupported', 'kubelet.cpuManagerPolicy', 'supported values: "none", "static"']], { root: 'kubelet' }),
  k('StreamingConnectionIdleTimeout > should allow 5m', { streamingConnectionIdleTimeout: '5m0s' }, '', []),
  k('StreamingConnectionIdleTimeout > should not allow less than 30s', { streamingConnectionIdleTimeout: '15s' }, '', [['Invalid', 'streamingConnectionIdleTimeout', BETWEEN]]),
  k('StreamingConnectionIdleTimeout > should not allow more than 4h', { streamingConnectionIdleTimeout: '5h0m0s' }, '', [['Invalid', 'streamingConnectionIdleTimeout', BETWEEN]]),
  k('MemorySwap > should allow empty memory swap - NodeSwap set and FailSwap=false', SWAP_ON, '1.35', []),
  k('MemorySwap > should allow LimitedSwap behavior', { ...SWAP_ON, memorySwap: { swapBehavior: 'LimitedSwap' } }, '1.35', []),
  k('MemorySwap > should forbid random behavior', { ...SWAP_ON, memorySwap: { swapBehavior: 'MagicSwap' } }, '1.35', [['NotSupported', 'memorySwap.swapBehavior', 'supported values: "NoSwap", "LimitedSwap"']]),
  k('MemorySwap > should allow NoSwap behavior', { ...SWAP_ON, memorySwap: { swapBehavior: 'NoSwap' } }, '1.35', []),
  k('MemorySwap > should forbid configuration of swap behaviour if either the feature gate NodeSwap is not set or FailSwap=true', { failSwapOn: true, memorySwap: { swapBehavior: 'LimitedSwap' } }, '1.35', [
    ['Forbidden', 'memorySwap', FAIL_SWAP],
    ['Forbidden', 'memorySwap', NO_GATE],
  ]),
  ...['NeverVerify', 'NeverVerifyPreloadedImages', 'NeverVerifyAllowlistedImages', 'AlwaysVerify'].map((p) =>
    k(`ImagePullCredentialsVerificationPolicy > should allow ${p} on 1.35`, { imagePullCredentialsVerificationPolicy: p }, '1.35', []),
  ),
  k('ImagePullCredentialsVerificationPolicy > should allow the policy when the feature gate is explicitly enabled', { imagePullCredentialsVerificationPolicy: 'NeverVerify', featureGates: { KubeletEnsureSecretPulledImages: true } }, '1.35', []),
  k('ImagePullCredentialsVerificationPolicy > should forbid the field on Kubernetes < 1.35', { imagePullCredentialsVerificationPolicy: 'NeverVerify' }, '1.34', [['Forbidden', 'imagePullCredentialsVerificationPolicy', ONLY_135]]),
  k(
    'ImagePullCredentialsVerificationPolicy > should forbid the policy when the KubeletEnsureSecretPulledImages feature gate is disabled',
    { imagePullCredentialsVerificationPolicy: 'NeverVerify', featureGates: { KubeletEnsureSecretPulledImages: false } },
    '1.35',
    [['Forbidden', 'imagePullCredentialsVerificationPolicy', 'imagePullCredentialsVerificationPolicy may not be set when the KubeletEnsureSecretPulledImages feature gate is disabled']],
  ),
  k('ImagePullCredentialsVerificationPolicy > should forbid an unsupported value', { imagePullCredentialsVerificationPolicy: 'MagicVerify' }, '1.35', [['NotSupported', 'imagePullCredentialsVerificationPolicy']]),
  k(
    'PreloadedImagesVerificationAllowlist > should allow the allowlist with NeverVerifyAllowlistedImages on 1.35',
    { imagePullCredentialsVerificationPolicy: 'NeverVerifyAllowlistedImages', preloadedImagesVerificationAllowlist: ['registry.example.com/foo', 'registry.example.com/bar/*'] },
    '1.35',
    [],
  ),
  k(
    'PreloadedImagesVerificationAllowlist > should forbid the policy (and hence the allowlist) on Kubernetes < 1.35',
    { imagePullCredentialsVerificationPolicy: 'NeverVerifyAllowlistedImages', preloadedImagesVerificationAllowlist: ['registry.example.com/foo'] },
    '1.34',
    [['Forbidden', 'imagePullCredentialsVerificationPolicy', ONLY_135]],
    { contains: true },
  ),
  k(
    'PreloadedImagesVerificationAllowlist > should forbid the allowlist when policy is not NeverVerifyAllowlistedImages',
    { imagePullCredentialsVerificationPolicy: 'NeverVerifyPreloadedImages', preloadedImagesVerificationAllowlist: ['registry.example.com/foo'] },
    '1.35',
    [['Forbidden', 'preloadedImagesVerificationAllowlist', ALLOWLIST_ONLY]],
  ),
  k('PreloadedImagesVerificationAllowlist > should forbid the allowlist when policy is not set', { preloadedImagesVerificationAllowlist: ['registry.example.com/foo'] }, '1.35', [['Forbidden', 'preloadedImagesVerificationAllowlist', ALLOWLIST_ONLY]]),
  k(
    'PreloadedImagesVerificationAllowlist > should forbid an entry with leading/trailing spaces',
    { imagePullCredentialsVerificationPolicy: 'NeverVerifyAllowlistedImages', preloadedImagesVerificationAllowlist: [' registry.example.com/foo'] },
    '1.35',
    [['Invalid', 'preloadedImagesVerificationAllowlist[0]', 'leading/trailing spaces are not allowed']],
  ),
  k('pod pids limits > should ensure pod pids limits are non-negative', { podPidsLimit: -1 }, '', [['Invalid', 'podPIDsLimit']], { contains: true }),
  k('pod pids limits > should ensure pod pids limits are at least 100', { podPidsLimit: 99 }, '', [['Invalid', 'podPIDsLimit']]),
  k('pod pids limits > should allow pod pids limits of at least 100', { podPidsLimit: 100 }, '', []),
  k('EvictionMinimumReclaim > valid configuration', { evictionMinimumReclaim: { memoryAvailable: '100Mi', imageFSAvailable: '100Mi', imageFSInodesFree: '100Mi', nodeFSAvailable: '100Mi', nodeFSInodesFree: '100Mi' } }, '', []),
  k('EvictionMinimumReclaim > only allow positive resource.Quantity for any value', { evictionMinimumReclaim: { memoryAvailable: '-100Mi' } }, '', [['Invalid', 'evictionMinimumReclaim.memoryAvailable']]),
  k('KubeletConfigEvictionSoftGracePeriod > only allow positive Duration for any value', { evictionSoftGracePeriod: { memoryAvailable: '-2m0s', nodeFSAvailable: '2m0s' } }, '', [['Invalid', 'evictionSoftGracePeriod.memoryAvailable']]),
  k('EvictionPressureTransitionPeriod > valid configuration', { evictionPressureTransitionPeriod: '2m0s' }, '', []),
  k('EvictionPressureTransitionPeriod > only allow positive Duration', { evictionPressureTransitionPeriod: '-2m0s' }, '', [['Invalid', 'evictionPressureTransitionPeriod']]),
];
