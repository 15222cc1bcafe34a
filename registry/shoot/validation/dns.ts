/**
 * `spec.dns` (Gardener's validateDNS and validateDNSUpdate): the domain, one primary provider, credentials
 * given by `credentialsRef` (the deprecated `secretName` must name the same Secret before Kubernetes 1.35
 * and is refused from then on), unique provider credentials, and what may change once a seed is assigned.
 */
import { FieldPath, fieldErr, type FieldError } from '../../../apimachinery/field.js';
import { k8sAtLeastMinor, k8sBelowMinor } from '../../../apimachinery/semver.js';
import { validateImmutableField } from '../../../apimachinery/validation.js';
import { dns1123Subdomain } from './common.js';
import { bool, child, objs, str, strOr, type Obj } from './read.js';
import { validateLocalCredentialsRef } from './references.js';

/** The provider type that leaves DNS records to the user. */
export const DNS_UNMANAGED = 'unmanaged';

/** The first provider marked primary. */
export function primaryDNSProvider(providers: Obj[]): Obj | undefined {
  return providers.find((p) => bool(p, 'primary') === true);
}

/** `secretName` and `credentialsRef` of one provider agree (validateDNSCredentialsRef). */
function credentials(provider: Obj, version: string, path: FieldPath): FieldError[] {
  const ref = child(provider, 'credentialsRef');
  const secretName = str(provider, 'secretName');
  if (ref === undefined) {
    return secretName !== undefined && k8sBelowMinor(version, 35) ? [fieldErr.forbidden(path.child('secretName'), 'must not be set when `credentialsRef` is not set')] : [];
  }
  const errs = validateLocalCredentialsRef(ref, path.child('credentialsRef'));
  if (str(ref, 'apiVersion') === 'v1' && str(ref, 'kind') === 'Secret') {
    if (k8sBelowMinor(version, 35) && secretName !== strOr(ref, 'name')) {
      errs.push(fieldErr.forbidden(path.child('secretName'), 'must refer to the same secret as `credentialsRef`'));
    }
  } else if ((secretName ?? '') !== '') {
    errs.push(fieldErr.forbidden(path.child('secretName'), 'must not be set when `credentialsRef` does not refer to secret resource'));
  }
  return errs;
}

/** The checks of one provider after its credentials; `state` tracks primaries and used credentials. */
function provider(p: Obj, state: { used: Set<string>; primaryFound: boolean }, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const ref = child(p, 'credentialsRef');
  const type = str(p, 'type');
  if (ref !== undefined && type !== undefined) {
    const credential = { providerType: type, gvk: `${strOr(ref, 'apiVersion')}/${strOr(ref, 'kind')}`, name: strOr(ref, 'name') };
    const key = JSON.stringify(credential);
    if (state.used.has(key)) return [...errs, fieldErr.invalid(path, credential, 'combination of .credentialsRef and .type must be unique across dns providers')];
    state.used.add(key);
  }
  if (bool(p, 'primary') === true) {
    if (state.primaryFound) return [...errs, fieldErr.forbidden(path.child('primary'), 'multiple primary DNS providers are not supported')];
    state.primaryFound = true;
  }
  if (type === DNS_UNMANAGED && ref !== undefined) {
    return [...errs, fieldErr.invalid(path.child('credentialsRef'), ref, `credentialsRef must not be set when type is ${JSON.stringify(DNS_UNMANAGED)}`)];
  }
  if (ref !== undefined && type === undefined) errs.push(fieldErr.required(path.child('type'), 'type must be set when credentialsRef is set'));
  if (bool(p, 'primary') !== true && ref === undefined) errs.push(fieldErr.required(path.child('credentialsRef'), 'non-primary DNS providers must specify `credentialsRef`'));
  return errs;
}

/** Gardener's validateDNS for Kubernetes `version`. */
export function validateDNS(dns: Obj | undefined, version: string, path: FieldPath): FieldError[] {
  if (dns === undefined) return [];
  const errs: FieldError[] = [];
  const domain = str(dns, 'domain');
  if (domain !== undefined) errs.push(...dns1123Subdomain(domain, path.child('domain')));
  const providers = objs(dns, 'providers');
  const primaryType = str(primaryDNSProvider(providers), 'type');
  if (primaryType !== undefined && primaryType !== DNS_UNMANAGED && domain === undefined) {
    errs.push(fieldErr.required(path.child('domain'), `domain must be set when primary provider type is not set to ${JSON.stringify(DNS_UNMANAGED)}`));
  }
  const state = { used: new Set<string>(), primaryFound: false };
  providers.forEach((p, i) => {
    const at = path.child('providers').index(i);
    if (str(p, 'secretName') !== undefined && k8sAtLeastMinor(version, 35)) {
      errs.push(fieldErr.forbidden(at.child('secretName'), 'for Kubernetes versions >= 1.35, secretName field is no longer supported'));
    }
    errs.push(...credentials(p, version, at));
    errs.push(...provider(p, state, at));
  });
  return errs;
}

/** What may change in `spec.dns`; the primary provider is fixed once a seed is assigned. */
export function validateDNSUpdate(next: Obj | undefined, prev: Obj | undefined, seedAssigned: boolean, path: FieldPath): FieldError[] {
  if (prev === undefined) return [];
  if (next === undefined) return validateImmutableField(null, prev, path);
  const errs: FieldError[] = [];
  const oldDomain = str(prev, 'domain');
  if (oldDomain !== undefined && str(next, 'domain') !== oldDomain) errs.push(...validateImmutableField(str(next, 'domain') ?? null, oldDomain, path.child('domain')));
  if (!seedAssigned) return errs;
  const oldPrimary = primaryDNSProvider(objs(prev, 'providers'));
  const newPrimary = primaryDNSProvider(objs(next, 'providers'));
  if (oldPrimary === undefined) return errs;
  const oldType = str(oldPrimary, 'type');
  const newType = str(newPrimary, 'type');
  if (newPrimary === undefined) errs.push(fieldErr.forbidden(path.child('providers'), 'removing a primary provider is not allowed'));
  else if (oldType !== undefined && newType === undefined) errs.push(fieldErr.forbidden(path.child('providers'), 'removing the primary provider type is not allowed'));
  else if (oldType !== undefined && newType !== undefined && oldType !== newType) errs.push(fieldErr.forbidden(path.child('providers'), 'changing primary provider type is not allowed'));
  return errs;
}
