/**
 * InternalSecret validation, as Gardener's `ValidateInternalSecret` / `ValidateInternalSecretUpdate`
 * (themselves Kubernetes' Secret rules without defaulting). Runs on normalized objects: `stringData`
 * already merged into `data`, `data` values base64; sizes are checked on the decoded bytes.
 */
import { FieldPath, fieldErr, type FieldError } from '../../apimachinery/field.js';
import type { KubeObject } from '../../apimachinery/types.js';
import {
  isConfigMapKey,
  nameIsDNSSubdomain,
  validateImmutableField,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from '../../apimachinery/validation.js';
import { decodeData } from './data.js';
import { goUnmarshalMapError } from '../../apimachinery/gojson.js';
import { asInternalSecret, MAX_SECRET_SIZE, SecretKeys, SecretType, type InternalSecret } from './types.js';

/** Bad value reported for docker config contents instead of the secret itself. */
export const REDACTED = '<secret contents redacted>';
/** Detail of the `immutable: true` violations. */
export const IMMUTABLE_WHEN_SET = 'field is immutable when `immutable` is set';

const dataPath = FieldPath.of('data');

/** `data[<key>]` required and holding a JSON object (null accepted, as by Go). */
function validateDockerConfig(data: ReadonlyMap<string, Buffer>, key: string): FieldError[] {
  const bytes = data.get(key);
  if (bytes === undefined) return [fieldErr.required(dataPath.key(key))];
  const err = goUnmarshalMapError(bytes);
  return err === undefined ? [] : [fieldErr.invalid(dataPath.key(key), REDACTED, err)];
}

/** The rules that depend on `type`; unknown types, `Opaque` and `""` have none. */
function validateByType(secret: InternalSecret, data: ReadonlyMap<string, Buffer>): FieldError[] {
  switch (secret.type ?? '') {
    case SecretType.ServiceAccountToken: {
      const name = secret.metadata.annotations?.[SecretKeys.ServiceAccountName] ?? '';
      if (name !== '') return [];
      return [fieldErr.required(FieldPath.of('metadata', 'annotations').key(SecretKeys.ServiceAccountName))];
    }
    case SecretType.Dockercfg:
      return validateDockerConfig(data, SecretKeys.DockerConfig);
    case SecretType.DockerConfigJson:
      return validateDockerConfig(data, SecretKeys.DockerConfigJson);
    case SecretType.BasicAuth:
      if (data.has(SecretKeys.BasicAuthUsername) || data.has(SecretKeys.BasicAuthPassword)) return [];
      return [fieldErr.required(dataPath.key(SecretKeys.BasicAuthUsername)), fieldErr.required(dataPath.key(SecretKeys.BasicAuthPassword))];
    case SecretType.SSHAuth:
      return (data.get(SecretKeys.SSHAuthPrivateKey)?.length ?? 0) === 0 ? [fieldErr.required(dataPath.key(SecretKeys.SSHAuthPrivateKey))] : [];
    case SecretType.TLS:
      return [SecretKeys.TLSCert, SecretKeys.TLSPrivateKey].filter((k) => !data.has(k)).map((k) => fieldErr.required(dataPath.key(k)));
    default:
      return [];
  }
}

/**
 * Create validation: metadata (namespace required, name a DNS-1123 subdomain), data keys
 * (`Invalid` at `data[<key>]`), total size (`TooLong` at `data`), then the per-type rules.
 */
export function validateInternalSecret(obj: KubeObject): FieldError[] {
  const secret = asInternalSecret(obj);
  const errs = validateObjectMeta(secret.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const data = decodeData(secret.data);
  let total = 0;
  for (const [key, bytes] of data) {
    for (const msg of isConfigMapKey(key)) errs.push(fieldErr.invalid(dataPath.key(key), key, msg));
    total += bytes.length;
  }
  if (total > MAX_SECRET_SIZE) errs.push(fieldErr.tooLong(dataPath, '', MAX_SECRET_SIZE));
  errs.push(...validateByType(secret, data));
  return errs;
}

/** Same keys, same bytes (absent and empty `data` are the same). */
function sameData(a: ReadonlyMap<string, Buffer>, b: ReadonlyMap<string, Buffer>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const w = b.get(k);
    if (w === undefined || !v.equals(w)) return false;
  }
  return true;
}

/**
 * Update validation: metadata update rules, `type` immutable, the `immutable: true` lock on
 * `immutable` and `data` (`Forbidden`), then the full create validation of the new object.
 */
export function validateInternalSecretUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const secret = asInternalSecret(obj);
  const prev = asInternalSecret(old);
  const errs = validateObjectMetaUpdate(secret.metadata, prev.metadata);
  errs.push(...validateImmutableField(secret.type ?? '', prev.type ?? '', 'type'));
  if (prev.immutable === true) {
    if (secret.immutable !== true) errs.push(fieldErr.forbidden('immutable', IMMUTABLE_WHEN_SET));
    if (!sameData(decodeData(secret.data), decodeData(prev.data))) errs.push(fieldErr.forbidden(dataPath, IMMUTABLE_WHEN_SET));
  }
  errs.push(...validateInternalSecret(obj));
  return errs;
}
