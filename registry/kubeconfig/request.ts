/**
 * The request body of `shoots/adminkubeconfig` / `shoots/viewerkubeconfig`: decoding (400 on bodies
 * that do not decode), the generic create handler's metadata rules, defaulting, validation (422) and
 * the server's cap on the lifetime, plus the startup check of the max-expiration flags.
 */
import { badRequest, invalid } from '../../apimachinery/errors.js';
import { bodyKind, undecodableBody, unrecognizedBody, type GroupVersionKind } from '../../apimachinery/decoding.js';
import { typeMetaTargetError, typeMetaUnmarshalError } from '../../apimachinery/gojson.js';
import { fieldErr, type FieldError } from '../../apimachinery/field.js';
import { isPlainObject, type ObjectMeta } from '../../apimachinery/types.js';
import { compileKindValidator, decodeErrorMessage, formatStrictError, warningTexts, type KindValidator } from '../../openapi/validate.js';
import { kubeconfigRequestDefinitionName, kubeconfigRequestDefinitions } from './schema.js';
import { kindMismatch } from '../scheme.js';
import { AUTH_API_VERSION, AUTH_GROUP, AUTH_VERSION, REQUEST_KINDS, type KubeconfigKind, type KubeconfigRequest } from './types.js';

/** `spec.expirationSeconds` when the request leaves it unset. */
export const DEFAULT_EXPIRATION_SECONDS = 3600;
/** Shortest lifetime a request may ask for (10 minutes). */
export const MIN_EXPIRATION_SECONDS = 600;
/** Longest lifetime a request may ask for (math.MaxUint32). */
export const MAX_EXPIRATION_SECONDS = 4294967295;
const INT64_MAX = 9223372036854775807;

/** How the caller wants unknown and duplicate fields treated (the `fieldValidation` directive). */
export interface DecodeOptions {
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
  /** Receives `unknown field "..."` texts in Warn mode. */
  warnings?: string[];
  /** The raw JSON text of the body, to detect duplicate keys. */
  rawJson?: string;
  /** The body as sent (quoted in the error for a body without a version); its JSON form when absent. */
  text?: string;
}

const validators = new Map<KubeconfigKind, KindValidator>();

function validatorOf(kind: KubeconfigKind): KindValidator {
  let v = validators.get(kind);
  if (v === undefined) {
    const definitionName = kubeconfigRequestDefinitionName(kind);
    const schema = kubeconfigRequestDefinitions[definitionName] ?? {};
    v = compileKindValidator({ kind: REQUEST_KINDS[kind], definitionName, schema, definitions: kubeconfigRequestDefinitions });
    validators.set(kind, v);
  }
  return v;
}

/**
 * The kind the decoder takes a body for; 400 in its words for type meta it cannot read or a kind that
 * does not decode into `kindName`'s type.
 */
function checkTypeMeta(kindName: string, body: Record<string, unknown>, text: () => string): GroupVersionKind {
  const typeError = typeMetaUnmarshalError(body);
  if (typeError !== undefined) throw unrecognizedBody(kindName, typeError, Buffer.from(text()));
  const target = { group: AUTH_GROUP, version: AUTH_VERSION, kind: kindName };
  const gvk = bodyKind(body, target);
  if (typeof gvk === 'string') throw unrecognizedBody(kindName, gvk, Buffer.from(text()));
  const why = kindMismatch(gvk, target, text);
  if (why !== undefined) throw undecodableBody(gvk, kindName, why);
  return gvk;
}

function checkInt64(kindName: string, spec: unknown): void {
  if (!isPlainObject(spec)) return;
  const v = spec.expirationSeconds;
  if (typeof v === 'number' && (v > INT64_MAX || v < -INT64_MAX - 1)) {
    const detail = `json: cannot unmarshal number ${String(v)} into Go struct field ${kindName}Spec.spec.expirationSeconds of type int64`;
    throw badRequest(decodeErrorMessage(kindName, AUTH_VERSION, [detail]));
  }
}

/** ObjectMeta fields in the order Go serializes them. */
const META_ORDER: readonly (keyof ObjectMeta)[] = [
  'name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp',
  'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields',
];

/** `meta` without a creationTimestamp (a request object's is Go's zero time, which Go leaves out). */
export function withoutCreationTimestamp(meta: ObjectMeta): ObjectMeta {
  const { creationTimestamp: _zero, ...rest } = meta;
  return rest;
}

/**
 * The generic create handler: system fields wiped (a zero creationTimestamp is left out, as Go's
 * omitzero does), namespace from the URL (a different one is a 400). Returns the fields in Go's order.
 */
function prepareMetadata(meta: ObjectMeta, namespace: string): ObjectMeta {
  if ((meta.namespace ?? '') === '') meta.namespace = namespace;
  if (meta.namespace !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const wiped: ObjectMeta = withoutCreationTimestamp(meta);
  delete wiped.uid;
  delete wiped.selfLink;
  delete wiped.deletionTimestamp;
  delete wiped.deletionGracePeriodSeconds;
  const out: Record<string, unknown> = {};
  for (const k of META_ORDER) if (wiped[k] !== undefined) out[k] = wiped[k];
  return out as ObjectMeta;
}

/**
 * Decodes and defaults a request body the way gardener-apiserver's create handler does before the
 * subresource runs: `apiVersion`/`kind` may be omitted but must match when given; type errors, and in
 * Strict mode unknown or duplicate fields, are 400s with Kubernetes' decode messages; unknown fields are
 * pruned; system metadata fields are wiped and the namespace is taken from the URL; a nil
 * `spec.expirationSeconds` becomes 3600 (an explicit 0 stays 0 and fails validation).
 * Does not validate: call {@link validateKubeconfigRequest} after admission.
 */
export function decodeKubeconfigRequest(kind: KubeconfigKind, body: unknown, namespace: string, opts: DecodeOptions = {}): KubeconfigRequest {
  const kindName = REQUEST_KINDS[kind];
  // The request text, only needed for refusals (built then, from the body as it came).
  const sent = body;
  const text = (): string => opts.text ?? JSON.stringify(sent) ?? '';
  if (body === null) body = {};
  if (!isPlainObject(body)) throw unrecognizedBody(kindName, typeMetaTargetError(body), Buffer.from(text()));
  const gvk = checkTypeMeta(kindName, body, text);
  if (body.metadata === undefined || body.metadata === null) body.metadata = {};
  const validator = validatorOf(kind);
  const result = validator.check(body, opts.rawJson);
  const typeError = result.typeErrors[0];
  if (typeError !== undefined) throw undecodableBody(gvk, kindName, typeError);
  checkInt64(kindName, body.spec);
  const mode = opts.fieldValidation ?? 'Warn';
  if (mode === 'Strict' && (result.unknownFields.length > 0 || result.duplicateFields.length > 0)) {
    throw undecodableBody(gvk, kindName, formatStrictError(result.unknownFields, result.duplicateFields));
  }
  if (mode === 'Warn') opts.warnings?.push(...warningTexts(result.unknownFields, result.duplicateFields));
  validator.prune(body);
  const metadata = prepareMetadata(body.metadata as ObjectMeta, namespace);
  const spec = isPlainObject(body.spec) ? body.spec : {};
  const seconds = typeof spec.expirationSeconds === 'number' ? spec.expirationSeconds : DEFAULT_EXPIRATION_SECONDS;
  // A status sent by the client is dropped: the response's status is always the server's.
  return { apiVersion: AUTH_API_VERSION, kind: kindName, metadata, spec: { expirationSeconds: seconds } };
}

/** Field errors of a request (Gardener's ValidateKubeconfigRequest). */
export function kubeconfigRequestErrors(req: Pick<KubeconfigRequest, 'spec'>): FieldError[] {
  const errs: FieldError[] = [];
  const seconds = req.spec.expirationSeconds;
  if (seconds < MIN_EXPIRATION_SECONDS) {
    errs.push(fieldErr.invalid('spec.expirationSeconds', seconds, 'may not specify a duration less than 10 minutes'));
  }
  if (seconds > MAX_EXPIRATION_SECONDS) {
    errs.push(fieldErr.tooLong('spec.expirationSeconds', seconds, MAX_EXPIRATION_SECONDS));
  }
  return errs;
}

/**
 * Throws 422 Invalid for GroupKind `AdminKubeconfigRequest.authentication.gardener.cloud` (or Viewer)
 * with an empty name when the requested lifetime is under 600 s or over 4294967295 s.
 */
export function validateKubeconfigRequest(kind: KubeconfigKind, req: Pick<KubeconfigRequest, 'spec'>): void {
  const errs = kubeconfigRequestErrors(req);
  if (errs.length > 0) throw invalid({ group: AUTH_GROUP, kind: REQUEST_KINDS[kind] }, '', errs);
}

/** The lifetime actually granted: the request, capped by `maxSeconds` when that is positive. */
export function effectiveExpirationSeconds(requestedSeconds: number, maxSeconds: number): number {
  return maxSeconds > 0 && requestedSeconds > maxSeconds ? maxSeconds : requestedSeconds;
}
