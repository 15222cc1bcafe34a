/**
 * How kube-apiserver's create and update handlers report a body their decoder refuses
 * (`transformDecodeError`): before the decoder learnt the body's kind, `the object provided is
 * unrecognized (must be of type K): <why> (<summary of the body>)`; after, `<Kind> in version "<v>"
 * cannot be handled as a K: <why>`. Also the decoder's view of a body's kind: `apiVersion` and `kind`
 * read as strings and filled in from the expected kind where absent.
 */
import { badRequest, StatusError } from './errors.js';
import type { Status } from './types.js';

/** A group, version and kind, as the decoder reads them from a body. */
export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** `group/version`, or `version` alone for the legacy group. */
export function groupVersionString(gvk: Pick<GroupVersionKind, 'group' | 'version'>): string {
  return gvk.group === '' ? gvk.version : `${gvk.group}/${gvk.version}`;
}

/**
 * Go's summary of a body in decode errors: `<empty>`, the text when it starts with `{`, else hex;
 * cut at `max` bytes with ` ...` appended.
 */
function summarizeBody(data: Uint8Array, max = 30): string {
  if (data.length === 0) return '<empty>';
  const cut = Buffer.from(data.subarray(0, Math.min(max, data.length)));
  const text = data[0] === 0x7b ? cut.toString('utf8') : cut.toString('hex');
  return data.length > max ? `${text} ...` : text;
}

/** 400 for a body whose kind the decoder could not learn (its JSON or YAML is unreadable, or its type meta is). */
export function unrecognizedBody(targetKind: string, why: string, body: Uint8Array): StatusError {
  return badRequest(`the object provided is unrecognized (must be of type ${targetKind}): ${why} (${summarizeBody(body)})`);
}

/**
 * A 400 for a body that does not decode, keeping the decoder's reason: where kube-apiserver decodes
 * a patched object, it reports the reason alone (a 422 on the field `patch`).
 */
export class UndecodableBodyError extends StatusError {
  constructor(
    status: Status,
    readonly why: string,
  ) {
    super(status);
  }
}

/** 400 for a body of kind `gvk` that does not decode into `targetKind`. */
export function undecodableBody(gvk: Pick<GroupVersionKind, 'version' | 'kind'>, targetKind: string, why: string): UndecodableBodyError {
  const err = badRequest(`${gvk.kind} in version ${JSON.stringify(gvk.version)} cannot be handled as a ${targetKind}: ${why}`);
  return new UndecodableBodyError(err.status, why);
}

/**
 * The group and version of an `apiVersion` string (Go's schema.ParseGroupVersion); a string with more
 * than one slash is an error text.
 */
export function parseGroupVersion(apiVersion: string): { group: string; version: string } | string {
  if (apiVersion === '' || apiVersion === '/') return { group: '', version: '' };
  const parts = apiVersion.split('/');
  if (parts.length > 2) return `unexpected GroupVersion string: ${apiVersion}`;
  return parts.length === 1 ? { group: '', version: apiVersion } : { group: parts[0] ?? '', version: parts[1] ?? '' };
}

/**
 * The kind the decoder takes a body for: its `apiVersion` and `kind` (strings or absent), each part
 * missing taken from `expected` as Go's gvkWithDefaults does (a version only for the expected group).
 * Returns an error text for an `apiVersion` with more than one slash.
 */
export function bodyKind(body: Record<string, unknown>, expected: GroupVersionKind): GroupVersionKind | string {
  const gv = parseGroupVersion(typeof body.apiVersion === 'string' ? body.apiVersion : '');
  if (typeof gv === 'string') return gv;
  const kind = typeof body.kind === 'string' && body.kind !== '' ? body.kind : expected.kind;
  if (gv.version === '' && gv.group === '') return { ...expected, kind };
  if (gv.version === '' && gv.group === expected.group) return { group: gv.group, version: expected.version, kind };
  return { ...gv, kind };
}

/** The scheme error for a kind the scheme does not know (Go's notRegisteredErr for a kind). */
export function notRegisteredMessage(gvk: GroupVersionKind, schemeName: string): string {
  return `no kind ${JSON.stringify(gvk.kind)} is registered for version ${JSON.stringify(groupVersionString(gvk))} in scheme ${JSON.stringify(schemeName)}`;
}

/** The converter's error for two Go types without a conversion, each named `package.Type`. */
export function unknownConversionMessage(from: string, to: string): string {
  return `converting (${from}) to (${to}): unknown conversion`;
}
