/**
 * Gardener's validation of Projects (ValidateProject, ValidateProjectUpdate, ValidateProjectStatusUpdate):
 * the name (a DNS subdomain of at most 10 characters without "--"), `spec.namespace` ("garden" or
 * "garden-…", not a reserved namespace), members (subjects, roles, one owner, no duplicates), owner and
 * creator, description and purpose, tolerations, dual approval for deletion; on update the immutable
 * creator and namespace and an owner that cannot be removed. Member roles are checked in their internal
 * form, `role` first (so `roles[0]` in a path is the member's `role`).
 */
import { fieldErr, FieldPath, type FieldError } from '../../../apimachinery/field.js';
import { isPlainObject, type KubeObject } from '../../../apimachinery/types.js';
import { nameIsDNSSubdomain, validateImmutableField, validateNamespaceName, validateObjectMeta, validateObjectMetaUpdate } from '../../../apimachinery/validation.js';
import { memberRoles, projectMembers, projectSpec, Role, specSubject, subjectJSON, subjectOf } from '../types.js';
import { tolerationsOf, validateFreeFormText, validateLabelSelector, validateTolerations, validateTolerationsAgainstAllowlist } from './fields.js';
import { memberId, validateMember, validateSubject } from './subject.js';

const MAX_NAME_LENGTH = 10;
const RESERVED_NAMESPACES = ['gardener-system-seed-lease', 'gardener-system-shoot-issuer', 'gardener-system-public'];
const NAMESPACE_PREFIX = 'garden-';
const SPEC = FieldPath.of('spec');

function validateName(name: string): FieldError[] {
  const errs: FieldError[] = [];
  const path = FieldPath.of('metadata', 'name');
  if (name.length > MAX_NAME_LENGTH) errs.push(fieldErr.tooLong(path, name, MAX_NAME_LENGTH));
  if (name.includes('--')) errs.push(fieldErr.invalid(path, name, 'name may not contain two consecutive hyphens'));
  return errs;
}

/** `spec.namespace` errors; `reserved` ends the spec validation there, as upstream returns early. */
function validateNamespace(spec: Record<string, unknown>): { errs: FieldError[]; reserved: boolean } {
  const ns = spec.namespace;
  if (typeof ns !== 'string') return { errs: [], reserved: false };
  const path = SPEC.child('namespace');
  if (RESERVED_NAMESPACES.includes(ns)) {
    return { errs: [fieldErr.invalid(path, ns, `Project namespaces [${RESERVED_NAMESPACES.join(', ')}] are reserved by Gardener`)], reserved: true };
  }
  const errs: FieldError[] = [];
  if (ns !== 'garden' && !ns.startsWith(NAMESPACE_PREFIX)) errs.push(fieldErr.invalid(path, ns, `must start with ${NAMESPACE_PREFIX}`));
  for (const msg of validateNamespaceName(ns, false)) errs.push(fieldErr.invalid(path, ns, msg));
  return { errs, reserved: false };
}

/** The JSON Go prints for an internal ProjectMember in a Duplicate error. */
function memberValue(member: Record<string, unknown>, roles: readonly string[]): Record<string, unknown> {
  return { ...subjectJSON(subjectOf(member)), Roles: roles.length > 0 ? roles : null };
}

function validateMembers(project: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const ids = new Set<string>();
  let ownerFound = false;
  projectMembers(project).forEach((member, i) => {
    const path = SPEC.child('members').index(i);
    const subject = subjectOf(member);
    const roles = memberRoles(member);
    let id: string;
    try {
      id = memberId(subject);
    } catch (e: unknown) {
      errs.push(fieldErr.invalid(path.child('name'), subject.name, e instanceof Error ? e.message : String(e)));
      return;
    }
    if (ids.has(id)) errs.push({ type: 'Duplicate', field: path.toString(), badValue: memberValue(member, roles) });
    ids.add(id);
    errs.push(...validateMember(subject, roles, path));
    roles.forEach((role, j) => {
      if (role !== Role.Owner) return;
      if (ownerFound) errs.push(fieldErr.forbidden(path.child('roles').index(j), 'cannot have more than one member having the owner role'));
      ownerFound = true;
    });
  });
  return errs;
}

function validateText(spec: Record<string, unknown>, field: 'description' | 'purpose', allowInvalid: boolean): FieldError[] {
  const text = spec[field];
  if (typeof text !== 'string') return [];
  const errs: FieldError[] = [];
  if (text === '') errs.push(fieldErr.required(SPEC.child(field), `must provide a ${field} when key is present`));
  if (!allowInvalid) errs.push(...validateFreeFormText(text, SPEC.child(field)));
  return errs;
}

function validateProjectTolerations(spec: Record<string, unknown>): FieldError[] {
  if (!isPlainObject(spec.tolerations)) return [];
  const defaults = tolerationsOf(spec.tolerations.defaults);
  const whitelist = tolerationsOf(spec.tolerations.whitelist);
  const path = SPEC.child('tolerations');
  return [
    ...validateTolerations(defaults, path.child('defaults')),
    ...validateTolerations(whitelist, path.child('whitelist')),
    ...validateTolerationsAgainstAllowlist(defaults, whitelist, path.child('defaults')),
  ];
}

function validateDualApproval(spec: Record<string, unknown>): FieldError[] {
  const list = Array.isArray(spec.dualApprovalForDeletion) ? spec.dualApprovalForDeletion : [];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  list.forEach((cfg: unknown, i) => {
    const path = SPEC.child('dualApprovalForDeletion').index(i);
    const c = isPlainObject(cfg) ? cfg : {};
    const resource = typeof c.resource === 'string' ? c.resource : '';
    if (resource === '') errs.push(fieldErr.required(path.child('resource'), 'cannot be empty'));
    else {
      if (resource !== 'shoots') errs.push(fieldErr.notSupported(path.child('resource'), resource, ['shoots']));
      if (seen.has(resource)) errs.push(fieldErr.duplicate(path.child('resource'), resource));
      seen.add(resource);
    }
    errs.push(...validateLabelSelector(c.selector, path.child('selector')));
  });
  return errs;
}

/** Whether invalid description/purpose text is tolerated (unchanged on update). */
interface TextOptions {
  allowInvalidDescription: boolean;
  allowInvalidPurpose: boolean;
}

function validateSpec(project: KubeObject, opts: TextOptions): FieldError[] {
  const spec = projectSpec(project);
  const namespace = validateNamespace(spec);
  if (namespace.reserved) return namespace.errs;
  const errs = [...namespace.errs, ...validateMembers(project)];
  for (const field of ['createdBy', 'owner'] as const) {
    const s = specSubject(project, field);
    if (s !== undefined) errs.push(...validateSubject(s, SPEC.child(field)));
  }
  errs.push(...validateText(spec, 'description', opts.allowInvalidDescription));
  errs.push(...validateText(spec, 'purpose', opts.allowInvalidPurpose));
  errs.push(...validateProjectTolerations(spec));
  errs.push(...validateDualApproval(spec));
  return errs;
}

function validateWith(project: KubeObject, opts: TextOptions): FieldError[] {
  return [
    ...validateObjectMeta(project.metadata, { namespaced: false, nameFn: nameIsDNSSubdomain }),
    ...validateName(project.metadata.name ?? ''),
    ...validateSpec(project, opts),
  ];
}

/** Create validation. */
export function validateProject(project: KubeObject): FieldError[] {
  return validateWith(project, { allowInvalidDescription: false, allowInvalidPurpose: false });
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Update validation: metadata rules, the create rules, immutable creator and namespace, owner kept. */
export function validateProjectUpdate(project: KubeObject, old: KubeObject): FieldError[] {
  const spec = projectSpec(project);
  const oldSpec = projectSpec(old);
  const errs = [
    ...validateObjectMetaUpdate(project.metadata, old.metadata),
    ...validateWith(project, { allowInvalidDescription: same(spec.description, oldSpec.description), allowInvalidPurpose: same(spec.purpose, oldSpec.purpose) }),
  ];
  const createdBy = specSubject(project, 'createdBy');
  const oldCreatedBy = specSubject(old, 'createdBy');
  if (oldCreatedBy !== undefined) {
    errs.push(...validateImmutableField(createdBy && subjectJSON(createdBy), subjectJSON(oldCreatedBy), SPEC.child('createdBy')));
  }
  if (typeof oldSpec.namespace === 'string') errs.push(...validateImmutableField(spec.namespace, oldSpec.namespace, SPEC.child('namespace')));
  if (specSubject(old, 'owner') !== undefined && specSubject(project, 'owner') === undefined) {
    errs.push(fieldErr.invalid(SPEC.child('owner'), null, 'owner cannot be reset'));
  }
  return errs;
}

/** Status update validation: a phase, once set, cannot become empty. */
export function validateProjectStatusUpdate(project: KubeObject, old: KubeObject): FieldError[] {
  const phase = (o: KubeObject) => (isPlainObject(o.status) && typeof o.status.phase === 'string' ? o.status.phase : '');
  if (phase(old) !== '' && phase(project) === '') {
    return [fieldErr.invalid(FieldPath.of('status', 'phase'), '', 'phase cannot be updated to an empty string')];
  }
  return [];
}
