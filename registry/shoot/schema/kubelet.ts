/**
 * Schemas (core.gardener.cloud/v1beta1): The kubelet settings (cluster-wide and per worker pool). Field names
 * and types follow the upstream API; the descriptions are our own.
 */
import type { Definitions } from '../../../openapi/schema.js';
import { bool, boolMap, core, duration, int32, int64, obj, quantity, refTo, str, strList } from './helpers.js';

/** Definitions of this area, keyed by upstream definition name. */
export const kubeletDefinitions: Definitions = {
  [core('KubeletConfig')]: obj(
    'Settings of the kubelet.',
    {
      featureGates: boolMap('Feature gates to switch on (true) or off (false), by name.'),
      cpuCFSQuota: bool('Whether CPU limits of pods are enforced with CFS quotas.'),
      cpuManagerPolicy: str('CPU manager policy (default none).'),
      evictionHard: refTo(core('KubeletConfigEviction'), 'Thresholds that trigger immediate pod eviction.'),
      evictionMaxPodGracePeriod: int32(
        'Longest grace period, in seconds, for pods evicted because of a soft threshold (default 90).',
      ),
      evictionMinimumReclaim: refTo(
        core('KubeletConfigEvictionMinimumReclaim'),
        'Amount of a resource to reclaim beyond a threshold once eviction starts.',
      ),
      evictionPressureTransitionPeriod: duration(
        'How long the kubelet waits before leaving an eviction pressure condition (default 4m0s).',
      ),
      evictionSoft: refTo(core('KubeletConfigEviction'), 'Thresholds that trigger eviction once held for their grace period.'),
      evictionSoftGracePeriod: refTo(
        core('KubeletConfigEvictionSoftGracePeriod'),
        'How long each soft threshold must hold before pods are evicted.',
      ),
      maxPods: int32('Maximum number of pods per node (default 110).'),
      podPidsLimit: int64('Maximum number of process IDs per pod.'),
      failSwapOn: bool('Makes the kubelet refuse to start when swap is on (default true).'),
      kubeReserved: refTo(
        core('KubeletConfigReserved'),
        'Resources set aside for Kubernetes node components such as the kubelet and the container runtime.',
      ),
      imageGCHighThresholdPercent: int32('Disk usage in percent that starts image garbage collection (default 50).'),
      imageGCLowThresholdPercent: int32('Disk usage in percent that image garbage collection aims for (default 40).'),
      serializeImagePulls: bool('Pulls one image at a time (default true).'),
      registryPullQPS: int32('Image pulls per second; 0 means no limit (default 5).'),
      registryBurst: int32('Burst of image pulls above registryPullQPS (default 10).'),
      seccompDefault: bool('Uses the RuntimeDefault seccomp profile for all workloads.'),
      containerLogMaxSize: quantity('Size at which a container log file is rotated, e.g. 100Mi (default).'),
      containerLogMaxFiles: int32('Number of log files kept per container.'),
      protectKernelDefaults: bool("Requires kernel tunables to match the kubelet's defaults (default true)."),
      streamingConnectionIdleTimeout: duration(
        'Idle time after which streaming connections are closed, between 30s and 4h (default 5m).',
      ),
      memorySwap: refTo(core('MemorySwapConfiguration'), 'Swap settings for workloads.'),
      maxParallelImagePulls: int32('Upper bound of parallel image pulls; not allowed together with serializeImagePulls=true.'),
      imageMinimumGCAge: duration('Minimum age of an unused image before it may be removed (default 2m0s).'),
      imageMaximumGCAge: duration('Maximum age of an unused image before it is removed; 0s disables this (default).'),
      singleProcessOOMKill: bool('Kills only the offending process instead of the whole container on OOM with cgroups v2.'),
      imagePullCredentialsVerificationPolicy: str(
        'When credentials are re-checked for images already on the node: NeverVerify, NeverVerifyPreloadedImages, NeverVerifyAllowlistedImages or AlwaysVerify.',
      ),
      preloadedImagesVerificationAllowlist: strList(
        'Images exempt from credential re-checks under NeverVerifyAllowlistedImages.',
      ),
    },
  ),
  [core('KubeletConfigEviction')]: obj(
    'Eviction thresholds, each a quantity (e.g. 100Mi) or a percentage (e.g. 5%).',
    {
      memoryAvailable: str('Threshold of free memory on the node.'),
      imageFSAvailable: str('Threshold of free space on the image filesystem.'),
      imageFSInodesFree: str('Threshold of free inodes on the image filesystem.'),
      nodeFSAvailable: str("Threshold of free space on the node's root filesystem."),
      nodeFSInodesFree: str("Threshold of free inodes on the node's root filesystem."),
    },
  ),
  [core('KubeletConfigEvictionMinimumReclaim')]: obj(
    'Amounts to reclaim beyond an eviction threshold.',
    {
      memoryAvailable: quantity('Memory to reclaim.'),
      imageFSAvailable: quantity('Space to reclaim on the image filesystem.'),
      imageFSInodesFree: quantity('Inodes to reclaim on the image filesystem.'),
      nodeFSAvailable: quantity("Space to reclaim on the node's root filesystem."),
      nodeFSInodesFree: quantity("Inodes to reclaim on the node's root filesystem."),
    },
  ),
  [core('KubeletConfigEvictionSoftGracePeriod')]: obj(
    'Grace periods of the soft eviction thresholds.',
    {
      memoryAvailable: duration('Grace period of the memory threshold.'),
      imageFSAvailable: duration('Grace period of the image filesystem space threshold.'),
      imageFSInodesFree: duration('Grace period of the image filesystem inode threshold.'),
      nodeFSAvailable: duration('Grace period of the root filesystem space threshold.'),
      nodeFSInodesFree: duration('Grace period of the root filesystem inode threshold.'),
    },
  ),
  [core('KubeletConfigReserved')]: obj(
    'Resources reserved on each node.',
    {
      cpu: quantity('Reserved CPU.'),
      memory: quantity('Reserved memory.'),
      ephemeralStorage: quantity('Reserved ephemeral storage.'),
      pid: quantity('Reserved process IDs.'),
    },
  ),
  [core('MemorySwapConfiguration')]: obj(
    'Swap settings of the kubelet.',
    {
      swapBehavior: str('How workloads may use swap: NoSwap or LimitedSwap (default).'),
    },
  ),
};
