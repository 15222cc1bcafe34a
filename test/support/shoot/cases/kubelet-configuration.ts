/**
 * Cases of Gardener's shoot_test.go (b312835d17) "#ValidateKubeletConfiguration" beyond those in kubelet.ts,
 * in its form: the kubelet configuration, the Kubernetes version upstream passes, and the errors with
 * upstream's relative paths (upstream's root path, `kubelet` or none, per case). Durations are written as
 * Go prints them.
 */
import type { Expected } from './index.js';
import type { KubeletCase } from './kubelet.js';

const k = (from: string, kubelet: Record<string, unknown>, version: string, want: Expected[], extra: Partial<KubeletCase> = {}): KubeletCase => ({ from, kubelet, version, want, ...extra });
const invalid = (...paths: string[]): Expected[] => paths.map((p): Expected => ['Invalid', p]);
const ALLOWLISTED = 'NeverVerifyAllowlistedImages';

/** Upstream's eviction thresholds: memoryAvailable under test, the others valid. */
const eviction = (memoryAvailable: string): Record<string, unknown> => {
  const thresholds = { memoryAvailable, imageFSAvailable: '100', imageFSInodesFree: '5%', nodeFSAvailable: '5%', nodeFSInodesFree: '5%' };
  return { evictionHard: thresholds, evictionSoft: structuredClone(thresholds) };
};
const EVICTION_ERRORS = invalid('evictionHard.memoryAvailable', 'evictionSoft.memoryAvailable');

const reserved = (cpu?: string, memory?: string, ephemeralStorage?: string, pid?: string): Record<string, unknown> => ({
  kubeReserved: {
    ...(cpu === undefined ? {} : { cpu }),
    ...(memory === undefined ? {} : { memory }),
    ...(ephemeralStorage === undefined ? {} : { ephemeralStorage }),
    ...(pid === undefined ? {} : { pid }),
  },
});

/** A table of one integer field: valid, and the invalid values. */
const integerTable = (table: string, key: string, entries: readonly [string, number, boolean][]): KubeletCase[] =>
  entries.map(([entry, value, valid]) => k(`${table} > ${entry}`, { [key]: value }, '', valid ? [] : invalid(key)));

/** The cases. */
export const KUBELET_CONFIGURATION_CASES: KubeletCase[] = [
  k('CPUManagerPolicy > should allow empty cpuManagerPolicy', {}, '', [], { root: 'kubelet' }),
  k("CPUManagerPolicy > should allow cpuManagerPolicy to be 'none'", { cpuManagerPolicy: 'none' }, '', [], { root: 'kubelet' }),
  k('StreamingConnectionIdleTimeout > should allow empty streamingConnectionIdleTimeout', {}, '', []),
  k('StreamingConnectionIdleTimeout > should not allow streamingConnectionIdleTimeout to be with default metav1.Duration value', { streamingConnectionIdleTimeout: '0s' }, '', [
    ['Invalid', 'streamingConnectionIdleTimeout', 'value must be between 30s and 4h'],
  ]),
  k('MemorySwap > should allow empty memory swap', { failSwapOn: true }, '1.35', []),
  k('ImagePullCredentialsVerificationPolicy > should allow empty policy', {}, '1.35', []),
  k('PreloadedImagesVerificationAllowlist > should allow an empty allowlist', { imagePullCredentialsVerificationPolicy: ALLOWLISTED }, '1.35', []),
  ...(
    [
      ['should forbid an empty entry', '', 'the supplied pattern is too short'],
      ['should forbid a non-suffix wildcard', 'registry.example.com/*/foo', "not a valid wildcard pattern, only patterns ending with '/*' are allowed"],
      ['should forbid a wildcard without a registry hostname', '/*', 'at least registry hostname is required'],
      ['should forbid an entry with a tag', 'registry.example.com/foo:latest', 'neither tag nor digest is accepted in an image reference'],
    ] as const
  ).map(([entry, pattern, detail]) =>
    k(`PreloadedImagesVerificationAllowlist > ${entry}`, { imagePullCredentialsVerificationPolicy: ALLOWLISTED, preloadedImagesVerificationAllowlist: [pattern] }, '1.35', [
      ['Invalid', 'preloadedImagesVerificationAllowlist[0]', detail],
    ]),
  ),
  k('EvictionHard & EvictionSoft > valid configuration', eviction('100Mi'), '', []),
  k('EvictionHard & EvictionSoft > only allow resource.Quantity or percent value for any value', eviction('5X'), '', EVICTION_ERRORS),
  k('EvictionHard & EvictionSoft > do not allow negative resource.Quantity', eviction('-100Mi'), '', EVICTION_ERRORS),
  k('EvictionHard & EvictionSoft > do not allow negative percentages', eviction('-5%'), '', EVICTION_ERRORS),
  k('EvictionHard & EvictionSoft > do not allow percentages > 100', eviction('110%'), '', EVICTION_ERRORS),
  k(
    'KubeletConfigEvictionSoftGracePeriod > valid configuration',
    { evictionSoftGracePeriod: { memoryAvailable: '2m0s', imageFSAvailable: '2m0s', imageFSInodesFree: '2m0s', nodeFSAvailable: '2m0s', nodeFSInodesFree: '2m0s' } },
    '',
    [],
  ),
  k('reserved > KubeReserved > valid configuration (cpu)', reserved('100Mi'), '', []),
  k('reserved > KubeReserved > valid configuration (memory)', reserved(undefined, '100Mi'), '', []),
  k('reserved > KubeReserved > valid configuration (storage)', reserved(undefined, undefined, '100Mi'), '', []),
  k('reserved > KubeReserved > valid configuration (pid)', reserved(undefined, undefined, undefined, '100Mi'), '', []),
  k('reserved > KubeReserved > valid configuration (all)', reserved('100Mi', '100Mi', '100Mi', '100Mi'), '', []),
  k('reserved > KubeReserved > only allow positive resource.Quantity for any value', reserved('-100Mi', '100Mi', '100Mi', '100Mi'), '', invalid('kubeReserved.cpu')),
  ...integerTable('ImageGCHighThresholdPercent', 'imageGCHighThresholdPercent', [
    ['0 <= value <= 100', 1, true],
    ['value < 0', -1, false],
    ['value > 100', 101, false],
  ]),
  ...integerTable('ImageGCLowThresholdPercent', 'imageGCLowThresholdPercent', [
    ['0 <= value <= 100', 1, true],
    ['value < 0', -1, false],
    ['value > 100', 101, false],
  ]),
  k('should prevent that imageGCLowThresholdPercent is not less than imageGCHighThresholdPercent', { imageGCLowThresholdPercent: 2, imageGCHighThresholdPercent: 1 }, '', [['Forbidden', 'imageGCLowThresholdPercent']]),
  // Upstream's "nil" entry passes a zero metav1.Duration (the field is not a pointer there).
  k('ImageMinimumGCAge > should allow nil value', { imageMinimumGCAge: '0s' }, '', []),
  k('ImageMinimumGCAge > should allow positive duration', { imageMinimumGCAge: '1m0s' }, '', []),
  k('ImageMinimumGCAge > should not allow negative duration', { imageMinimumGCAge: '-1m0s' }, '', invalid('imageMinimumGCAge')),
  k('ImageMaximumGCAge > should allow nil value', {}, '', []),
  k('ImageMaximumGCAge > should allow positive duration', { imageMaximumGCAge: '1m0s' }, '', []),
  k('ImageMaximumGCAge > should not allow negative duration', { imageMaximumGCAge: '-1m0s' }, '', invalid('imageMaximumGCAge')),
  ...integerTable('EvictionMaxPodGracePeriod', 'evictionMaxPodGracePeriod', [
    ['valid configuration', 90, true],
    ['only allow positive number', -3, false],
  ]),
  ...integerTable('MaxPods', 'maxPods', [
    ['valid configuration', 110, true],
    ['only allow positive number', -3, false],
  ]),
  k('registryPullQPS, registryBurst > should allow positive values', { registryPullQPS: 10, registryBurst: 20 }, '', []),
  k('registryPullQPS, registryBurst > should not allow negative values', { registryPullQPS: -10, registryBurst: -20 }, '', invalid('registryPullQPS', 'registryBurst')),
  k('#ContainerLog > should not accept invalid  containerLogMaxFiles', { containerLogMaxFiles: 1, containerLogMaxSize: '100Mi' }, '', invalid('containerLogMaxFiles')),
  k('#ContainerLog > should accept valid containerLogMaxFiles', { containerLogMaxFiles: 5, containerLogMaxSize: '100Mi' }, '', []),
  k('#ContainerLog > should not accept invalid containerLogMaxSize', { containerLogMaxSize: '-1Mi' }, '', invalid('containerLogMaxSize')),
  k('#ContainerLog > should accept valid containerLogMaxSize', { containerLogMaxSize: '100Mi' }, '', []),
  k('#ContainerLog > should accept empty containerLogMaxSize and containerLogMaxFiles', {}, '', []),
  k('maxParallelImagePulls > should allow positive values', { maxParallelImagePulls: 10 }, '', []),
  k('maxParallelImagePulls > should not allow negative values', { maxParallelImagePulls: -10 }, '', invalid('maxParallelImagePulls')),
  k('maxParallelImagePulls > should not allow maxParallelImagePulls > 1 when serializeImagePulls is set to true', { maxParallelImagePulls: 10, serializeImagePulls: true }, '', [
    ['Forbidden', 'maxParallelImagePulls', 'maxParallelImagePulls cannot be larger than 1 when serializeImagePulls is set to true'],
  ]),
];
