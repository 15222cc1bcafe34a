/**
 * Fields gardener-apiserver's Shoot strategy keeps in step before validation and how it canonicalizes a
 * Shoot before storing it (pkg/apiserver/registry/core/shoot/strategy.go,
 * pkg/utils/gardener/cloudprofile.go):
 * - `spec.cloudProfile` and the deprecated `spec.cloudProfileName` (up to Kubernetes 1.33; from 1.34 only
 *   the kind is defaulted and an unchanged duplicate name dropped);
 * - `spec.dns.providers[].secretName` and `credentialsRef` for Secrets (below Kubernetes 1.35);
 * - after validation: a deprecated `maxEmptyBulkDelete` dropped, `enableAnonymousAuthentication: false`
 *   dropped, add-ons that only switch the dashboard off dropped, the self-hosted label maintained.
 */
import { k8sAtLeastMinor, k8sBelowMinor, trySemVer } from '../../apimachinery/semver.js';
import { isPlainObject, type KubeObject } from '../../apimachinery/types.js';

type Obj = Record<string, unknown>;

const CLOUD_PROFILE = 'CloudProfile';
/** Label of Shoots whose control plane runs on one of their own worker pools. */
export const SELF_HOSTED_LABEL = 'shoot.gardener.cloud/self-hosted';

const specOf = (shoot: KubeObject | undefined): Obj | undefined => (isPlainObject(shoot?.spec) ? shoot.spec : undefined);
const versionOf = (spec: Obj): string => (isPlainObject(spec.kubernetes) && typeof spec.kubernetes.version === 'string' ? spec.kubernetes.version : '');
const textOf = (o: Obj | undefined, k: string): string => (typeof o?.[k] === 'string' ? o[k] : '');

/** Gardener's SyncCloudProfileFields (`old` undefined on create). */
export function syncCloudProfileFields(old: KubeObject | undefined, shoot: KubeObject): void {
  const spec = specOf(shoot);
  if (spec === undefined || shoot.metadata.deletionTimestamp !== undefined) return;
  const version = versionOf(spec);
  const parsed = trySemVer(version) !== undefined;
  let ref = isPlainObject(spec.cloudProfile) ? spec.cloudProfile : undefined;
  const legacy = typeof spec.cloudProfileName === 'string' ? spec.cloudProfileName : undefined;
  if (parsed && k8sAtLeastMinor(version, 34)) {
    if (ref !== undefined && textOf(ref, 'kind') === '') ref.kind = CLOUD_PROFILE;
    const oldLegacy = textOf(specOf(old), 'cloudProfileName');
    if (old !== undefined && legacy !== undefined && ref !== undefined && ref.kind === CLOUD_PROFILE && legacy === oldLegacy && legacy === textOf(ref, 'name')) {
      delete spec.cloudProfileName;
    }
    return;
  }
  if (ref === undefined && legacy !== undefined) ref = spec.cloudProfile = { kind: CLOUD_PROFILE, name: legacy };
  if (ref !== undefined && textOf(ref, 'kind') === '') ref.kind = CLOUD_PROFILE;
  if (ref === undefined) return;
  const name = legacy ?? '';
  if (ref.kind === CLOUD_PROFILE && (!parsed || k8sBelowMinor(version, 33) || (name !== '' && name !== textOf(ref, 'name')))) {
    spec.cloudProfileName = textOf(ref, 'name');
  }
  if (ref.kind !== CLOUD_PROFILE) delete spec.cloudProfileName;
}

/** Gardener's SyncDNSProviderCredentials: a Secret named either way is named both ways (below 1.35). */
export function syncDNSProviderCredentials(shoot: KubeObject): void {
  const spec = specOf(shoot);
  const dns = spec !== undefined && isPlainObject(spec.dns) ? spec.dns : undefined;
  if (spec === undefined || dns === undefined || k8sAtLeastMinor(versionOf(spec), 35)) return;
  for (const p of Array.isArray(dns.providers) ? dns.providers : []) {
    if (!isPlainObject(p)) continue;
    const ref = isPlainObject(p.credentialsRef) ? p.credentialsRef : undefined;
    if (typeof p.secretName === 'string' && ref === undefined) p.credentialsRef = { apiVersion: 'v1', kind: 'Secret', name: p.secretName };
    else if (p.secretName === undefined && ref !== undefined && ref.apiVersion === 'v1' && ref.kind === 'Secret') p.secretName = textOf(ref, 'name');
  }
}

function dropAddonsWithoutEffect(spec: Obj): void {
  const addons = isPlainObject(spec.addons) ? spec.addons : undefined;
  const dashboard = isPlainObject(addons?.kubernetesDashboard) ? addons.kubernetesDashboard : undefined;
  if (addons !== undefined && dashboard !== undefined && dashboard.enabled !== true && (addons.nginxIngress === undefined || addons.nginxIngress === null)) delete spec.addons;
}

/** What the strategy canonicalizes after validation, before storing. */
export function canonicalizeShoot(shoot: KubeObject): void {
  const spec = specOf(shoot);
  if (spec !== undefined && isPlainObject(spec.kubernetes)) {
    const k = spec.kubernetes;
    if (isPlainObject(k.clusterAutoscaler)) delete k.clusterAutoscaler.maxEmptyBulkDelete;
    if (isPlainObject(k.kubeAPIServer) && k.kubeAPIServer.enableAnonymousAuthentication === false) delete k.kubeAPIServer.enableAnonymousAuthentication;
  }
  if (spec !== undefined) dropAddonsWithoutEffect(spec);
  const workers = spec !== undefined && isPlainObject(spec.provider) && Array.isArray(spec.provider.workers) ? spec.provider.workers : [];
  const selfHosted = workers.some((w: unknown) => isPlainObject(w) && w.controlPlane !== undefined && w.controlPlane !== null);
  const labels = { ...(shoot.metadata.labels ?? {}) };
  if (selfHosted) labels[SELF_HOSTED_LABEL] = 'true';
  else delete labels[SELF_HOSTED_LABEL];
  if (Object.keys(labels).length > 0) shoot.metadata.labels = labels;
  else delete shoot.metadata.labels;
}
