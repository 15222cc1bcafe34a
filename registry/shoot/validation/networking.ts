/**
 * `spec.networking` and `status.networking`: the network type (a label-safe extension name), IP families,
 * the node, pod and service CIDRs (parseable, canonical, of the primary family), what may change on an
 * update (type and CIDRs are fixed; IPv4 may become dual-stack and back) and, as Gardener's
 * ShootValidator checks without a seed, that the Shoot's own networks are disjoint.
 */
import { cidrParseError, cidrsOverlap, formatIP, isCanonicalCIDR, isIPv4Address, parseCIDR } from '../../../apimachinery/cidr.js';
import { FieldPath, fieldErr, type FieldError } from '../../../apimachinery/field.js';
import { validateLabelName } from '../../../apimachinery/labelvalidation.js';
import { validateImmutableField } from '../../../apimachinery/validation.js';
import { WORKERLESS } from './common.js';
import { isSet, list, str, strs, type Obj } from './read.js';

const IP_FAMILIES = ['IPv4', 'IPv6'];
const NETWORKING_TYPE_LABEL_PREFIX = 'networking.extensions.gardener.cloud/';

/** IPv4 only (also when no family is given). */
export function isIPv4SingleStack(families: string[]): boolean {
  return families.length === 0 || (families.length === 1 && families[0] === 'IPv4');
}

/** IPv6 only. */
export function isIPv6SingleStack(families: string[]): boolean {
  return families.length === 1 && families[0] === 'IPv6';
}

/** Both families. */
export function isDualStack(families: string[]): boolean {
  return families.includes('IPv4') && families.includes('IPv6');
}

/** Known and unique IP families (ValidateIPFamilies). */
export function validateIPFamilies(families: string[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  families.forEach((f, i) => {
    if (!IP_FAMILIES.includes(f)) errs.push(fieldErr.notSupported(path.index(i), f, IP_FAMILIES));
    if (seen.has(f)) errs.push(fieldErr.duplicate(path.index(i), f));
    else seen.add(f);
  });
  return errs;
}

/** A CIDR that parses (Go's net.ParseCIDR) and is in canonical form, optionally of `family`. */
export function validateCIDR(value: string, path: FieldPath, family?: string): FieldError[] {
  const cidr = parseCIDR(value);
  if (cidr === undefined) return [fieldErr.invalid(path, value, cidrParseError(value))];
  const errs: FieldError[] = [];
  if (family === 'IPv4' && !isIPv4Address(cidr.network)) errs.push(fieldErr.invalid(path, formatIP(cidr.network), 'must be a valid IPv4 address'));
  if (family === 'IPv6' && isIPv4Address(cidr.network)) errs.push(fieldErr.invalid(path, formatIP(cidr.network), 'must be a valid IPv6 address'));
  if (!isCanonicalCIDR(cidr)) errs.push(fieldErr.invalid(path, value, 'must be valid canonical CIDR'));
  return errs;
}

function workerlessNetworking(networking: Obj, path: FieldPath): FieldError[] {
  return ['type', 'providerConfig', 'pods', 'nodes'].filter((k) => isSet(networking, k)).map((k) => fieldErr.forbidden(path.child(k), WORKERLESS));
}

function networkingType(networking: Obj, path: FieldPath): FieldError[] {
  const type = str(networking, 'type') ?? '';
  if (type === '') return [fieldErr.required(path, 'networking type must be provided')];
  if (validateLabelName(NETWORKING_TYPE_LABEL_PREFIX + type, path).length > 0) return [fieldErr.invalid(path, type, 'type must be a valid label name')];
  return [];
}

/** Gardener's validateNetworking. */
export function validateNetworking(networking: Obj | undefined, workerless: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (workerless) {
    if (networking === undefined) return [];
    errs.push(...workerlessNetworking(networking, path));
  } else {
    if (networking === undefined) return [fieldErr.required(path, 'networking should not be nil for a Shoot with workers')];
    errs.push(...networkingType(networking, path.child('type')));
  }
  const families = strs(networking, 'ipFamilies');
  const familyErrs = validateIPFamilies(families, path.child('ipFamilies'));
  if (familyErrs.length > 0) return [...errs, ...familyErrs];
  const primary = families[0] ?? 'IPv4';
  for (const k of ['nodes', 'pods', 'services']) {
    const value = str(networking, k);
    if (value !== undefined) errs.push(...validateCIDR(value, path.child(k), families.length < 2 ? primary : undefined));
  }
  return errs;
}

/** `status.networking`: every CIDR parses and is canonical. */
export function validateNetworkingStatus(networking: Obj | undefined, path: FieldPath): FieldError[] {
  if (networking === undefined) return [];
  return ['nodes', 'pods', 'services', 'egressCIDRs'].flatMap((k) => strs(networking, k).flatMap((v, i) => validateCIDR(v, path.child(k).index(i))));
}

function ipFamiliesUpdate(next: string[], prev: string[], path: FieldPath): FieldError[] {
  const same = (a: string[], b: string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
  if (same(prev, ['IPv4']) && same(next, ['IPv4', 'IPv6'])) return [];
  if (same(prev, ['IPv4', 'IPv6']) && same(next, ['IPv4'])) return [];
  if (same(next, prev)) return [];
  return [fieldErr.forbidden(path, `unsupported IP family update: oldIPFamilies=[${prev.join(' ')}], newIPFamilies=[${next.join(' ')}]`)];
}

/** What may change in `spec.networking` (validateNetworkingUpdate). */
export function validateNetworkingUpdate(next: Obj | undefined, prev: Obj | undefined, path: FieldPath): FieldError[] {
  if (prev === undefined) return [];
  if (next === undefined) return [fieldErr.forbidden(path, "networking cannot be set to nil if it's already set")];
  const errs = validateImmutableField(str(next, 'type') ?? null, str(prev, 'type') ?? null, path.child('type'));
  for (const k of ['pods', 'services']) {
    if (isSet(prev, k)) errs.push(...validateImmutableField(str(next, k) ?? null, str(prev, k) ?? null, path.child(k)));
  }
  errs.push(...ipFamiliesUpdate(strs(next, 'ipFamilies'), strs(prev, 'ipFamilies'), path.child('ipFamilies')));
  return errs;
}

function intersect(a: string, b: string): boolean {
  const x = parseCIDR(a);
  const y = parseCIDR(b);
  return x !== undefined && y !== undefined && cidrsOverlap(x, y);
}

/**
 * The Shoot's own node, pod and service networks do not overlap (ShootValidator's
 * ValidateShootNetworkDisjointedness, applied when the Shoot uses IPv4).
 */
export function validateShootNetworkDisjointedness(networking: Obj | undefined, path: FieldPath): FieldError[] {
  if (networking === undefined || !list(networking, 'ipFamilies').includes('IPv4')) return [];
  const nodes = str(networking, 'nodes');
  const pods = str(networking, 'pods');
  const services = str(networking, 'services');
  const errs: FieldError[] = [];
  if (pods !== undefined && services !== undefined && intersect(pods, services)) {
    errs.push(fieldErr.invalid(path.child('services'), services, 'shoot pod network intersects with shoot service network'));
  }
  if (pods !== undefined && nodes !== undefined && intersect(pods, nodes)) {
    errs.push(fieldErr.invalid(path.child('pods'), pods, 'shoot pod network intersects with shoot node network'));
  }
  if (services !== undefined && nodes !== undefined && intersect(services, nodes)) {
    errs.push(fieldErr.invalid(path.child('services'), services, 'shoot service network intersects with shoot node network'));
  }
  return errs;
}
