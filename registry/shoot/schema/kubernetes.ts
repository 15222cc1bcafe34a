/**
 * Schemas (core.gardener.cloud/v1beta1): The Kubernetes section of the spec: version, controller manager,
 * scheduler, kube-proxy, cluster and vertical pod autoscalers, etcd. Field names and types follow the upstream
 * API; the descriptions are our own.
 */
import type { Definitions } from '../../../openapi/schema.js';
import { bool, boolMap, core, duration, int32, int64, num, obj, quantityMap, refTo, str, strList } from './helpers.js';

/** Definitions of this area, keyed by upstream definition name. */
export const kubernetesDefinitions: Definitions = {
  [core('Kubernetes')]: obj(
    'Kubernetes version and component settings of the cluster.',
    {
      clusterAutoscaler: refTo(core('ClusterAutoscaler'), 'Settings of the cluster-autoscaler.'),
      kubeAPIServer: refTo(core('KubeAPIServerConfig'), 'Settings of the kube-apiserver.'),
      kubeControllerManager: refTo(core('KubeControllerManagerConfig'), 'Settings of the kube-controller-manager.'),
      kubeScheduler: refTo(core('KubeSchedulerConfig'), 'Settings of the kube-scheduler.'),
      kubeProxy: refTo(core('KubeProxyConfig'), 'Settings of kube-proxy.'),
      kubelet: refTo(core('KubeletConfig'), 'Settings of the kubelets of all worker pools.'),
      version: str('Kubernetes version, possibly partial (e.g. "1.33"); defaulted from the cloud profile.'),
      verticalPodAutoscaler: refTo(
        core('VerticalPodAutoscaler'),
        'Settings of the vertical pod autoscaler inside the cluster.',
      ),
      etcd: refTo(core('ETCD'), 'Settings of the etcd clusters.'),
    },
  ),
  [core('KubeControllerManagerConfig')]: obj(
    'Settings of the kube-controller-manager.',
    {
      featureGates: boolMap('Feature gates to switch on (true) or off (false), by name.'),
      horizontalPodAutoscaler: refTo(
        core('HorizontalPodAutoscalerConfig'),
        'Settings of the horizontal pod autoscaler controller.',
      ),
      nodeCIDRMaskSize: int32('Prefix length of the IPv4 pod range given to each node (default 24). Cannot be changed.'),
      podEvictionTimeout: duration('Grace period before pods on failed nodes are deleted. Deprecated and without effect.'),
      nodeMonitorGracePeriod: duration('Time an unresponsive node is given before it is marked unhealthy.'),
      nodeCIDRMaskSizeIPv6: int32(
        'Prefix length of the IPv6 pod range given to each node (default 64). Cannot be changed once set.',
      ),
    },
  ),
  [core('HorizontalPodAutoscalerConfig')]: obj(
    'Settings of the horizontal pod autoscaler in the kube-controller-manager.',
    {
      cpuInitializationPeriod: duration('Period after pod start in which CPU samples are not trusted.'),
      downscaleStabilization: duration('Window over which the highest recommendation is used before scaling down.'),
      initialReadinessDelay: duration('Period after pod start in which readiness changes are treated as initial.'),
      syncPeriod: duration('How often the autoscaler reconciles.'),
      tolerance: num('Relative deviation of the metric from the target below which no scaling happens.'),
    },
  ),
  [core('KubeSchedulerConfig')]: obj(
    'Settings of the kube-scheduler.',
    {
      featureGates: boolMap('Feature gates to switch on (true) or off (false), by name.'),
      kubeMaxPDVols: str('No longer used by the kube-scheduler; volume limits come from the CSI drivers.'),
      profile: str('Scheduling profile: balanced (default) or bin-packing.'),
    },
  ),
  [core('KubeProxyConfig')]: obj(
    'Settings of kube-proxy.',
    {
      featureGates: boolMap('Feature gates to switch on (true) or off (false), by name.'),
      mode: str('Proxy mode: IPTables (default), IPVS or NFTables.'),
      enabled: bool('Whether kube-proxy is deployed (default true); some networking extensions require it.'),
    },
  ),
  [core('ClusterAutoscaler')]: obj(
    'Settings of the cluster-autoscaler that scales the worker pools.',
    {
      scaleDownDelayAfterAdd: duration('Time after a scale-up before scale-down is considered again (default 1h).'),
      scaleDownDelayAfterDelete: duration(
        'Time after a node deletion before scale-down is considered again (default 0s, i.e. the scan interval).',
      ),
      scaleDownDelayAfterFailure: duration(
        'Time after a failed scale-down before scale-down is considered again (default 3m).',
      ),
      scaleDownUnneededTime: duration('How long a node must be unneeded before it may be removed (default 30m).'),
      scaleDownUtilizationThreshold: num('Utilization (0.0 to 1.0) below which a node may be removed (default 0.5).'),
      scanInterval: duration('How often the cluster is checked for scale-up or scale-down (default 10s).'),
      expander: str(
        'Strategy, or comma-separated strategies, for choosing the pool to scale up: least-waste (default), most-pods, priority, random, least-nodes.',
      ),
      maxNodeProvisionTime: duration('How long to wait for a new node to become ready (default 20m).'),
      maxGracefulTerminationSeconds: int32('Seconds to wait for pods to terminate when a node is scaled down (default 600).'),
      ignoreTaints: strList('Taint keys to disregard in node templates. Deprecated: treated like startupTaints.'),
      newPodScaleUpDelay: duration('How long new pods are ignored before they can trigger a scale-up (default 0s).'),
      maxEmptyBulkDelete: int32(
        'Number of empty nodes that may be deleted at once. Deprecated in favour of maxScaleDownParallelism.',
      ),
      ignoreDaemonsetsUtilization: bool(
        'Leaves DaemonSet pods out of the utilization computed for scale-down (default false).',
      ),
      verbosity: int32('Log level of the cluster-autoscaler (default 2).'),
      startupTaints: strList('Taint keys that mark nodes as not ready yet; such nodes still count for scale-up.'),
      statusTaints: strList('Taint keys that are ignored when deciding whether a node is ready.'),
      maxScaleDownParallelism: int32('Number of nodes, empty or not, that may be removed in parallel (default 10).'),
      maxDrainParallelism: int32('Number of non-empty nodes that may be drained and removed in parallel (default 1).'),
      initialNodeGroupBackoffDuration: duration('First back-off of a pool after new nodes failed to start (default 5m).'),
      maxNodeGroupBackoffDuration: duration('Longest back-off of a pool after new nodes failed to start (default 30m).'),
      nodeGroupBackoffResetTimeout: duration(
        'Time after the last failed scale-up after which the back-off is reset (default 3h).',
      ),
      emitPerNodeGroupMetrics: bool('Exposes additional metrics per node group (default false).'),
      maxBinpackingTime: duration(
        'Time limit of bin packing for one scale-up; the scale-up goes on with what was found so far.',
      ),
      autoscaling: refTo(core('ControlPlaneAutoscaling'), 'Vertical autoscaling settings of the cluster-autoscaler pod.'),
    },
  ),
  [core('VerticalPodAutoscaler')]: obj(
    'Settings of the vertical pod autoscaler inside the cluster.',
    {
      enabled: bool('Whether the vertical pod autoscaler is deployed.'),
      evictAfterOOMThreshold: duration(
        'Single-container pods that run out of memory within this time after start are evicted (default 10m0s).',
      ),
      evictionRateBurst: int32('Burst of evictions (default 1).'),
      evictionRateLimit: num('Evictions per second; 0 or -1 means no limit (default -1).'),
      evictionTolerance: num('Fraction of replicas that may be evicted at once when several could be (default 0.5).'),
      recommendationMarginFraction: num('Safety margin added to recommendations, as a fraction of usage (default 0.15).'),
      updaterInterval: duration('How often the updater runs (default 1m0s).'),
      recommenderInterval: duration('How often metrics are fetched (default 1m0s).'),
      targetCPUPercentile: num('Usage percentile the CPU target is based on (default 0.9).'),
      recommendationLowerBoundCPUPercentile: num('Usage percentile of the lower CPU bound (default 0.5).'),
      recommendationUpperBoundCPUPercentile: num('Usage percentile of the upper CPU bound (default 0.95).'),
      targetMemoryPercentile: num('Usage percentile the memory target is based on (default 0.9).'),
      recommendationLowerBoundMemoryPercentile: num('Usage percentile of the lower memory bound (default 0.5).'),
      recommendationUpperBoundMemoryPercentile: num('Usage percentile of the upper memory bound (default 0.95).'),
      cpuHistogramDecayHalfLife: duration('Time after which a CPU sample counts half (default 24h).'),
      memoryHistogramDecayHalfLife: duration('Time after which a memory sample counts half (default 24h).'),
      memoryAggregationInterval: duration('Length of one interval over which peak memory is taken (default 24h).'),
      memoryAggregationIntervalCount: int64('Number of such intervals in the memory aggregation window (default 8).'),
      featureGates: boolMap('Feature gates of the vertical pod autoscaler components.'),
      recommenderUpdateWorkerCount: int32(
        'Workers the recommender uses to update VPAs and checkpoints in parallel (default 10).',
      ),
      maxAllowed: quantityMap('Upper bounds of the recommendations, per resource name (cpu, memory).'),
    },
    ['enabled'],
  ),
  [core('ETCD')]: obj(
    'Settings of the etcd clusters of the control plane.',
    {
      main: refTo(core('ETCDConfig'), "Settings of the etcd that stores the cluster's objects."),
      events: refTo(core('ETCDConfig'), 'Settings of the etcd that stores events.'),
    },
  ),
  [core('ETCDConfig')]: obj(
    'Settings of one etcd cluster.',
    {
      autoscaling: refTo(core('ControlPlaneAutoscaling'), 'Vertical autoscaling settings of this etcd.'),
    },
  ),
};
