/**
 * Smaller parts of the Shoot spec: add-ons (dashboard and nginx ingress), monitoring receivers, system
 * components (CoreDNS autoscaling and rewriting), seed tolerations and the node-local DNS switch of an
 * update. Texts are Gardener's.
 */
import { cidrValueErrors } from '../../../apimachinery/cidr.js';
import { FieldPath, fieldErr, type FieldError } from '../../../apimachinery/field.js';
import { validateLabelName } from '../../../apimachinery/labelvalidation.js';
import { k8sAtLeastMinor } from '../../../apimachinery/semver.js';
import { byteLength, isConfigMapKey, isDNS1123Subdomain, isValidLabelValue } from '../../../apimachinery/validation.js';
import { WORKERLESS } from './common.js';
import { bool, child, map, objs, str, strOr, strs, type Obj } from './read.js';

const TRAFFIC_POLICIES = ['Cluster', 'Local'];
const DASHBOARD_AUTH_MODES = ['token'];
const COREDNS_AUTOSCALING_MODES = ['cluster-proportional', 'horizontal'];
/** Largest Secret or ConfigMap payload (corev1.MaxSecretSize). */
const MAX_CONFIG_SIZE = 1024 * 1024;
const EMAIL = /^[^@]+@(?:[a-zA-Z0-9-]+\.)+[a-zA-Z]{2,}$/;

/** Whether the add-on is enabled. */
export function addonEnabled(addons: Obj | undefined, name: 'nginxIngress' | 'kubernetesDashboard'): boolean {
  return bool(child(addons, name), 'enabled') === true;
}

function nginxIngress(ingress: Obj, allowed: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!allowed) errs.push(fieldErr.forbidden(path.child('enabled'), 'nginx ingress addon disallowed by landscape operator'));
  strs(ingress, 'loadBalancerSourceRanges').forEach((range, i) => {
    for (const msg of cidrValueErrors(range)) errs.push(fieldErr.invalid(path.child('loadBalancerSourceRanges').index(i), range, msg));
  });
  let total = 0;
  for (const [key, value] of Object.entries(map(ingress, 'config') ?? {})) {
    for (const msg of isConfigMapKey(key)) errs.push(fieldErr.invalid(path.child('config').key(key), key, msg));
    total += typeof value === 'string' ? byteLength(value) : 0;
  }
  if (total > MAX_CONFIG_SIZE) errs.push(fieldErr.tooLong(path.child('config'), '', MAX_CONFIG_SIZE));
  const policy = str(ingress, 'externalTrafficPolicy');
  if (policy !== undefined && !TRAFFIC_POLICIES.includes(policy)) errs.push(fieldErr.notSupported(path.child('externalTrafficPolicy'), policy, TRAFFIC_POLICIES));
  return errs;
}

/** `spec.addons` (validateAddons); `allowNginxIngress` reflects the landscape's DisableNginxIngressInShoot gate. */
export function validateAddons(addons: Obj | undefined, purpose: string | undefined, workerless: boolean, version: string, allowNginxIngress: boolean, path: FieldPath): FieldError[] {
  if (addons === undefined) return [];
  if (workerless) return [fieldErr.forbidden(path, 'addons cannot be enabled for Workerless Shoot clusters')];
  if (k8sAtLeastMinor(version, 35)) return [fieldErr.forbidden(path, 'for Kubernetes versions >= 1.35, addons field is no longer supported')];
  const errs: FieldError[] = [];
  const nginx = addonEnabled(addons, 'nginxIngress');
  const dashboard = addonEnabled(addons, 'kubernetesDashboard');
  if ((nginx || dashboard) && purpose !== undefined && purpose !== 'evaluation') {
    errs.push(fieldErr.forbidden(path, 'addons can only be enabled on shoots with .spec.purpose=evaluation'));
  }
  if (nginx) errs.push(...nginxIngress(child(addons, 'nginxIngress') ?? {}, allowNginxIngress, path.child('nginxIngress')));
  const mode = str(child(addons, 'kubernetesDashboard'), 'authenticationMode');
  if (dashboard && mode !== undefined && !DASHBOARD_AUTH_MODES.includes(mode)) {
    errs.push(fieldErr.notSupported(path.child('kubernetesDashboard', 'authenticationMode'), mode, DASHBOARD_AUTH_MODES));
  }
  return errs;
}

/** `spec.monitoring.alerting.emailReceivers`: valid and unique addresses. */
export function validateMonitoring(monitoring: Obj | undefined, path: FieldPath): FieldError[] {
  const alerting = child(monitoring, 'alerting');
  if (alerting === undefined) return [];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  strs(alerting, 'emailReceivers').forEach((email, i) => {
    const at = path.child('alerting', 'emailReceivers').index(i);
    if (!EMAIL.test(email)) errs.push(fieldErr.invalid(at, email, 'must provide a valid email'));
    if (seen.has(email)) errs.push(fieldErr.duplicate(at, email));
    else seen.add(email);
  });
  return errs;
}

/** CoreDNS rewriting suffixes: a non-leading dot, unique, a DNS subdomain. */
export function validateCoreDNSRewritingCommonSuffixes(suffixes: string[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  suffixes.forEach((raw, i) => {
    const at = path.child('commonSuffixes').index(i);
    const dots = raw.split('.').length - 1;
    if (dots < 1 || (raw.startsWith('.') && dots < 2)) errs.push(fieldErr.invalid(at, raw, "must contain at least one non-leading dot ('.')"));
    const s = raw.startsWith('.') ? raw.slice(1) : raw;
    if (seen.has(s)) errs.push(fieldErr.duplicate(at, s));
    else seen.add(s);
    if (isDNS1123Subdomain(s.endsWith('.') ? s.slice(0, -1) : s).length > 0) errs.push(fieldErr.invalid(at, s, 'must be a valid DNS subdomain'));
  });
  return errs;
}

/** `spec.systemComponents` (ValidateSystemComponents). */
export function validateSystemComponents(sc: Obj | undefined, path: FieldPath, workerless: boolean): FieldError[] {
  if (sc === undefined) return [];
  if (workerless) return [fieldErr.forbidden(path, WORKERLESS)];
  const coreDNS = child(sc, 'coreDNS');
  if (coreDNS === undefined) return [];
  const errs: FieldError[] = [];
  const autoscaling = child(coreDNS, 'autoscaling');
  const mode = strOr(autoscaling, 'mode');
  if (autoscaling !== undefined && !COREDNS_AUTOSCALING_MODES.includes(mode)) {
    errs.push(fieldErr.notSupported(path.child('coreDNS', 'autoscaling', 'mode'), mode, COREDNS_AUTOSCALING_MODES));
  }
  const rewriting = child(coreDNS, 'rewriting');
  if (rewriting !== undefined) errs.push(...validateCoreDNSRewritingCommonSuffixes(strs(rewriting, 'commonSuffixes'), path.child('coreDNS', 'rewriting')));
  return errs;
}

/** Seed tolerations: a label key, an optional label value, each key (with value) once (ValidateTolerations). */
export function validateTolerations(tolerations: Obj[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  tolerations.forEach((t, i) => {
    const at = path.index(i);
    const key = strOr(t, 'key');
    if (key === '') errs.push(fieldErr.required(at.child('key'), 'cannot be empty'));
    else errs.push(...validateLabelName(key, at.child('key')));
    const value = str(t, 'value');
    if (value !== undefined) for (const msg of isValidLabelValue(value)) errs.push(fieldErr.invalid(at.child('value'), value, msg));
    const id = value === undefined ? key : `${key}=${value}`;
    if (seen.has(id) || seen.has(key)) errs.push(fieldErr.duplicate(at, id));
    seen.add(id);
  });
  return errs;
}

/** Tolerations of `spec`. */
export function tolerationsOf(spec: Obj): Obj[] {
  return objs(spec, 'tolerations');
}
