/** Errors of server-side apply that no shared helper builds. */
import { StatusError, type StatusReason } from '../../apimachinery/errors.js';
import { isPlainObject } from '../../apimachinery/types.js';
import type { TypedValueError } from './updater.js';

/** A failure Status with the given code, reason (empty: none, as for upstream's plain errors) and message. */
export function applyPatchError(code: number, reason: StatusReason | '', message: string): StatusError {
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    ...(reason !== '' && { reason }),
    code,
  });
}

/** `group/version, Kind=kind` of an object, as Go prints a GroupVersionKind. */
export function gvkString(obj: Record<string, unknown>): string {
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  return `${group}/${version}, Kind=${kind}`;
}

/**
 * The error of an applied configuration that is not a valid value of the kind (duplicate or keyless
 * list items): upstream answers 500 with `failed to create typed patch object (<ns>/<name>; <gvk>): ...`.
 */
export function typedPatchError(applied: Record<string, unknown>, err: TypedValueError): StatusError {
  const meta = isPlainObject(applied.metadata) ? applied.metadata : {};
  const ns = typeof meta.namespace === 'string' ? meta.namespace : '';
  const name = typeof meta.name === 'string' ? meta.name : '';
  return applyPatchError(500, '', `failed to create typed patch object (${ns}/${name}; ${gvkString(applied)}): ${err.message}`);
}
