/**
 * The optional settings of a worker pool: container runtime, CPU architecture, cluster-autoscaler and
 * machine-controller-manager options, update strategy, priority, the control plane pool of a
 * self-hosted Shoot, and sysctls. Paths use Gardener's internal names (`autoscaler`,
 * `machineControllerManagerSettings`, `containerruntimes`).
 */
import { formatDuration } from '../../../apimachinery/duration.js';
import { FieldPath, fieldErr, type FieldError } from '../../../apimachinery/field.js';
import { byteLength } from '../../../apimachinery/validation.js';
import { dns1123Label, nonNegative, positiveDuration } from './common.js';
import { bool, child, duration, map, num, objs, str, strOr, type Obj } from './read.js';
import { validateCredentialsRef } from './references.js';

/** CPU architectures a worker pool may use. */
export const ARCHITECTURES = ['amd64', 'arm64'];
const CRI_NAMES = ['containerd'];
const UPDATE_STRATEGIES = ['AutoInPlaceUpdate', 'AutoRollingUpdate', 'ManualInPlaceUpdate'];
const IN_PLACE: ReadonlySet<string> = new Set(['AutoInPlaceUpdate', 'ManualInPlaceUpdate']);
const SYSCTL_KEY = /^(?:(?:[a-zA-Z0-9-][a-zA-Z0-9_/-]*|\*)\.)*[a-zA-Z0-9_/-]*[a-zA-Z0-9]$/;
const SYSCTL_KEY_SOURCE = '^(?:(?:[a-zA-Z0-9-][a-zA-Z0-9_/-]*|\\*)\\.)*[a-zA-Z0-9_/-]*[a-zA-Z0-9]$';
const MAX_SYSCTL_PATH = 4096 - '/proc/sys/'.length;

/** Whether an update strategy updates machines in place. */
export function isInPlace(strategy: string | undefined): boolean {
  return strategy !== undefined && IN_PLACE.has(strategy);
}

/** Whether system components may run on the pool (allowed unless `systemComponents.allow` is false). */
export function systemComponentsAllowed(worker: Obj): boolean {
  const sc = child(worker, 'systemComponents');
  return sc === undefined || sc.allow === true;
}

/** `cri`: a known name, unique typed container runtimes (ValidateCRI). */
export function validateCRI(cri: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const name = strOr(cri, 'name');
  if (!CRI_NAMES.includes(name)) errs.push(fieldErr.notSupported(path.child('name'), name, CRI_NAMES));
  const seen = new Set<string>();
  objs(cri, 'containerRuntimes').forEach((cr, i) => {
    const at = path.child('containerruntimes').index(i);
    const type = strOr(cr, 'type');
    if (type === '') errs.push(fieldErr.required(at.child('type'), 'must specify a container runtime type'));
    if (seen.has(type)) errs.push(fieldErr.duplicate(at.child('type'), `must specify different type, ${type} already exist`));
    seen.add(type);
  });
  return errs;
}

function threshold(o: Obj, key: string, path: FieldPath): FieldError[] {
  const v = num(o, key);
  if (v === undefined) return [];
  const errs: FieldError[] = [];
  if (v < 0) errs.push(fieldErr.invalid(path.child(key), v, 'can not be negative'));
  if (v > 1) errs.push(fieldErr.invalid(path.child(key), v, 'can not be greater than 1.0'));
  return errs;
}

function notNegativeDuration(o: Obj, key: string, path: FieldPath): FieldError[] {
  const ns = duration(o, key);
  return ns !== undefined && ns < 0n ? [fieldErr.invalid(path.child(key), formatDuration(ns), 'can not be negative')] : [];
}

/** A pool's cluster-autoscaler options (ValidateClusterAutoscalerOptions). */
export function validateClusterAutoscalerOptions(ca: Obj, path: FieldPath): FieldError[] {
  return [
    ...threshold(ca, 'scaleDownUtilizationThreshold', path),
    ...threshold(ca, 'scaleDownGpuUtilizationThreshold', path),
    ...notNegativeDuration(ca, 'scaleDownUnneededTime', path),
    ...notNegativeDuration(ca, 'scaleDownUnreadyTime', path),
    ...notNegativeDuration(ca, 'maxNodeProvisionTime', path),
  ];
}

function preservedMachines(mcm: Obj, maximum: number, systemComponents: boolean, path: FieldPath): FieldError[] {
  const max = num(mcm, 'autoPreserveFailedMachineMax');
  if (max === undefined) return [];
  const at = path.child('autoPreserveFailedMachineMax');
  if (max < 0) return [fieldErr.invalid(at, max, 'must not be negative')];
  if (systemComponents && maximum > 0 && max > maximum - 1) {
    return [fieldErr.invalid(at, max, 'must not be greater than maximum-1 value when system components are allowed, need at least one machine to run system components')];
  }
  return max > maximum ? [fieldErr.invalid(at, max, 'must not be greater than maximum value')] : [];
}

/** A pool's machine-controller-manager settings (ValidateMachineControllerManagerSettingsOptions). */
export function validateMachineControllerManagerSettings(mcm: Obj, strategy: string | undefined, maximum: number, systemComponents: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of ['machineDrainTimeout', 'machineHealthTimeout', 'machineCreationTimeout']) errs.push(...positiveDuration(mcm, k, path.child(k)));
  errs.push(...nonNegative(num(mcm, 'maxEvictRetries'), path.child('maxEvictRetries')));
  if (isInPlace(strategy)) errs.push(...positiveDuration(mcm, 'inPlaceUpdateTimeout', path.child('inPlaceUpdateTimeout')));
  else {
    if (mcm.inPlaceUpdateTimeout !== undefined && mcm.inPlaceUpdateTimeout !== null) {
      errs.push(fieldErr.forbidden(path.child('inPlaceUpdateTimeout'), 'can only be set when the update strategy is `AutoInPlaceUpdate` or `ManualInPlaceUpdate`'));
    }
    if (bool(mcm, 'disableHealthTimeout') === true) {
      errs.push(fieldErr.forbidden(path.child('disableHealthTimeout'), 'can only be set to true when the update strategy is `AutoInPlaceUpdate` or `ManualInPlaceUpdate`'));
    }
  }
  errs.push(...positiveDuration(mcm, 'machinePreserveTimeout', path.child('machinePreserveTimeout')));
  errs.push(...preservedMachines(mcm, maximum, systemComponents, path));
  return errs;
}

function backup(b: Obj, namespace: string, providerType: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const provider = strOr(b, 'provider');
  if (provider === '') errs.push(fieldErr.required(path.child('provider'), 'must provide a backup cloud provider name'));
  if (providerType !== provider && strOr(b, 'region') === '') {
    errs.push(fieldErr.required(path.child('region'), 'region must be specified for if backup provider is different from shoot provider used in `spec.provider.type`'));
  }
  const ref = child(b, 'credentialsRef');
  if (ref === undefined) return [...errs, fieldErr.required(path.child('credentialsRef'), 'must be set to refer a Secret or WorkloadIdentity')];
  errs.push(...validateCredentialsRef(ref, path.child('credentialsRef')));
  if (strOr(ref, 'namespace') !== namespace) {
    errs.push(fieldErr.forbidden(path.child('credentialsRef', 'namespace'), 'must reference credentials in the same namespace as the Shoot'));
  }
  if (str(ref, 'apiVersion') === 'security.gardener.cloud/v1alpha1' && str(ref, 'kind') === 'WorkloadIdentity') {
    errs.push(fieldErr.forbidden(path.child('credentialsRef'), 'support for WorkloadIdentity as backup credentials is not yet implemented'));
  }
  return errs;
}

/** The control plane settings of a self-hosted Shoot's pool (ValidateWorkerControlPlane). */
export function validateWorkerControlPlane(cp: Obj, namespace: string, providerType: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const b = child(cp, 'backup');
  if (b !== undefined) errs.push(...backup(b, namespace, providerType, path.child('backup')));
  const exposure = child(cp, 'exposure');
  if (exposure !== undefined) {
    const at = path.child('exposure');
    const extension = child(exposure, 'extension');
    if (child(exposure, 'dns') !== undefined && extension !== undefined) errs.push(fieldErr.invalid(at, exposure, 'cannot have dns and extension set at the same time'));
    if (extension !== undefined) {
      const type = strOr(extension, 'type');
      errs.push(...(type === '' ? [fieldErr.required(at.child('type'), 'must specify a provider type')] : dns1123Label(type, at.child('type'))));
    }
  }
  return errs;
}

/** Kernel settings: well-formed keys within /proc/sys limits, non-empty values (ValidateSysctls). */
export function validateSysctls(sysctls: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [key, value] of Object.entries(sysctls)) {
    const at = path.child(key);
    if (!SYSCTL_KEY.test(key)) errs.push(fieldErr.invalid(at, key, `sysctl key must must match regex ${JSON.stringify(SYSCTL_KEY_SOURCE)}`));
    if (byteLength(key) > MAX_SYSCTL_PATH) errs.push(fieldErr.tooLong(at, key, MAX_SYSCTL_PATH));
    for (const sub of key.split('.')) {
      if (byteLength(sub) > 255) errs.push(fieldErr.invalid(at, sub, 'sub key of sysctl must not exceed 255 bytes'));
    }
    if (typeof value !== 'string' || value === '') errs.push(fieldErr.required(at, 'sysctl requires a non-empty value'));
  }
  return errs;
}

/** The optional settings of `worker`, in Gardener's order. */
export function validateWorkerOptions(worker: Obj, namespace: string, providerType: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const cri = child(worker, 'cri');
  if (cri !== undefined) errs.push(...validateCRI(cri, path.child('cri')));
  const arch = str(child(worker, 'machine'), 'architecture');
  if (arch !== undefined && !ARCHITECTURES.includes(arch)) errs.push(fieldErr.notSupported(path.child('machine', 'architecture'), arch, ARCHITECTURES));
  const ca = child(worker, 'clusterAutoscaler');
  if (ca !== undefined) errs.push(...validateClusterAutoscalerOptions(ca, path.child('autoscaler')));
  const strategy = str(worker, 'updateStrategy');
  const mcm = child(worker, 'machineControllerManager');
  if (mcm !== undefined) {
    const maximum = num(worker, 'maximum') ?? 0;
    errs.push(...validateMachineControllerManagerSettings(mcm, strategy, maximum, systemComponentsAllowed(worker), path.child('machineControllerManagerSettings')));
  }
  if (strategy !== undefined && !UPDATE_STRATEGIES.includes(strategy)) errs.push(fieldErr.notSupported(path.child('updateStrategy'), strategy, UPDATE_STRATEGIES));
  const priority = num(worker, 'priority');
  if (priority !== undefined && priority < -1) errs.push(fieldErr.invalid(path.child('priority'), priority, 'can not be less than -1'));
  const cp = child(worker, 'controlPlane');
  if (cp !== undefined) errs.push(...validateWorkerControlPlane(cp, namespace, providerType, path.child('controlPlane')));
  const sysctls = map(worker, 'sysctls');
  if (sysctls !== undefined) errs.push(...validateSysctls(sysctls, path.child('sysctls')));
  return errs;
}

