/**
 * Validation of a decoded EncryptionConfiguration with the rules, field paths and messages of upstream
 * `k8s.io/apiserver/pkg/apis/apiserver/validation/validation_encryption.go`.
 */
import type { EncryptionConfiguration, KMSConfiguration, KeyConfiguration, ProviderConfiguration } from './decode.js';
import { AES_KEY_SIZES, SECRETBOX_KEY_SIZES } from './providers.js';

/** One validation problem, as upstream's `field.Error` (type, path, detail). */
export interface FieldError {
  type: 'Required' | 'Invalid';
  field: string;
  detail: string;
}

/** Renders an error as `path: detail`. */
export function formatFieldError(e: FieldError): string {
  return `${e.field}: ${e.detail}`;
}

/** Upstream message constants (verbatim). */
export const MSG = {
  moreThanOneElement: 'more than one provider specified in a single element, should split into different list elements',
  noProvider: 'provider does not contain any of the expected providers: KMS, AESGCM, AESCBC, Secretbox, Identity',
  base64: 'secrets must be base64 encoded',
  eventsGroup: "'*.events.k8s.io' objects are stored using the 'events' API group in etcd. Use 'events' instead in the config file",
  extensionsGroup: "'extensions' group has been removed and cannot be used for encryption",
  starResource: "use '*.' to encrypt all the resources from core API group or *.* to encrypt all resources",
  overlap:
    "using overlapping resources such as 'secrets' and '*.' in the same resource list is not allowed as they will be masked",
  nonRESTAPIResource: 'resources which do not have REST API/s cannot be encrypted',
  resourceName: 'resource name should not contain capital letters',
  resourceAcrossGroup: 'encrypting the same resource across groups is not supported',
  duplicateResource: 'the same resource cannot be specified multiple times',
  atLeastOne: (what: string): string => `at least one ${what} is required`,
  mandatory: (field: string, of: string): string => `${field} is a mandatory field for a ${of}`,
  keyLen: (got: number, expected: readonly number[]): string =>
    `secret is not of the expected length, got ${got}, expected one of [${expected.join(' ')}]`,
} as const;

/** A parsed group-resource (upstream `schema.ParseGroupResource`: split at the first `.`). */
export interface GroupResource {
  group: string;
  resource: string;
}

/** `secrets` → {"", secrets}; `a.b.c` → {b.c, a}; `*.` → {"", *}; `*.*` → {*, *}. */
export function parseGroupResource(s: string): GroupResource {
  const i = s.indexOf('.');
  return i < 0 ? { group: '', resource: s } : { group: s.slice(i + 1), resource: s.slice(0, i) };
}

/** How a group-resource is written in the config (`*.` for all core resources, else `resource[.group]`). */
export function groupResourceString(gr: GroupResource): string {
  if (gr.group === '' && gr.resource === '*') return '*.';
  return gr.group === '' ? gr.resource : `${gr.resource}.${gr.group}`;
}

/**
 * Decodes standard, padded base64 like Go's `base64.StdEncoding.DecodeString` (CR/LF ignored, anything
 * else outside the alphabet or bad padding rejected). Returns undefined when it is not valid.
 */
export function decodeStdBase64(s: string): Uint8Array | undefined {
  const clean = s.replace(/[\r\n]/gu, '');
  if (clean.length % 4 !== 0 || !/^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/u.test(clean)) return undefined;
  return new Uint8Array(Buffer.from(clean, 'base64'));
}

const NON_REST = new Set(['apiserveripinfo', 'serviceipallocations', 'servicenodeportallocations']);

/**
 * Validates the configuration; returns every problem (empty when valid). `reload` makes all KMS names
 * subject to uniqueness, as upstream does with automatic reload enabled.
 */
export function validateEncryptionConfiguration(c: EncryptionConfiguration, reload = false): FieldError[] {
  if (c.resources.length === 0) return [required('resources', MSG.atLeastOne('resources'))];
  const errs: FieldError[] = [];
  const kmsNames = new Set<string>();
  c.resources.forEach((conf, i) => {
    const r = `resources[${i}].resources`;
    const p = `resources[${i}].providers`;
    if (conf.resources.length === 0) errs.push(required(r, MSG.atLeastOne(r)));
    errs.push(...validateResourceOverlap(conf.resources, r), ...validateResourceNames(conf.resources, r));
    if (conf.providers.length === 0) errs.push(required(p, MSG.atLeastOne(p)));
    conf.providers.forEach((provider, j) => errs.push(...validateProvider(provider, `${p}[${j}]`, kmsNames, reload)));
  });
  return errs;
}

function required(field: string, detail: string): FieldError {
  return { type: 'Required', field, detail };
}

function invalid(field: string, detail: string): FieldError {
  return { type: 'Invalid', field, detail };
}

function validateProvider(provider: ProviderConfiguration, path: string, kmsNames: Set<string>, reload: boolean): FieldError[] {
  const errs = validateSingleProvider(provider, path);
  if (provider.kms !== undefined) {
    errs.push(...validateKMS(provider.kms, `${path}.kms`, kmsNames, reload));
    kmsNames.add(provider.kms.name);
  } else if (provider.aesgcm !== undefined) {
    errs.push(...validateKeys(provider.aesgcm.keys, `${path}.aesgcm.keys`, AES_KEY_SIZES));
  } else if (provider.aescbc !== undefined) {
    errs.push(...validateKeys(provider.aescbc.keys, `${path}.aescbc.keys`, AES_KEY_SIZES));
  } else if (provider.secretbox !== undefined) {
    errs.push(...validateKeys(provider.secretbox.keys, `${path}.secretbox.keys`, SECRETBOX_KEY_SIZES));
  }
  return errs;
}

function validateResourceOverlap(resources: readonly string[], path: string): FieldError[] {
  if (resources.length < 2) return [];
  const grs = resources.map(parseGroupResource);
  let hasOverlap = false;
  let hasDuplicate = false;
  grs.forEach((r1, i) => {
    grs.forEach((r2, j) => {
      if (i === j) return;
      if (r1.group === r2.group && r1.resource === r2.resource && !hasDuplicate) {
        hasDuplicate = true;
        return;
      }
      if (hasOverlap) return;
      if (r1.group === '*' && r1.resource === '*') hasOverlap = true;
      else if (r1.group === r2.group && (r1.resource === '*' || r2.resource === '*')) hasOverlap = true;
    });
  });
  const errs: FieldError[] = [];
  if (hasDuplicate) errs.push(invalid(path, MSG.duplicateResource));
  if (hasOverlap) errs.push(invalid(path, MSG.overlap));
  return errs;
}

/** The first failing name check per resource, in upstream order. */
function resourceNameProblem(res: string): string | undefined {
  if (res.toLowerCase() !== res) return MSG.resourceName;
  if (res === '*') return MSG.starResource;
  if (NON_REST.has(res)) return MSG.nonRESTAPIResource;
  const gr = parseGroupResource(res);
  if (gr.group === 'events.k8s.io') return MSG.eventsGroup;
  if (gr.group === 'extensions') return MSG.extensionsGroup;
  if (gr.group === '*' && gr.resource !== '*') return MSG.resourceAcrossGroup;
  return undefined;
}

function validateResourceNames(resources: readonly string[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  resources.forEach((res, j) => {
    const problem = resourceNameProblem(res);
    if (problem !== undefined) errs.push(invalid(`${path}[${j}]`, problem));
  });
  return errs;
}

function validateSingleProvider(provider: ProviderConfiguration, path: string): FieldError[] {
  const found = [provider.kms, provider.aesgcm, provider.aescbc, provider.secretbox, provider.identity].filter(
    (x) => x !== undefined,
  ).length;
  if (found === 0) return [invalid(path, MSG.noProvider)];
  if (found > 1) return [invalid(path, MSG.moreThanOneElement)];
  return [];
}

function validateKeys(keys: readonly KeyConfiguration[], path: string, sizes: readonly number[]): FieldError[] {
  if (keys.length === 0) return [required(path, MSG.atLeastOne('keys'))];
  return keys.flatMap((key, i) => validateKey(key, `${path}[${i}]`, sizes));
}

function validateKey(key: KeyConfiguration, path: string, sizes: readonly number[]): FieldError[] {
  const errs: FieldError[] = [];
  if (key.name === '') errs.push(required(`${path}.name`, MSG.mandatory('name', 'key')));
  if (key.secret === '') {
    errs.push(required(`${path}.secret`, MSG.mandatory('secret', 'key')));
    return errs;
  }
  const secret = decodeStdBase64(key.secret);
  if (secret === undefined) {
    errs.push(invalid(`${path}.secret`, MSG.base64));
  } else if (!sizes.includes(secret.length)) {
    errs.push(invalid(`${path}.secret`, MSG.keyLen(secret.length, sizes)));
  }
  return errs;
}

function validateKMS(c: KMSConfiguration, path: string, names: Set<string>, reload: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (c.name === '') errs.push(required(`${path}.name`, MSG.mandatory('name', 'provider')));
  if (c.apiVersion !== 'v1' && c.name.includes(':')) {
    errs.push(invalid(`${path}.name`, `invalid KMS provider name ${c.name}, must not contain ':'`));
  }
  if ((reload || c.apiVersion !== 'v1') && names.has(c.name)) {
    errs.push(invalid(`${path}.name`, `duplicate KMS provider name ${c.name}, names must be unique`));
  }
  if (c.timeoutMs <= 0) errs.push(invalid(`${path}.timeout`, 'timeout should be a positive value'));
  const endpoint = kmsEndpointProblem(c.endpoint);
  if (endpoint !== undefined) errs.push(invalid(`${path}.endpoint`, endpoint));
  if (c.apiVersion !== 'v1' && c.cachesize !== undefined) {
    errs.push(invalid(`${path}.cachesize`, 'cachesize is not supported in v2'));
  }
  if (c.apiVersion === 'v1' && c.cachesize === 0) {
    errs.push(invalid(`${path}.cachesize`, 'cachesize should be a positive value, or negative to disable'));
  }
  if (c.apiVersion !== 'v1' && c.apiVersion !== 'v2') {
    // Upstream formats the literal word "apiVersion" into this message; kept as is.
    errs.push(invalid(`${path}.apiVersion`, 'unsupported apiVersion apiVersion for KMS provider, only v1 and v2 are supported'));
  }
  return errs;
}

function kmsEndpointProblem(endpoint: string): string | undefined {
  if (endpoint === '') return MSG.mandatory('endpoint', 'kms');
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/u.exec(endpoint)?.[1]?.toLowerCase() ?? '';
  return scheme === 'unix' ? undefined : `unsupported scheme "${scheme}" for KMS provider, only unix is supported`;
}
