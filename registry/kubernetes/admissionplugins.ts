/**
 * kube-apiserver admission plugins by the Kubernetes versions they exist in, and whether a cluster may
 * not disable them (`required`), may configure them (`configurable`) or may not use them at all
 * (`forbidden`): the list Gardener keeps at b312835d17. {@link validateAdmissionPlugins} applies
 * Gardener's rules to `spec.kubernetes.kubeAPIServer.admissionPlugins`.
 */
import { FieldPath, fieldErr, type FieldError } from '../../apimachinery/field.js';
import { isPlainObject } from '../../apimachinery/types.js';
import { SemVerError } from '../../apimachinery/semver.js';
import { rangeContains, readTable } from './table.js';

// name, added in, removed in, flags
const ADMISSION_PLUGINS = readTable(`
AlwaysAdmit                          -     -     -
AlwaysDeny                           -     -     -
AlwaysPullImages                     -     -     -
CertificateApproval                  -     -     -
CertificateSigning                   -     -     -
CertificateSubjectRestriction        -     -     -
ClusterTrustBundleAttest             -     -     -
DefaultIngressClass                  -     -     -
DefaultStorageClass                  -     -     -
DefaultTolerationSeconds             -     -     -
DenyServiceExternalIPs               -     -     -
EventRateLimit                       -     -     configurable
ExtendedResourceToleration           -     -     -
ImagePolicyWebhook                   -     -     configurable
JobValidation                        1.36  -     -
LimitPodHardAntiAffinityTopology     -     -     -
LimitRanger                          -     -     -
MutatingAdmissionPolicy              1.32  -     -
MutatingAdmissionWebhook             -     -     required,configurable
NamespaceAutoProvision               -     -     -
NamespaceExists                      -     -     -
NamespaceLifecycle                   -     -     required
NodeDeclaredFeatureValidator         1.35  -     -
NodeRestriction                      -     -     required
OwnerReferencesPermissionEnforcement -     -     -
PersistentVolumeClaimResize          -     -     -
PersistentVolumeLabel                -     1.31  -
PodGroupProtection                   1.36  -     -
PodGroupWorkloadExists               1.36  -     -
PodNodeSelector                      -     -     configurable
PodResizeValidator                   1.36  -     -
PodSecurity                          -     -     required,configurable
PodTolerationRestriction             -     -     configurable
PodTopologyLabels                    1.33  -     -
Priority                             -     -     required
ResourceQuota                        -     -     configurable
RuntimeClass                         -     -     -
ServiceAccount                       -     -     -
StorageObjectInUseProtection         -     -     required
TaintNodesByCondition                -     -     -
ValidatingAdmissionPolicy            -     -     -
ValidatingAdmissionWebhook           -     -     required,configurable`);

/** Plugins that may name a kubeconfig Secret for their webhook backend. */
const EXTERNAL_KUBECONFIG: ReadonlySet<string> = new Set(['ValidatingAdmissionWebhook', 'MutatingAdmissionWebhook', 'ImagePolicyWebhook']);

const POD_SECURITY_GROUP = 'pod-security.admission.config.k8s.io';
const POD_SECURITY_VERSIONS: ReadonlySet<string> = new Set(['v1', 'v1beta1', 'v1alpha1'].map((v) => `${POD_SECURITY_GROUP}/${v}`));

const has = (name: string, flag: string): boolean => ADMISSION_PLUGINS.get(name)?.flags.includes(flag) === true;

/** Plugins that exist in `version` and are forbidden, sorted. */
function forbiddenIn(version: string): string[] {
  return [...ADMISSION_PLUGINS.entries()]
    .filter(([, e]) => rangeContains(e, version) && e.flags.includes('forbidden'))
    .map(([n]) => n)
    .sort();
}

/** Why a PodSecurity configuration does not decode as a PodSecurityConfiguration, or undefined. */
function podSecurityConfigError(config: unknown): string | undefined {
  const text = JSON.stringify(config);
  if (!isPlainObject(config) || typeof config.kind !== 'string' || config.kind === '') return `cannot decode the given config: Object 'Kind' is missing in '${text}'`;
  const gv = typeof config.apiVersion === 'string' ? config.apiVersion : '';
  if (!POD_SECURITY_VERSIONS.has(gv) || config.kind !== 'PodSecurityConfiguration') return 'expected pod-security.admission.config.k8s.io/v1.PodSecurityConfiguration';
  const wrong = (v: unknown, what: string): boolean => v !== undefined && v !== null && !(what === 'object' ? isPlainObject(v) : Array.isArray(v));
  if (wrong(config.defaults, 'object')) return 'cannot decode the given config: json: cannot unmarshal into Go struct field PodSecurityConfiguration.defaults of type api.PodSecurityDefaults';
  if (wrong(config.exemptions, 'object')) return 'cannot decode the given config: json: cannot unmarshal into Go struct field PodSecurityConfiguration.exemptions of type api.PodSecurityExemptions';
  const ex = isPlainObject(config.exemptions) ? config.exemptions : {};
  for (const k of ['usernames', 'namespaces', 'runtimeClasses']) {
    if (wrong(ex[k], 'array')) return `cannot decode the given config: json: cannot unmarshal into Go struct field PodSecurityExemptions.exemptions.${k} of type []string`;
  }
  return undefined;
}

/** The rules of one known, supported plugin. */
function validateKnownPlugin(plugin: Record<string, unknown>, name: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const config = plugin.config;
  if (config !== undefined && config !== null && !has(name, 'configurable')) {
    errs.push(fieldErr.forbidden(path.child('config'), `admission plugin ${JSON.stringify(name)} does not allow configuration`));
  }
  if (plugin.disabled === true && has(name, 'required')) {
    errs.push(fieldErr.forbidden(path, `admission plugin ${JSON.stringify(name)} cannot be disabled`));
  }
  if (typeof plugin.kubeconfigSecretName === 'string' && !EXTERNAL_KUBECONFIG.has(name)) {
    errs.push(fieldErr.forbidden(path.child('kubeconfigSecretName'), `admission plugin ${JSON.stringify(name)} does not allow specifying external kubeconfig`));
  }
  if (name === 'PodSecurity' && config !== undefined && config !== null) {
    const detail = podSecurityConfigError(config);
    if (detail !== undefined) errs.push(fieldErr.invalid(path.child('config'), JSON.stringify(config), detail));
  }
  return errs;
}

/** Gardener's ValidateAdmissionPlugins for `version`. */
export function validateAdmissionPlugins(plugins: readonly unknown[] | undefined, version: string, path: FieldPath): FieldError[] {
  let allForbidden: string[];
  try {
    allForbidden = forbiddenIn(version);
  } catch (e: unknown) {
    if (e instanceof SemVerError) return [fieldErr.internal(path, e.message)];
    throw e;
  }
  const errs: FieldError[] = [];
  const used: string[] = [];
  for (const [i, p] of (plugins ?? []).entries()) {
    const plugin = isPlainObject(p) ? p : {};
    const name = typeof plugin.name === 'string' ? plugin.name : '';
    const at = path.index(i);
    if (name === '') return [...errs, fieldErr.required(at.child('name'), 'must provide a name')];
    const entry = ADMISSION_PLUGINS.get(name);
    if (entry === undefined) errs.push(fieldErr.invalid(at.child('name'), name, `unknown admission plugin ${JSON.stringify(name)}`));
    else if (!rangeContains(entry, version)) {
      errs.push(fieldErr.forbidden(at.child('name'), `admission plugin ${JSON.stringify(name)} is not supported in Kubernetes version ${version}`));
    } else {
      if (entry.flags.includes('forbidden')) used.push(name);
      errs.push(...validateKnownPlugin(plugin, name, at));
    }
  }
  if (used.length > 0) {
    const detail = `forbidden admission plugin(s) [${used.join(' ')}] - do not use plugins from the following list for Kubernetes version ${version}: [${allForbidden.join(' ')}]`;
    errs.push(fieldErr.forbidden(path, detail));
  }
  return errs;
}
