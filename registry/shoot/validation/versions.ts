/**
 * Kubernetes version rules between objects: updates never downgrade and (unless allowed) never skip a
 * minor version; a worker pool is at most three minor versions behind the control plane and never
 * ahead of it; in-place updates never downgrade the machine image. Texts are Gardener's and the semver
 * library's.
 */
import { FieldPath, fieldErr, type FieldError } from '../../../apimachinery/field.js';
import { compareVersions, incMinor, parseSemVer, SemVerError, semVerString, type SemVer } from '../../../apimachinery/semver.js';

/** `compareVersions` that records a parse error at `path` with `badValue` and answers false. */
function compare(a: string, op: '<' | '>' | '>=', b: string, path: FieldPath, badValue: string, errs: FieldError[]): boolean {
  try {
    return compareVersions(a, op, b);
  } catch (e: unknown) {
    if (!(e instanceof SemVerError)) throw e;
    errs.push(fieldErr.invalid(path, badValue, e.message));
    return false;
  }
}

/** Parses `text`, recording a parse error; a zero version stands in, as Go's nil version would misbehave. */
function parse(text: string, path: FieldPath, errs: FieldError[]): SemVer {
  try {
    return parseSemVer(text);
  } catch (e: unknown) {
    if (!(e instanceof SemVerError)) throw e;
    errs.push(fieldErr.invalid(path, text, e.message));
    return { major: 0, minor: 0, patch: 0, pre: '', metadata: '' };
  }
}

/** An update from `oldVersion` to `newVersion` (ValidateKubernetesVersionUpdate). */
export function validateKubernetesVersionUpdate(newVersion: string, oldVersion: string, skipMinorAllowed: boolean, path: FieldPath): FieldError[] {
  if (newVersion === '') return [fieldErr.invalid(path, newVersion, 'cannot validate kubernetes version upgrade because it is unset')];
  const errs: FieldError[] = [];
  if (compare(newVersion, '<', oldVersion, path, newVersion, errs)) errs.push(fieldErr.forbidden(path, 'kubernetes version downgrade is not supported'));
  if (!skipMinorAllowed) {
    const next = incMinor(incMinor(parse(oldVersion, path, errs)));
    if (compare(newVersion, '>=', semVerString(next), path, newVersion, errs)) {
      errs.push(fieldErr.forbidden(path, 'kubernetes version upgrade cannot skip a minor version'));
    }
  }
  return errs;
}

/** A worker pool's version against the control plane's. */
export function validateWorkerGroupVersion(controlPlaneVersion: string, workerVersion: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (compare(workerVersion, '>', controlPlaneVersion, path, controlPlaneVersion, errs)) {
    errs.push(fieldErr.forbidden(path, 'worker group kubernetes version must not be higher than control plane version'));
  }
  const skew = incMinor(incMinor(incMinor(incMinor(parse(workerVersion, path, errs)))));
  const before = errs.length;
  if (compare(controlPlaneVersion, '>=', semVerString(skew), path, controlPlaneVersion, errs) && errs.length === before) {
    errs.push(fieldErr.forbidden(path, 'worker group kubernetes version must be at most three minor versions behind control plane version'));
  }
  return errs;
}

/** An in-place update's machine image version (validateMachineImageVersionInPlaceUpdate). */
export function validateMachineImageVersionInPlaceUpdate(newImage: unknown, newVersion: string, oldVersion: string, path: FieldPath): FieldError[] {
  if (newVersion === '') return [fieldErr.invalid(path, newImage ?? null, 'cannot validate machine image version upgrade because it is unset')];
  const errs: FieldError[] = [];
  if (compare(newVersion, '<', oldVersion, path, newVersion, errs)) {
    errs.push(fieldErr.forbidden(path, 'machine image version downgrade is not supported when the update strategy is AutoInPlaceUpdate or ManualInPlaceUpdate'));
  }
  return errs;
}
