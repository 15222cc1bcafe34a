/**
 * ShootSpec rules (Gardener's ValidateShootSpec), composed from the rule modules in Gardener's order, plus
 * the spec-level checks: region, provider credentials binding, seed name and selector, purpose,
 * tolerations, exposure class, self-hosted Shoots and the scheduler name.
 */
import { FieldPath, fieldErr, type FieldError } from '../../../apimachinery/field.js';
import { validateLabelSelector } from '../../../apimachinery/labelvalidation.js';
import { k8sAtLeastMinor } from '../../../apimachinery/semver.js';
import type { KubeObject } from '../../../apimachinery/types.js';
import { isDNS1123Subdomain } from '../../../apimachinery/validation.js';
import { validateAddons, validateMonitoring, validateSystemComponents, validateTolerations } from './components.js';
import { dns1123Label, WORKERLESS } from './common.js';
import { validateControlPlaneZones, validateSelfHostedControlPlane } from './controlplane.js';
import { validateDNS } from './dns.js';
import { validateKubernetes, } from './kubernetes.js';
import type { KubeAPIServerOptions } from './kubeapiserver.js';
import { validateHibernation, validateMaintenance } from './maintenance.js';
import { validateNetworking } from './networking.js';
import { isSelfHosted, validateProvider, workersOf } from './provider.js';
import { child, isSet, objs, str, strOr, type Obj } from './read.js';
import { validateCloudProfileReference, validateExtensions, validateResources } from './references.js';

/** The namespace of the `garden` project. */
export const GARDEN_NAMESPACE = 'garden';
const PURPOSES = ['development', 'evaluation', 'production', 'testing'];

/** Options of the spec rules. */
export interface ShootSpecOptions {
  kubeAPIServer: KubeAPIServerOptions;
  /** The nginx ingress add-on may be enabled. */
  allowNginxIngress: boolean;
}

/** `spec.kubernetes.version`, `""` when unset. */
export function versionOf(spec: Obj): string {
  return strOr(child(spec, 'kubernetes'), 'version');
}

function credentialsBinding(spec: Obj, workerless: boolean, selfHosted: boolean, path: FieldPath): FieldError[] {
  const secretBinding = str(spec, 'secretBindingName');
  const credentialsBindingName = str(spec, 'credentialsBindingName');
  if (workerless) {
    return [
      ...(secretBinding !== undefined ? [fieldErr.forbidden(path.child('secretBindingName'), WORKERLESS)] : []),
      ...(credentialsBindingName !== undefined ? [fieldErr.forbidden(path.child('credentialsBindingName'), WORKERLESS)] : []),
    ];
  }
  if (selfHosted) return [];
  const errs: FieldError[] = [];
  const sb = secretBinding ?? '';
  const cb = credentialsBindingName ?? '';
  if (sb === '' && cb === '') errs.push(fieldErr.required(path.child('secretBindingName'), 'must be set when credentialsBindingName is not'));
  else if (sb !== '' && cb !== '') errs.push(fieldErr.forbidden(path.child('secretBindingName'), 'is incompatible with credentialsBindingName'));
  const version = versionOf(spec);
  if (sb !== '' && version !== '' && k8sAtLeastMinor(version, 34)) {
    errs.push(fieldErr.forbidden(path.child('secretBindingName'), 'for Kubernetes versions >= 1.34, secretBindingName field is no longer supported, use spec.credentialsBindingName instead'));
  }
  return errs;
}

function purpose(spec: Obj, namespace: string, inTemplate: boolean, path: FieldPath): FieldError[] {
  const value = str(spec, 'purpose');
  if (value === undefined) return [];
  const allowed = namespace === GARDEN_NAMESPACE || inTemplate ? [...PURPOSES, 'infrastructure'].sort() : PURPOSES;
  return allowed.includes(value) ? [] : [fieldErr.notSupported(path.child('purpose'), value, allowed)];
}

function selfHostedRules(spec: Obj, namespace: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seed = str(spec, 'seedName');
  if (seed !== undefined) errs.push(fieldErr.invalid(path.child('seedName'), seed, 'cannot set seedName for self-hosted shoots'));
  if (namespace !== GARDEN_NAMESPACE) {
    errs.push(fieldErr.invalid(FieldPath.of('metadata', 'namespace'), namespace, `self-hosted shoots must be in the ${JSON.stringify(GARDEN_NAMESPACE)} namespace`));
  }
  return [...errs, ...validateSelfHostedControlPlane(spec, path)];
}

/** Region, credentials, seed, purpose, tolerations, system components, exposure class, self-hosting, scheduler. */
function specLevel(shoot: KubeObject, spec: Obj, inTemplate: boolean, path: FieldPath): FieldError[] {
  const namespace = shoot.metadata.namespace ?? '';
  const workers = workersOf(spec);
  const workerless = workers.length === 0;
  const selfHosted = isSelfHosted(workers);
  const errs: FieldError[] = [];
  if (strOr(spec, 'region') === '') errs.push(fieldErr.required(path.child('region'), 'must specify a region'));
  errs.push(...credentialsBinding(spec, workerless, selfHosted, path));
  if (str(spec, 'seedName') === '') errs.push(fieldErr.invalid(path.child('seedName'), '', 'seed name must not be empty when providing the key'));
  if (isSet(spec, 'seedSelector')) errs.push(...validateLabelSelector(spec.seedSelector, path.child('seedSelector')));
  errs.push(...purpose(spec, namespace, inTemplate, path));
  errs.push(...validateTolerations(objs(spec, 'tolerations'), path.child('tolerations')));
  errs.push(...validateSystemComponents(child(spec, 'systemComponents'), path.child('systemComponents'), workerless));
  const exposureClass = str(spec, 'exposureClassName');
  if (exposureClass !== undefined) {
    for (const msg of isDNS1123Subdomain(exposureClass)) {
      errs.push(fieldErr.invalid(path.child('exposureClassName'), exposureClass, `exposureClassName is not a valid DNS subdomain: ${JSON.stringify(msg)}`));
    }
  }
  if (selfHosted) errs.push(...selfHostedRules(spec, namespace, path));
  const scheduler = str(spec, 'schedulerName');
  if (scheduler !== undefined) errs.push(...dns1123Label(scheduler, path.child('schedulerName')));
  errs.push(...validateControlPlaneZones(child(spec, 'controlPlane'), path.child('controlPlane')));
  return errs;
}

/** Gardener's ValidateShootSpec. */
export function validateShootSpec(shoot: KubeObject, opts: ShootSpecOptions, inTemplate = false): FieldError[] {
  const path = FieldPath.of('spec');
  const spec = child(shoot, 'spec') ?? {};
  const workers = workersOf(spec);
  const workerless = workers.length === 0;
  const version = versionOf(spec);
  const networking = child(spec, 'networking');
  return [
    ...validateCloudProfileReference(spec, version, path),
    ...validateProvider(spec, shoot.metadata.namespace ?? '', path.child('provider'), inTemplate),
    ...validateAddons(child(spec, 'addons'), str(spec, 'purpose'), workerless, version, opts.allowNginxIngress, path.child('addons')),
    ...validateDNS(child(spec, 'dns'), version, path.child('dns')),
    ...validateExtensions(objs(spec, 'extensions'), path.child('extensions')),
    ...validateResources(objs(spec, 'resources'), path.child('resources'), true),
    ...validateKubernetes(child(spec, 'kubernetes') ?? {}, networking, opts.kubeAPIServer, workerless, path.child('kubernetes')),
    ...validateNetworking(networking, workerless, path.child('networking')),
    ...validateMaintenance(child(spec, 'maintenance'), path.child('maintenance'), workerless),
    ...validateMonitoring(child(spec, 'monitoring'), path.child('monitoring')),
    ...validateHibernation(shoot, isSelfHosted(workers), path.child('hibernation')),
    ...specLevel(shoot, spec, inTemplate, path),
  ];
}
