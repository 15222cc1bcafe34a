/**
 * Validation of RBAC subjects and project members (Gardener's ValidateSubject and ValidateProjectMember),
 * and the identity under which members are compared for duplicates.
 */
import { fieldErr, FieldPath, type FieldError } from '../../../apimachinery/field.js';
import { nameIsDNSSubdomain, validateNamespaceName, validatePathSegmentName } from '../../../apimachinery/validation.js';
import { EXTENSION_ROLE_PREFIX, RBAC_GROUP, Role, type Subject } from '../types.js';

const SERVICE_ACCOUNT_USER_PREFIX = 'system:serviceaccount:';
const EXTENSION_ROLE_MAX_LENGTH = 20;
/** The roles Gardener knows, as its validation lists them (sorted, then the extension pattern). */
const SUPPORTED_ROLES = [Role.Admin, Role.Owner, Role.ServiceAccountManager, Role.UserAccessManager, Role.Viewer].sort();

/** Checks one subject (owner, creator or member) at `path`. */
export function validateSubject(s: Subject, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (s.name === '') errs.push(fieldErr.required(path.child('name'), ''));
  switch (s.kind) {
    case 'ServiceAccount':
      if (s.name !== '') for (const msg of nameIsDNSSubdomain(s.name, false)) errs.push(fieldErr.invalid(path.child('name'), s.name, msg));
      if (s.apiGroup !== '') errs.push(fieldErr.notSupported(path.child('apiGroup'), s.apiGroup, ['']));
      if (s.namespace === '') errs.push(fieldErr.required(path.child('namespace'), ''));
      else for (const msg of validateNamespaceName(s.namespace, false)) errs.push(fieldErr.invalid(path.child('namespace'), s.namespace, msg));
      break;
    case 'User':
    case 'Group':
      if (s.apiGroup !== RBAC_GROUP) errs.push(fieldErr.notSupported(path.child('apiGroup'), s.apiGroup, [RBAC_GROUP]));
      if (s.namespace !== '') errs.push(fieldErr.forbidden(path.child('namespace'), 'must not be set when kind is User or Group'));
      break;
    default:
      errs.push(fieldErr.notSupported(path.child('kind'), s.kind, ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

/**
 * The identity of a member for duplicate detection: a User named `system:serviceaccount:<ns>:<name>` is
 * the ServiceAccount it names. Throws an Error for such a name with fewer than four parts.
 */
export function memberId(s: Subject): string {
  let { apiGroup, kind, namespace, name } = s;
  if (s.kind === 'User' && s.name.startsWith(SERVICE_ACCOUNT_USER_PREFIX)) {
    const parts = s.name.split(':');
    if (parts.length < 4) throw new Error(`unsupported service account user name: ${JSON.stringify(s.name)}`);
    apiGroup = '';
    kind = 'ServiceAccount';
    namespace = parts[2] ?? '';
    name = parts[3] ?? '';
  }
  return `${apiGroup}_${kind}_${namespace}_${name}`;
}

/** Checks one member's subject and its internal roles (`role` at index 0). */
export function validateMember(s: Subject, roles: readonly string[], path: FieldPath): FieldError[] {
  const errs = validateSubject(s, path);
  const seen = new Set<string>();
  roles.forEach((role, i) => {
    const at = path.child('roles').index(i);
    if (seen.has(role)) errs.push(fieldErr.duplicate(at, role));
    seen.add(role);
    const known = (SUPPORTED_ROLES as string[]).includes(role);
    if (!known && !role.startsWith(EXTENSION_ROLE_PREFIX)) errs.push(fieldErr.notSupported(at, role, [...SUPPORTED_ROLES, `${EXTENSION_ROLE_PREFIX}*`]));
    if (role.startsWith(EXTENSION_ROLE_PREFIX)) {
      const name = role.slice(EXTENSION_ROLE_PREFIX.length);
      if (Buffer.byteLength(name) > EXTENSION_ROLE_MAX_LENGTH) errs.push(fieldErr.tooLong(at, role, EXTENSION_ROLE_MAX_LENGTH));
      const msgs = validatePathSegmentName(name, false);
      if (msgs.length > 0) errs.push(fieldErr.invalid(at, role, msgs.join(', ')));
    }
  });
  return errs;
}
