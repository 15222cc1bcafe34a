/**
 * `spec.kubernetes.kubeAPIServer` (Gardener's ValidateKubeAPIServer): admission plugins, runtime config,
 * audit policy and structured authentication/authorization references, watch cache sizes, logging,
 * toleration seconds, encryption at rest, request limits, service account issuers and token expiration,
 * event TTL, TLS version, autoscaling, feature gates and API audiences.
 */
import { DURATION, formatDuration } from '../../../apimachinery/duration.js';
import { FieldPath, fieldErr, type FieldError } from '../../../apimachinery/field.js';
import { k8sAtLeastMinor } from '../../../apimachinery/semver.js';
import { KUBE_APISERVER_ALWAYS_ENCRYPTED } from '../../encryptionconfig/types.js';
import { validateEncryptionConfig } from '../../encryptionconfig/validation.js';
import { validateAdmissionPlugins } from '../../kubernetes/admissionplugins.js';
import { validateAPIGroupVersions } from '../../kubernetes/apigroups.js';
import { validateFeatureGates } from '../../kubernetes/featuregates.js';
import { parseGoURL } from '../../../apimachinery/gourl.js';
import { controlPlaneAutoscaling, nonNegative } from './common.js';
import { child, duration, isSet, list, map, num, objs, path as at, str, strOr, strs, type Obj } from './read.js';
import { validateObjectReferenceNameAndNamespace } from './references.js';

/** Options of {@link validateKubeAPIServer}. */
export interface KubeAPIServerOptions {
  /** Accepted issuers are not checked (an update that leaves them as they were). */
  allowInvalidAcceptedIssuers: boolean;
  /** The etcd encryption key rotates automatically. */
  autoRotationEnabled: boolean;
  /** The AES-GCM rotation requirement is not checked. */
  skipAESGCMAutoRotationCheck: boolean;
}

const TLS_VERSIONS = ['VersionTLS12', 'VersionTLS13'];
const MAX_NON_MUTATING_INFLIGHT = 5000;
const MAX_MUTATING_INFLIGHT = 2500;

/** An OIDC issuer URL: https, with a host, no fragment, credentials or query (ValidateOIDCIssuerURL). */
export function validateOIDCIssuerURL(issuer: string, path: FieldPath): FieldError[] {
  const u = parseGoURL(issuer);
  if (typeof u === 'string') return [fieldErr.invalid(path, issuer, 'must be a valid URL and have https scheme')];
  const errs: FieldError[] = [];
  if (u.host === '') errs.push(fieldErr.invalid(path, issuer, 'must be a valid URL and have https scheme'));
  if (u.fragment !== '') errs.push(fieldErr.invalid(path, issuer, 'must not contain a fragment'));
  if (u.user !== undefined) errs.push(fieldErr.invalid(path, issuer, 'must not contain a username or password'));
  if (u.query !== '') errs.push(fieldErr.invalid(path, issuer, 'must not contain a query'));
  if (u.scheme !== 'https') errs.push(fieldErr.invalid(path, issuer, 'must have https scheme'));
  return errs;
}

function caseAndChars(value: string, invalid: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (value.toLowerCase() !== value) errs.push(fieldErr.invalid(path, value, 'must be lower case'));
  if ([...invalid].some((c) => value.includes(c))) errs.push(fieldErr.invalid(path, value, `must not contain any of the following characters: ${JSON.stringify(invalid)}`));
  return errs;
}

/** `watchCacheSizes` (ValidateWatchCacheSizes). */
export function validateWatchCacheSizes(sizes: Obj | undefined, version: string, path: FieldPath): FieldError[] {
  if (sizes === undefined) return [];
  const errs: FieldError[] = [];
  const def = num(sizes, 'default');
  if (def !== undefined) {
    if (k8sAtLeastMinor(version, 35)) errs.push(fieldErr.forbidden(path.child('default'), 'for Kubernetes versions >= 1.35, configuring the default watch cache size is no longer supported'));
    else errs.push(...nonNegative(def, path.child('default')));
  }
  objs(sizes, 'resources').forEach((r, i) => {
    const idx = path.child('resources').index(i);
    const resource = strOr(r, 'resource');
    if (resource === '') errs.push(fieldErr.required(idx.child('resource'), 'must not be empty'));
    else errs.push(...caseAndChars(resource, ',. #', idx.child('resource')));
    const group = str(r, 'apiGroup');
    if (group !== undefined && group !== '') errs.push(...caseAndChars(group, ', #', idx.child('apiGroup')));
    errs.push(...nonNegative(num(r, 'size') ?? 0, idx.child('size')));
  });
  return errs;
}

/** `logging` verbosities are not negative. */
export function validateAPIServerLogging(logging: Obj | undefined, path: FieldPath): FieldError[] {
  return [...nonNegative(num(logging, 'verbosity'), path.child('verbosity')), ...nonNegative(num(logging, 'httpAccessVerbosity'), path.child('httpAccessVerbosity'))];
}

/** `requests` in-flight limits. */
export function validateAPIServerRequests(requests: Obj | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [key, max] of [['maxNonMutatingInflight', MAX_NON_MUTATING_INFLIGHT], ['maxMutatingInflight', MAX_MUTATING_INFLIGHT]] as const) {
    const v = num(requests, key);
    if (v === undefined) continue;
    errs.push(...nonNegative(v, path.child(key)));
    if (v > max) errs.push(fieldErr.invalid(path.child(key), v, `cannot set higher than ${max}`));
  }
  return errs;
}

function structuredAuth(kas: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const gates = map(kas, 'featureGates');
  const authn = child(kas, 'structuredAuthentication');
  if (authn !== undefined) {
    const p = path.child('structuredAuthentication');
    if (gates?.StructuredAuthenticationConfiguration === false) errs.push(fieldErr.forbidden(p, 'requires feature gate StructuredAuthenticationConfiguration to be enabled'));
    if (strOr(authn, 'configMapName') === '') errs.push(fieldErr.forbidden(p.child('configMapName'), 'must provide a name'));
  }
  const authz = child(kas, 'structuredAuthorization');
  if (authz !== undefined) {
    const p = path.child('structuredAuthorization');
    if (gates?.StructuredAuthorizationConfiguration === false) errs.push(fieldErr.forbidden(p, 'requires feature gate StructuredAuthorizationConfiguration to be enabled'));
    const name = strOr(authz, 'configMapName');
    if (name === '') errs.push(fieldErr.forbidden(p.child('configMapName'), 'must provide a name'));
    if (name !== '' && list(authz, 'kubeconfigs').length === 0) {
      errs.push(fieldErr.required(p.child('kubeconfigs'), 'must provide kubeconfig secret references if an authorization config is configured'));
    }
  }
  return errs;
}

function serviceAccountConfig(sa: Obj, allowInvalidAcceptedIssuers: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const max = duration(sa, 'maxTokenExpiration');
  const maxPath = path.child('maxTokenExpiration');
  if (max !== undefined) {
    if (max < 0n) errs.push(fieldErr.invalid(maxPath, formatDuration(max), 'can not be negative'));
    if (max > 0n && max < 720n * DURATION.HOUR) errs.push(fieldErr.forbidden(maxPath, 'must be at least 720h (30d)'));
    if (max > 2160n * DURATION.HOUR) errs.push(fieldErr.forbidden(maxPath, 'must be at most 2160h (90d)'));
  }
  const issuer = str(sa, 'issuer');
  if (issuer !== undefined) errs.push(...validateOIDCIssuerURL(issuer, path.child('issuer')));
  const accepted = strs(sa, 'acceptedIssuers');
  if (accepted.length === 0 || allowInvalidAcceptedIssuers) return errs;
  const issuers = new Set<string>(issuer === undefined ? [] : [issuer]);
  accepted.forEach((a, i) => {
    const p = path.child('acceptedIssuers').index(i);
    errs.push(...validateOIDCIssuerURL(a, p));
    if (!issuers.has(a)) issuers.add(a);
    else if (issuer === a) errs.push(fieldErr.invalid(p, a, `acceptedIssuers cannot contains the issuer field value: ${a}`));
    else errs.push(fieldErr.duplicate(p, a));
  });
  return errs;
}

function apiAudiences(audiences: string[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  audiences.forEach((a, i) => {
    if (seen.has(a)) errs.push(fieldErr.duplicate(path.index(i), a));
    if (a.includes(',')) errs.push(fieldErr.invalid(path.index(i), a, 'audience must not contain commas'));
    seen.add(a);
  });
  return errs;
}

function eventTTLAndTLS(kas: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const ttl = duration(kas, 'eventTTL');
  if (ttl !== undefined) {
    if (ttl < 0n) errs.push(fieldErr.invalid(path.child('eventTTL'), formatDuration(ttl), 'can not be negative'));
    if (ttl > 24n * DURATION.HOUR) errs.push(fieldErr.invalid(path.child('eventTTL'), formatDuration(ttl), 'can not be longer than 24h'));
  }
  const tls = str(kas, 'tlsMinVersion');
  if (tls !== undefined && !TLS_VERSIONS.includes(tls)) errs.push(fieldErr.notSupported(path.child('tlsMinVersion'), tls, TLS_VERSIONS));
  return errs;
}

/** Gardener's ValidateKubeAPIServer for Kubernetes `version`. */
export function validateKubeAPIServer(kas: Obj | undefined, version: string, opts: KubeAPIServerOptions, workerless: boolean, path: FieldPath): FieldError[] {
  if (kas === undefined) return [];
  const errs: FieldError[] = [];
  if (isSet(kas, 'enableAnonymousAuthentication') && k8sAtLeastMinor(version, 35)) {
    errs.push(fieldErr.forbidden(path.child('enableAnonymousAuthentication'), 'for Kubernetes versions >= 1.35, enableAnonymousAuthentication field is no longer supported'));
  }
  errs.push(...validateAdmissionPlugins(list(kas, 'admissionPlugins'), version, path.child('admissionPlugins')));
  errs.push(...validateAPIGroupVersions(map(kas, 'runtimeConfig'), version, workerless, path.child('runtimeConfig')));
  const auditRef = at(kas, 'auditConfig', 'auditPolicy', 'configMapRef');
  if (auditRef !== undefined) errs.push(...validateObjectReferenceNameAndNamespace(auditRef, path.child('auditConfig', 'auditPolicy', 'configMapRef'), false));
  errs.push(...structuredAuth(kas, path));
  errs.push(...validateWatchCacheSizes(child(kas, 'watchCacheSizes'), version, path.child('watchCacheSizes')));
  errs.push(...validateAPIServerLogging(child(kas, 'logging'), path.child('logging')));
  errs.push(...nonNegative(num(kas, 'defaultNotReadyTolerationSeconds'), path.child('defaultNotReadyTolerationSeconds')));
  errs.push(...nonNegative(num(kas, 'defaultUnreachableTolerationSeconds'), path.child('defaultUnreachableTolerationSeconds')));
  const encryption = child(kas, 'encryptionConfig');
  if (encryption !== undefined) {
    const encOpts = { alwaysEncrypted: KUBE_APISERVER_ALWAYS_ENCRYPTED, autoRotationEnabled: opts.autoRotationEnabled, skipAESGCMAutoRotationCheck: opts.skipAESGCMAutoRotationCheck };
    errs.push(...validateEncryptionConfig(encryption, encOpts, path.child('encryptionConfig')));
  }
  errs.push(...validateAPIServerRequests(child(kas, 'requests'), path.child('requests')));
  const sa = child(kas, 'serviceAccountConfig');
  if (sa !== undefined) errs.push(...serviceAccountConfig(sa, opts.allowInvalidAcceptedIssuers, path.child('serviceAccountConfig')));
  errs.push(...eventTTLAndTLS(kas, path));
  errs.push(...controlPlaneAutoscaling(child(kas, 'autoscaling'), { cpu: '20m', memory: '200M' }, path.child('autoscaling')));
  errs.push(...validateFeatureGates(map(kas, 'featureGates'), version, path.child('featureGates')));
  errs.push(...apiAudiences(strs(kas, 'apiAudiences'), path.child('apiAudiences')));
  return errs;
}
