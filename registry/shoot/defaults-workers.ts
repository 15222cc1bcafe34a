/**
 * Shoot defaults that concern worker pools: per pool (CRI, kubelet swap, control plane exposure type,
 * update strategy and rollout limits, system components), and for Shoots with workers the node
 * components (kube-apiserver toleration seconds, kube-controller-manager node CIDR masks, kube-scheduler,
 * kube-proxy, kubelet, dashboard authentication, machine image updates, SSH access, CoreDNS).
 */
import { isPlainObject } from '../../apimachinery/types.js';
import { child, goDuration, setDefault } from './mutate.js';
import { DURATION } from '../../apimachinery/duration.js';

type Obj = Record<string, unknown>;

const objects = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isPlainObject) : []);

/** A kubelet's failSwapOn, and LimitedSwap when the NodeSwap gate is on and swapping allowed. */
function defaultKubeletSwap(kubelet: Obj): void {
  setDefault(kubelet, 'failSwapOn', true);
  const gates = isPlainObject(kubelet.featureGates) ? kubelet.featureGates : {};
  if (gates.NodeSwap === true && kubelet.failSwapOn === false) setDefault(child(kubelet, 'memorySwap'), 'swapBehavior', 'LimitedSwap');
}

function defaultPool(worker: Obj, providerType: unknown): void {
  if (!isPlainObject(worker.cri)) worker.cri = { name: 'containerd' };
  const kubelet = isPlainObject(worker.kubernetes) && isPlainObject(worker.kubernetes.kubelet) ? worker.kubernetes.kubelet : undefined;
  if (kubelet !== undefined) defaultKubeletSwap(kubelet);
  const cp = worker.controlPlane;
  const extension = isPlainObject(cp) && isPlainObject(cp.exposure) && isPlainObject(cp.exposure.extension) ? cp.exposure.extension : undefined;
  if (extension !== undefined) setDefault(extension, 'type', typeof providerType === 'string' ? providerType : '');
  setDefault(worker, 'updateStrategy', 'AutoRollingUpdate');
  const strategy = worker.updateStrategy;
  if (strategy === 'AutoInPlaceUpdate' || strategy === 'ManualInPlaceUpdate') {
    if (strategy === 'AutoInPlaceUpdate') {
      setDefault(worker, 'maxSurge', 0);
      setDefault(worker, 'maxUnavailable', 1);
    }
    setDefault(child(worker, 'machineControllerManager'), 'disableHealthTimeout', true);
  } else {
    setDefault(worker, 'maxSurge', 1);
    setDefault(worker, 'maxUnavailable', 0);
  }
  if (!isPlainObject(worker.systemComponents)) worker.systemComponents = { allow: true };
}

/** Per-pool defaults of every worker pool. */
export function defaultWorkers(spec: Obj): void {
  const provider = isPlainObject(spec.provider) ? spec.provider : undefined;
  for (const w of objects(provider?.workers)) defaultPool(w, provider?.type);
}

/** kube-controller-manager's node CIDR mask: room for twice the highest maxPods (110 by default). */
function defaultNodeCIDRMaskSize(kubernetes: Obj, workers: Obj[]): number {
  const shootKubelet = isPlainObject(kubernetes.kubelet) ? kubernetes.kubelet : {};
  let maxPods = typeof shootKubelet.maxPods === 'number' ? shootKubelet.maxPods : 110;
  for (const w of workers) {
    const kubelet = isPlainObject(w.kubernetes) && isPlainObject(w.kubernetes.kubelet) ? w.kubernetes.kubelet : {};
    if (typeof kubelet.maxPods === 'number' && kubelet.maxPods > maxPods) maxPods = kubelet.maxPods;
  }
  return 32 - Math.ceil(Math.log2(maxPods * 2));
}

function defaultControllerManager(kubernetes: Obj, families: unknown[], workers: Obj[]): void {
  const kcm = child(kubernetes, 'kubeControllerManager');
  const v4Only = families.length === 0 || (families.length === 1 && families[0] === 'IPv4');
  const v6Only = families.length === 1 && families[0] === 'IPv6';
  const dual = families.includes('IPv4') && families.includes('IPv6');
  const unset = (k: string): boolean => kcm[k] === undefined || kcm[k] === null;
  if (v4Only && unset('nodeCIDRMaskSize')) kcm.nodeCIDRMaskSize = defaultNodeCIDRMaskSize(kubernetes, workers);
  if (v6Only && unset('nodeCIDRMaskSize') && unset('nodeCIDRMaskSizeIPv6')) kcm.nodeCIDRMaskSize = 64;
  if (dual) {
    if (unset('nodeCIDRMaskSize')) kcm.nodeCIDRMaskSize = defaultNodeCIDRMaskSize(kubernetes, workers);
    setDefault(kcm, 'nodeCIDRMaskSizeIPv6', 64);
  }
  setDefault(kcm, 'nodeMonitorGracePeriod', goDuration(40n * DURATION.SECOND));
}

function defaultKubelet(kubernetes: Obj): void {
  const kubelet = child(kubernetes, 'kubelet');
  defaultKubeletSwap(kubelet);
  setDefault(kubelet, 'imageMinimumGCAge', goDuration(2n * DURATION.MINUTE));
  setDefault(kubelet, 'imageMaximumGCAge', goDuration(0n));
  setDefault(kubelet, 'imageGCHighThresholdPercent', 50);
  setDefault(kubelet, 'imageGCLowThresholdPercent', 40);
  const parallel = kubelet.maxParallelImagePulls;
  setDefault(kubelet, 'serializeImagePulls', !(typeof parallel === 'number' && parallel >= 2));
}

/** Defaults that only a Shoot with workers gets. */
export function defaultWorkerPools(spec: Obj, kubernetes: Obj, maintenance: Obj): void {
  const workers = objects(isPlainObject(spec.provider) ? spec.provider.workers : undefined);
  if (workers.length === 0) return;
  const kas = child(kubernetes, 'kubeAPIServer');
  setDefault(kas, 'defaultNotReadyTolerationSeconds', 300);
  setDefault(kas, 'defaultUnreachableTolerationSeconds', 300);
  const networking = isPlainObject(spec.networking) ? spec.networking : {};
  defaultControllerManager(kubernetes, Array.isArray(networking.ipFamilies) ? networking.ipFamilies : [], workers);
  setDefault(child(kubernetes, 'kubeScheduler'), 'profile', 'balanced');
  const proxy = child(kubernetes, 'kubeProxy');
  setDefault(proxy, 'mode', 'IPTables');
  setDefault(proxy, 'enabled', true);
  const dashboard = isPlainObject(spec.addons) && isPlainObject(spec.addons.kubernetesDashboard) ? spec.addons.kubernetesDashboard : undefined;
  if (dashboard?.enabled === true) setDefault(dashboard, 'authenticationMode', 'token');
  defaultKubelet(kubernetes);
  setDefault(child(maintenance, 'autoUpdate'), 'machineImageVersion', true);
  const settings = child(child(spec, 'provider'), 'workersSettings');
  if (!isPlainObject(settings.sshAccess)) settings.sshAccess = { enabled: true };
  const autoscaling = child(child(child(spec, 'systemComponents'), 'coreDNS'), 'autoscaling');
  if (autoscaling.mode !== 'horizontal' && autoscaling.mode !== 'cluster-proportional') autoscaling.mode = 'horizontal';
}
