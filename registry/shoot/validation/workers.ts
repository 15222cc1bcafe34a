/**
 * One worker pool (Gardener's ValidateWorker): name, machine and image, scaling and rollout settings,
 * labels and taints, Kubernetes version and kubelet, CA bundle, volumes, CRI, architecture, autoscaler
 * and machine-controller-manager options, update strategy, priority, control plane pool settings and
 * sysctls.
 */
import { X509Certificate } from 'node:crypto';
import { FieldPath, fieldErr, type FieldError } from '../../../apimachinery/field.js';
import { byteLength, isValidLabelValue, validateAnnotations, validateLabels } from '../../../apimachinery/validation.js';
import { validateLabelName } from '../../../apimachinery/labelvalidation.js';
import { dns1123Label, intOrPercent, notMoreThan100Percent, positiveIntOrPercent, printedIntOrString } from './common.js';
import { validateKubeletConfig } from './kubelet.js';
import { validateWorkerOptions } from './workeroptions.js';
import { child, isSet, objs, str, strOr, type Obj } from './read.js';
import { validateWorkerGroupVersion } from './versions.js';

const MAX_WORKER_NAME_LENGTH = 15;
const MAX_VOLUME_NAME_LENGTH = 15;
const VOLUME_SIZE = /^(\d)+Gi$/;
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
/** Taint keys only Gardener may set. */
export const RESERVED_TAINT_KEYS: ReadonlySet<string> = new Set(['node.gardener.cloud/critical-components-not-ready']);

/** The Shoot context a worker pool is checked in. */
export interface WorkerContext {
  /** `spec.kubernetes`. */
  kubernetes: Obj;
  namespace: string;
  providerType: string;
  /** Shoot templates may leave the machine image open. */
  inTemplate: boolean;
}

function nameAndMachine(worker: Obj, path: FieldPath, inTemplate: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const name = strOr(worker, 'name');
  errs.push(...dns1123Label(name, path.child('name')));
  if (byteLength(name) > MAX_WORKER_NAME_LENGTH) errs.push(fieldErr.tooLong(path.child('name'), name, MAX_WORKER_NAME_LENGTH));
  const machine = child(worker, 'machine');
  if (strOr(machine, 'type') === '') errs.push(fieldErr.required(path.child('machine', 'type'), 'must specify a machine type'));
  const image = child(machine, 'image');
  if (image === undefined) {
    if (!inTemplate) errs.push(fieldErr.required(path.child('machine', 'image'), 'must specify a machine image'));
    return errs;
  }
  if (strOr(image, 'name') === '') errs.push(fieldErr.required(path.child('machine', 'image', 'name'), 'must specify a machine image name'));
  if (!inTemplate && strOr(image, 'version') === '') errs.push(fieldErr.required(path.child('machine', 'image', 'version'), 'must specify a machine image version'));
  return errs;
}

function scaling(worker: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const min = typeof worker.minimum === 'number' ? worker.minimum : 0;
  const max = typeof worker.maximum === 'number' ? worker.maximum : 0;
  if (min < 0) errs.push(fieldErr.invalid(path.child('minimum'), min, 'minimum value must not be negative'));
  if (max < 0) errs.push(fieldErr.invalid(path.child('maximum'), max, 'maximum value must not be negative'));
  if (max < min) errs.push(fieldErr.forbidden(path.child('maximum'), 'maximum value must not be less than minimum value'));
  const surge = worker.maxSurge ?? undefined;
  const unavailable = worker.maxUnavailable ?? undefined;
  errs.push(...positiveIntOrPercent(surge, path.child('maxSurge')));
  errs.push(...positiveIntOrPercent(unavailable, path.child('maxUnavailable')));
  errs.push(...notMoreThan100Percent(unavailable, path.child('maxUnavailable')));
  const manual = str(worker, 'updateStrategy') === 'ManualInPlaceUpdate';
  if (manual) {
    if (surge !== undefined) errs.push(fieldErr.invalid(path.child('maxSurge'), printedIntOrString(surge), 'should not be set when `updateStrategy` is `ManualInPlaceUpdate`'));
    if (unavailable !== undefined) {
      errs.push(fieldErr.invalid(path.child('maxUnavailable'), printedIntOrString(unavailable), 'should not be set when `updateStrategy` is `ManualInPlaceUpdate`'));
    }
  }
  const zero = (v: unknown): boolean => v === undefined || intOrPercent(v)[0] === 0;
  if (zero(unavailable) && zero(surge) && !manual) {
    errs.push(fieldErr.invalid(path.child('maxUnavailable'), printedIntOrString(unavailable), 'may not be 0 when `maxSurge` is 0'));
  }
  return errs;
}

/** Node taints: valid key and value, known effect, unique per key and effect. */
export function validateTaints(taints: Obj[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Map<string, Set<string>>();
  taints.forEach((taint, i) => {
    const at = path.index(i);
    const key = strOr(taint, 'key');
    const value = strOr(taint, 'value');
    const effect = strOr(taint, 'effect');
    errs.push(...validateLabelName(key, at.child('key')));
    if (RESERVED_TAINT_KEYS.has(key)) errs.push(fieldErr.forbidden(at.child('key'), 'taint key is reserved by gardener'));
    const valueErrs = isValidLabelValue(value);
    if (valueErrs.length > 0) errs.push(fieldErr.invalid(at.child('value'), value, valueErrs.join(';')));
    if (effect === '') errs.push(fieldErr.required(at.child('effect'), ''));
    else if (!TAINT_EFFECTS.includes(effect)) errs.push(fieldErr.notSupported(at.child('effect'), effect, TAINT_EFFECTS));
    const keys = seen.get(effect) ?? new Set<string>();
    if (keys.has(key)) {
      errs.push({ ...fieldErr.duplicate(at, taint), detail: 'taints must be unique by key and effect pair' });
      return;
    }
    keys.add(key);
    seen.set(effect, keys);
  });
  return errs;
}

/** The pool's Kubernetes version against the control plane's, and its (or the Shoot's) kubelet. */
function kubernetesOfWorker(worker: Obj, kubernetes: Obj, path: FieldPath): FieldError[] {
  const wk = child(worker, 'kubernetes');
  if (wk === undefined) return [];
  const errs: FieldError[] = [];
  let version = strOr(kubernetes, 'version');
  const own = str(wk, 'version');
  if (own !== undefined) {
    errs.push(...validateWorkerGroupVersion(version, own, path.child('kubernetes', 'version')));
    version = own;
  }
  const kubelet = child(wk, 'kubelet') ?? child(kubernetes, 'kubelet');
  if (kubelet !== undefined) errs.push(...validateKubeletConfig(kubelet, version, path.child('kubernetes', 'kubelet')));
  return errs;
}

/** Whether `text` starts with a PEM block whose content is an X.509 certificate. */
function isPEMCertificate(text: string): boolean {
  const m = /-----BEGIN ([^-\r\n]+)-----\r?\n([\s\S]*?)-----END \1-----/.exec(text);
  if (m === null) return false;
  const body = (m[2] ?? '').split(/\r?\n/).filter((l) => !l.includes(':')).join('');
  try {
    new X509Certificate(Buffer.from(body, 'base64'));
    return true;
  } catch (e: unknown) {
    void e;
    return false;
  }
}

function volumeName(name: string, path: FieldPath): FieldError[] {
  const errs = name === '' ? [fieldErr.required(path, 'must specify a name')] : dns1123Label(name, path);
  if (byteLength(name) > MAX_VOLUME_NAME_LENGTH) errs.push(fieldErr.tooLong(path, name, MAX_VOLUME_NAME_LENGTH));
  return errs;
}

function volumes(worker: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const volume = child(worker, 'volume');
  if (volume !== undefined) {
    const name = str(volume, 'name');
    if (name !== undefined) errs.push(...volumeName(name, path.child('volume', 'name')));
    const size = strOr(volume, 'size');
    if (!VOLUME_SIZE.test(size)) errs.push(fieldErr.invalid(path.child('volume', 'size'), size, `volume size must match the regex ${VOLUME_SIZE.source}`));
  }
  const dataVolumes = objs(worker, 'dataVolumes');
  if (isSet(worker, 'dataVolumes')) {
    if (dataVolumes.length > 0 && volume === undefined) errs.push(fieldErr.required(path.child('volume'), 'a worker volume must be defined if data volumes are defined'));
    const names = new Set<string>();
    dataVolumes.forEach((dv, i) => {
      const at = path.child('dataVolumes').index(i);
      const name = strOr(dv, 'name');
      errs.push(...volumeName(name, at.child('name')));
      if (names.has(name)) errs.push(fieldErr.duplicate(at.child('name'), name));
      names.add(name);
      const size = strOr(dv, 'size');
      if (!VOLUME_SIZE.test(size)) errs.push(fieldErr.invalid(at.child('size'), size, `data volume size must match the regex ${VOLUME_SIZE.source}`));
    });
  }
  const kubeletVolume = str(worker, 'kubeletDataVolumeName');
  if (kubeletVolume !== undefined && !dataVolumes.some((dv) => str(dv, 'name') === kubeletVolume)) {
    errs.push(fieldErr.invalid(path.child('kubeletDataVolumeName'), kubeletVolume, `KubeletDataVolumeName refers to unrecognized data volume ${kubeletVolume}`));
  }
  return errs;
}

/** Gardener's ValidateWorker. */
export function validateWorker(worker: Obj, ctx: WorkerContext, path: FieldPath): FieldError[] {
  const errs = [...nameAndMachine(worker, path, ctx.inTemplate), ...scaling(worker, path)];
  errs.push(...validateLabels(child(worker, 'labels') as Record<string, string> | undefined, path.child('labels')));
  errs.push(...validateAnnotations(child(worker, 'annotations') as Record<string, string> | undefined, path.child('annotations')));
  const taints = objs(worker, 'taints');
  if (taints.length > 0) errs.push(...validateTaints(taints, path.child('taints')));
  errs.push(...kubernetesOfWorker(worker, ctx.kubernetes, path));
  const caBundle = str(worker, 'caBundle');
  if (caBundle !== undefined && !isPEMCertificate(caBundle)) {
    errs.push(fieldErr.invalid(path.child('caBundle'), caBundle, 'caBundle is not a valid PEM-encoded certificate'));
  }
  errs.push(...volumes(worker, path));
  errs.push(...validateWorkerOptions(worker, ctx.namespace, ctx.providerType, path));
  return errs;
}

