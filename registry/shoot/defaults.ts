/**
 * Shoot defaults as gardener-apiserver applies them when decoding a `core.gardener.cloud/v1beta1` Shoot
 * (pkg/apis/core/v1beta1/defaults_shoot.go and its generated call order at b312835d17): the Shoot-wide
 * defaults first, then add-ons, cluster autoscaler, kube-apiserver, VPA, networking, maintenance and
 * worker pools. They run on every write, before validation; a value that is set is never changed.
 *
 * On create only, the etcd encryption key rotation period defaults to 28 days (the ShootMutator
 * admission plugin), written as Go prints it.
 */
import { DURATION } from '../../apimachinery/duration.js';
import { isPlainObject, type KubeObject } from '../../apimachinery/types.js';
import { DEFAULT_ENCRYPTION_PROVIDER } from '../encryptionconfig/types.js';
import { defaultWorkers, defaultWorkerPools } from './defaults-workers.js';
import { child, goDuration, setDefault } from './mutate.js';
import { randomMaintenanceWindow } from './validation/timewindow.js';

/** 28 days as a Go duration string (ETCDEncryptionKeyAutoRotationPeriod). */
export const DEFAULT_ETCD_ENCRYPTION_KEY_ROTATION_PERIOD = '672h0m0s';

type Obj = Record<string, unknown>;

const minutes = (n: number): string => goDuration(BigInt(n) * DURATION.MINUTE);
const hours = (n: number): string => goDuration(BigInt(n) * DURATION.HOUR);
const seconds = (n: number): string => goDuration(BigInt(n) * DURATION.SECOND);

const PROTECTED_TOLERATION = 'seed.gardener.cloud/protected';

/** Shoots in the `garden` namespace tolerate protected seeds. */
function defaultTolerations(shoot: KubeObject, spec: Obj): void {
  if (shoot.metadata.namespace !== 'garden') return;
  const tolerations = Array.isArray(spec.tolerations) ? spec.tolerations : [];
  const present = tolerations.some((t: unknown) => isPlainObject(t) && t.key === PROTECTED_TOLERATION && (t.value === undefined || t.value === null));
  if (!present) spec.tolerations = [...tolerations, { key: PROTECTED_TOLERATION }];
}

function defaultAddonsAndAutoscaler(spec: Obj, kubernetes: Obj): void {
  const nginx = isPlainObject(spec.addons) && isPlainObject(spec.addons.nginxIngress) ? spec.addons.nginxIngress : undefined;
  if (nginx !== undefined) setDefault(nginx, 'externalTrafficPolicy', 'Cluster');
  if (!isPlainObject(kubernetes.clusterAutoscaler)) return;
  const ca = kubernetes.clusterAutoscaler;
  const defaults: [string, unknown][] = [
    ['scaleDownDelayAfterAdd', hours(1)],
    ['scaleDownDelayAfterDelete', seconds(0)],
    ['scaleDownDelayAfterFailure', minutes(3)],
    ['scaleDownUnneededTime', minutes(30)],
    ['scaleDownUtilizationThreshold', 0.5],
    ['scanInterval', seconds(10)],
    ['expander', 'least-waste'],
    ['maxNodeProvisionTime', minutes(20)],
    ['maxGracefulTerminationSeconds', 600],
    ['ignoreDaemonsetsUtilization', false],
    ['emitPerNodeGroupMetrics', false],
    ['verbosity', 2],
    ['newPodScaleUpDelay', seconds(0)],
    ['maxScaleDownParallelism', typeof ca.maxEmptyBulkDelete === 'number' ? ca.maxEmptyBulkDelete : 10],
    ['maxDrainParallelism', 1],
    ['initialNodeGroupBackoffDuration', minutes(5)],
    ['maxNodeGroupBackoffDuration', minutes(30)],
    ['nodeGroupBackoffResetTimeout', hours(3)],
    ['maxBinpackingTime', minutes(5)],
  ];
  for (const [k, v] of defaults) setDefault(ca, k, v);
}

function defaultKubeAPIServer(kas: Obj): void {
  const requests = child(kas, 'requests');
  setDefault(requests, 'maxNonMutatingInflight', 400);
  setDefault(requests, 'maxMutatingInflight', 200);
  setDefault(kas, 'eventTTL', hours(1));
  setDefault(child(kas, 'logging'), 'verbosity', 2);
  const provider = child(child(kas, 'encryptionConfig'), 'provider');
  setDefault(provider, 'type', DEFAULT_ENCRYPTION_PROVIDER);
}

function defaultVerticalPodAutoscaler(kubernetes: Obj): void {
  if (!isPlainObject(kubernetes.verticalPodAutoscaler)) return;
  const vpa = kubernetes.verticalPodAutoscaler;
  const defaults: [string, unknown][] = [
    ['evictAfterOOMThreshold', minutes(10)],
    ['evictionRateBurst', 1],
    ['evictionRateLimit', -1],
    ['evictionTolerance', 0.5],
    ['recommendationMarginFraction', 0.15],
    ['updaterInterval', minutes(1)],
    ['recommenderInterval', minutes(1)],
    ['targetCPUPercentile', 0.9],
    ['recommendationLowerBoundCPUPercentile', 0.5],
    ['recommendationUpperBoundCPUPercentile', 0.95],
    ['cpuHistogramDecayHalfLife', hours(24)],
    ['targetMemoryPercentile', 0.9],
    ['recommendationLowerBoundMemoryPercentile', 0.5],
    ['recommendationUpperBoundMemoryPercentile', 0.95],
    ['memoryHistogramDecayHalfLife', hours(24)],
    ['memoryAggregationInterval', hours(24)],
    ['memoryAggregationIntervalCount', 8],
    ['recommenderUpdateWorkerCount', 10],
  ];
  for (const [k, v] of defaults) setDefault(vpa, k, v);
}

function defaultMaintenance(maintenance: Obj, random: () => number): void {
  if (!isPlainObject(maintenance.timeWindow)) maintenance.timeWindow = randomMaintenanceWindow(random);
  const credentials = isPlainObject(maintenance.autoRotation) && isPlainObject(maintenance.autoRotation.credentials) ? maintenance.autoRotation.credentials : undefined;
  for (const name of ['observability', 'sshKeypair', 'etcdEncryptionKey']) {
    const config = credentials?.[name];
    if (isPlainObject(config)) setDefault(config, 'rotationPeriod', hours(24 * 7));
  }
}

/**
 * Applies the decoding defaults to `shoot` in place. `random` picks the maintenance window's hour when
 * none is given (injectable for tests).
 */
export function applyShootDefaults(shoot: KubeObject, random: () => number = Math.random): void {
  const spec = child(shoot, 'spec');
  const kubernetes = child(spec, 'kubernetes');
  child(kubernetes, 'kubeAPIServer');
  setDefault(spec, 'purpose', 'evaluation');
  defaultTolerations(shoot, spec);
  const maintenance = child(spec, 'maintenance');
  if (!isPlainObject(maintenance.autoUpdate)) maintenance.autoUpdate = { kubernetesVersion: true };
  const networking = child(spec, 'networking');
  defaultWorkers(spec);
  defaultWorkerPools(spec, kubernetes, maintenance);
  setDefault(spec, 'schedulerName', 'default-scheduler');
  defaultAddonsAndAutoscaler(spec, kubernetes);
  defaultKubeAPIServer(child(kubernetes, 'kubeAPIServer'));
  defaultVerticalPodAutoscaler(kubernetes);
  if (!Array.isArray(networking.ipFamilies) || networking.ipFamilies.length === 0) networking.ipFamilies = ['IPv4'];
  defaultMaintenance(maintenance, random);
}

/** On create: `spec.maintenance.autoRotation.credentials.etcdEncryptionKey.rotationPeriod` = 28 days when unset. */
export function applyShootCreateDefaults(shoot: KubeObject): void {
  const rotation = child(child(child(child(child(shoot, 'spec'), 'maintenance'), 'autoRotation'), 'credentials'), 'etcdEncryptionKey');
  if (typeof rotation.rotationPeriod !== 'string') rotation.rotationPeriod = DEFAULT_ETCD_ENCRYPTION_KEY_ROTATION_PERIOD;
}
