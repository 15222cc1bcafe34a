/**
 * Rules for writes through the status subresource (Gardener's ValidateShootStatusUpdate): identifiers
 * are fixed once set, and the advertised addresses (which kubeconfigs are built from) must be unique
 * https URLs without credentials, query or fragment; the networks Gardener reports are canonical CIDRs.
 */
import { FieldPath, fieldErr, type FieldError } from '../../../apimachinery/field.js';
import { parseGoURL } from '../../../apimachinery/gourl.js';
import { isPlainObject, type KubeObject } from '../../../apimachinery/types.js';
import { validateImmutableField } from '../../../apimachinery/validation.js';
import { field, text } from '../../encryptionconfig/types.js';
import { validateNetworkingStatus } from './networking.js';
import { child } from './read.js';

const statusPath = FieldPath.of('status');
const FORM = '; desired format: https://host[:port]';

function validateAdvertisedURL(raw: string, path: FieldPath): FieldError[] {
  const u = parseGoURL(raw);
  if (typeof u === 'string') return [fieldErr.required(path, `url must be a valid URL: ${u}${FORM}`)];
  const errs: FieldError[] = [];
  if (u.scheme !== 'https') errs.push(fieldErr.invalid(path, u.scheme, `'https' is the only allowed URL scheme${FORM}`));
  if (u.host === '') errs.push(fieldErr.invalid(path, u.host, `host must be provided${FORM}`));
  if (u.user !== undefined) errs.push(fieldErr.invalid(path, u.user, `user information is not permitted in the URL${FORM}`));
  if (u.fragment !== '') errs.push(fieldErr.invalid(path, u.fragment, `fragments are not permitted in the URL${FORM}`));
  if (u.query !== '') errs.push(fieldErr.invalid(path, u.query, `query parameters are not permitted in the URL${FORM}`));
  return errs;
}

/** `status.advertisedAddresses`: names required and unique, URLs https. */
export function validateAdvertisedAddresses(addresses: unknown): FieldError[] {
  if (!Array.isArray(addresses)) return [];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  addresses.forEach((a: unknown, i) => {
    const p = statusPath.child('advertisedAddresses').index(i);
    const name = isPlainObject(a) ? (text(a, 'name') ?? '') : '';
    if (name === '') errs.push(fieldErr.required(p.child('name'), 'field must not be empty'));
    else if (names.has(name)) errs.push(fieldErr.duplicate(p.child('name'), name));
    else {
      names.add(name);
      errs.push(...validateAdvertisedURL(text(a, 'url') ?? '', p.child('url')));
    }
  });
  return errs;
}

/** The status rules of an update. */
export function validateShootStatusUpdate(shoot: KubeObject, old: KubeObject): FieldError[] {
  const status = field(shoot, 'status') ?? {};
  const oldStatus = field(old, 'status') ?? {};
  const errs: FieldError[] = [];
  for (const name of ['uid', 'technicalID'] as const) {
    const prev = text(oldStatus, name) ?? '';
    if (prev !== '') errs.push(...validateImmutableField(text(status, name) ?? '', prev, statusPath.child(name)));
  }
  const identity = text(oldStatus, 'clusterIdentity');
  if (identity !== undefined && text(status, 'clusterIdentity') !== identity) {
    errs.push(...validateImmutableField(text(status, 'clusterIdentity') ?? null, identity, statusPath.child('clusterIdentity')));
  }
  errs.push(...validateAdvertisedAddresses(status.advertisedAddresses));
  errs.push(...validateNetworkingStatus(child(status, 'networking'), statusPath.child('networking')));
  return errs;
}
