/**
 * The warnings gardener-apiserver sends with a Shoot create or update (pkg/api/core/shoot/warnings.go),
 * as `Warning: 299` headers: credentials rotations that are due or left incomplete (updates only) and
 * deprecated fields and annotations. Computed on the object as it is stored, after validation passed;
 * the status subresource sends none.
 */
import { formatDuration } from '../../apimachinery/duration.js';
import { k8sAtLeastMinor, k8sBelowMinor } from '../../apimachinery/semver.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { ipvsProxy } from './validation/changes.js';
import { workersOf } from './validation/provider.js';
import { child, isSet, objs, path, str } from './validation/read.js';

const DOCS = 'https://github.com/gardener/gardener/blob/master/docs/usage/shoot-operations/shoot_credentials_rotation.md';
const ETCD_KEY_START = 'rotate-etcd-encryption-key-start';
const ETCD_KEY_COMPLETE = 'rotate-etcd-encryption-key-complete';

/** Milliseconds since the epoch of an RFC 3339 time; Go's zero time for a missing or unreadable one. */
function timeOf(value: unknown): number {
  const t = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isNaN(t) ? -62135596800000 : t;
}

/** Whether `t` (ms) lies more than `thresholdMs` before `now`. */
function oldEnough(t: number, thresholdMs: number, now: number): boolean {
  return t + thresholdMs < now;
}

function initiationDue(rotation: unknown, thresholdMs: number, now: number): boolean {
  return rotation === undefined || !isSet(rotation, 'lastInitiationTime') || oldEnough(timeOf(str(rotation, 'lastInitiationTime')), thresholdMs, now);
}

function completionDue(rotation: unknown, thresholdMs: number, now: number): boolean {
  if (rotation === undefined || !isSet(rotation, 'lastInitiationFinishedTime')) return false;
  const finished = timeOf(str(rotation, 'lastInitiationFinishedTime'));
  if (isSet(rotation, 'lastCompletionTriggeredTime') && timeOf(str(rotation, 'lastCompletionTriggeredTime')) > finished) return false;
  return oldEnough(finished, thresholdMs, now);
}

/** Gardener's ShootEnablesSSHAccess: workers, and SSH access not switched off. */
function enablesSSHAccess(spec: unknown): boolean {
  const ssh = path(spec, 'provider', 'workersSettings', 'sshAccess');
  return workersOf(spec).length > 0 && (ssh === undefined || ssh['enabled'] === true);
}

function dueRotations(shoot: KubeObject, intervalMs: number, now: number): string[] {
  if (!oldEnough(timeOf(shoot.metadata.creationTimestamp), intervalMs, now)) return [];
  const rotation = path(shoot, 'status', 'credentials', 'rotation');
  if (rotation === undefined) return [`you should consider rotating the shoot credentials, see ${DOCS}#gardener-provided-credentials for details`];
  const spec = child(shoot, 'spec');
  const due = (name: string) => initiationDue(child(rotation, name), intervalMs, now);
  const warnings: string[] = [];
  if (due('certificateAuthorities')) warnings.push(`you should consider rotating the certificate authorities, see ${DOCS}#certificate-authorities for details`);
  if (due('etcdEncryptionKey')) warnings.push(`you should consider rotating the ETCD encryption key, see ${DOCS}#etcd-encryption-key for details`);
  if (str(spec, 'purpose') !== 'testing' && due('observability')) {
    warnings.push(`you should consider rotating the observability passwords, see ${DOCS}#observability-passwords-for-plutono for details`);
  }
  if (due('serviceAccountKey')) warnings.push(`you should consider rotating the ServiceAccount token signing key, see ${DOCS}#serviceaccount-token-signing-key for details`);
  if (enablesSSHAccess(spec) && due('sshKeypair')) warnings.push(`you should consider rotating the SSH keypair, see ${DOCS}#ssh-key-pair-for-worker-nodes for details`);
  return warnings;
}

function incompleteRotations(shoot: KubeObject, intervalNs: bigint, now: number): string[] {
  const rotation = path(shoot, 'status', 'credentials', 'rotation');
  if (rotation === undefined) return [];
  const recommendedNs = intervalNs / 3n;
  const recommendedMs = Number(recommendedNs / 1_000_000n);
  const credentials: [string, string][] = [
    ['certificateAuthorities', 'certificate authorities'],
    ['etcdEncryptionKey', 'ETCD encryption key'],
    ['serviceAccountKey', 'ServiceAccount token signing key'],
  ];
  return credentials
    .filter(([name]) => completionDue(child(rotation, name), recommendedMs, now))
    .map(([, what]) => `the ${what} rotation initiation was finished more than ${formatDuration(recommendedNs)} ago and should be completed`);
}

function fieldWarnings(shoot: KubeObject, old: KubeObject | undefined): string[] {
  const spec = child(shoot, 'spec');
  const kubernetes = child(spec, 'kubernetes');
  const version = str(kubernetes, 'version') ?? '';
  const warnings: string[] = [];
  if (isSet(child(kubernetes, 'kubeControllerManager'), 'podEvictionTimeout')) {
    warnings.push('you are setting the spec.kubernetes.kubeControllerManager.podEvictionTimeout field. The field does not have effect since Kubernetes 1.13 and is forbidden to be set starting from Kubernetes 1.33. Instead, use the spec.kubernetes.kubeAPIServer.(defaultNotReadyTolerationSeconds/defaultUnreachableTolerationSeconds) fields.');
  }
  const operation = shoot.metadata.annotations?.['gardener.cloud/operation'];
  if (operation === ETCD_KEY_START || operation === ETCD_KEY_COMPLETE) {
    warnings.push(`you are setting the operation annotation to ${operation}. This annotation has been deprecated and is forbidden to be set starting from Kubernetes 1.34. Instead, use the rotate-etcd-encryption-key annotation, which performs a full rotation of the ETCD encryption key.`);
  }
  if (k8sBelowMinor(version, 33) && isSet(child(kubernetes, 'clusterAutoscaler'), 'maxEmptyBulkDelete')) {
    warnings.push('you are setting the spec.kubernetes.clusterAutoscaler.maxEmptyBulkDelete field. The field has been deprecated and is forbidden to be set starting from Kubernetes 1.33. The value is not used and will be set to nil. Instead, use the spec.kubernetes.clusterAutoscaler.maxScaleDownParallelism field.');
  }
  if (k8sAtLeastMinor(version, 33) && (str(spec, 'cloudProfileName') ?? '') !== '') {
    warnings.push('you are setting the spec.cloudProfileName field. The field is deprecated and will be forcefully set empty starting with Kubernetes 1.34. Use the new spec.cloudProfile.name field instead.');
  }
  if (isSet(spec, 'addons')) warnings.push('you are setting the spec.addons field. The field is deprecated and will be forbidden starting with Kubernetes 1.35.');
  if (ipvsProxy(spec ?? {})) {
    if (k8sAtLeastMinor(version, 35)) {
      warnings.push('you are using IPVS mode for kube-proxy. The IPVS mode is deprecated starting with Kubernetes 1.35. Please switch to iptables or nftables mode.');
    } else if (old !== undefined && !ipvsProxy(child(old, 'spec') ?? {})) {
      warnings.push('you have switched to IPVS mode for kube-proxy. The IPVS mode is deprecated starting with Kubernetes 1.35. Please switch to iptables or nftables mode.');
    }
  }
  if (isSet(child(kubernetes, 'kubeScheduler'), 'kubeMaxPDVols')) {
    warnings.push('you are setting the spec.kubernetes.kubeScheduler.kubeMaxPDVols field. The field has been deprecated and is forbidden to be set starting from Kubernetes 1.35. The kubeMaxPDVols configuration is no longer necessary as values are set by the respective CSI driver.');
  }
  if (isSet(spec, 'secretBindingName')) {
    warnings.push('spec.secretBindingName is deprecated and will be disallowed starting with Kubernetes 1.34. For migration instructions, see: https://github.com/gardener/gardener/blob/master/docs/usage/shoot-operations/secretbinding-to-credentialsbinding-migration.md');
  }
  const apiServer = child(kubernetes, 'kubeAPIServer');
  if (isSet(apiServer, 'enableAnonymousAuthentication')) {
    warnings.push('you are setting the spec.kubernetes.kubeAPIServer.enableAnonymousAuthentication field. The field is deprecated. Using Kubernetes v1.32 and above, please use anonymous authentication configuration. See: https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-authenticator-configuration');
  }
  if (isSet(child(apiServer, 'watchCacheSizes'), 'default')) {
    warnings.push('you are setting the spec.kubernetes.kubeAPIServer.watchCacheSizes.default field. The field has been deprecated and is forbidden to be set starting from Kubernetes 1.35. The cache size is automatically sized by the kube-apiserver.');
  }
  objs(child(spec, 'dns'), 'providers').forEach((provider, i) => {
    if (isSet(provider, 'secretName')) {
      warnings.push(`you are setting the spec.dns.providers[${i}].secretName field. The field is deprecated and is forbidden to be set starting from Kubernetes 1.35. Use spec.dns.providers[${i}].credentialsRef instead.`);
    }
  });
  return warnings;
}

/**
 * The warnings for `shoot` (and, on update, the stored `old`) in gardener-apiserver's order.
 * `intervalSeconds` is `--shoot-credentials-rotation-interval`; `now` in milliseconds.
 */
export function shootWarnings(shoot: KubeObject, old: KubeObject | undefined, intervalSeconds: number, now = Date.now()): string[] {
  const intervalNs = BigInt(Math.round(intervalSeconds * 1e9));
  const rotations = old === undefined ? [] : [...dueRotations(shoot, intervalSeconds * 1000, now), ...incompleteRotations(shoot, intervalNs, now)];
  return [...rotations, ...fieldWarnings(shoot, old)];
}
