/**
 * The Project kind (`core.gardener.cloud/v1beta1`, cluster-scoped) as the registry reads it: constants,
 * the member roles, and null-tolerant readers of the fields the strategy, validation, admission and
 * authorization look at. Objects travel as plain JSON in their v1beta1 form.
 *
 * **Roles.** A v1beta1 member carries `role` and `roles`; Gardener's internal type has only `roles`,
 * with `role` at its head. {@link memberRoles} gives that internal list, {@link setMemberRoles} writes
 * it back in the v1beta1 form (`role` = first, `roles` = the rest), as a storage round trip does.
 */
import { isPlainObject, type KubeObject } from '../../apimachinery/types.js';

export const GROUP = 'core.gardener.cloud';
export const VERSION = 'v1beta1';
export const KIND = 'Project';
export const RESOURCE = 'projects';

/** API group of RBAC subjects of kind User and Group. */
export const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** The member roles Gardener knows; others must start with {@link EXTENSION_ROLE_PREFIX}. */
export const Role = {
  Owner: 'owner',
  Admin: 'admin',
  Viewer: 'viewer',
  UserAccessManager: 'uam',
  ServiceAccountManager: 'serviceaccountmanager',
} as const;

/** Prefix of roles defined by extensions (`extension:<name>`). */
export const EXTENSION_ROLE_PREFIX = 'extension:';

/** Labels and annotations of a project namespace. */
export const ProjectNamespaceMeta = {
  RoleLabel: 'gardener.cloud/role',
  ProjectNameLabel: 'project.gardener.cloud/name',
  ProjectUIDAnnotation: 'namespace.gardener.cloud/project',
} as const;

/** An rbac/v1 Subject. */
export interface Subject {
  kind: string;
  apiGroup: string;
  name: string;
  namespace: string;
}

/** A member as JSON (`kind`, `apiGroup`, `name`, `namespace` inline, plus `role` and `roles`). */
export type MemberJSON = Record<string, unknown>;

function str(o: Record<string, unknown>, key: string): string {
  const v = o[key];
  return typeof v === 'string' ? v : '';
}

/** The subject of a member or of `spec.owner`/`spec.createdBy` (absent fields as ""). */
export function subjectOf(o: Record<string, unknown>): Subject {
  return { kind: str(o, 'kind'), apiGroup: str(o, 'apiGroup'), name: str(o, 'name'), namespace: str(o, 'namespace') };
}

/** Whether two subjects are the same (all four fields, as Go compares the structs). */
export function sameSubject(a: Subject, b: Subject): boolean {
  return a.kind === b.kind && a.apiGroup === b.apiGroup && a.name === b.name && a.namespace === b.namespace;
}

/** `spec`, or an empty object. */
export function projectSpec(project: KubeObject): Record<string, unknown> {
  return isPlainObject(project.spec) ? project.spec : {};
}

/** `spec.namespace`, or undefined. */
export function projectNamespace(project: KubeObject): string | undefined {
  const ns = projectSpec(project).namespace;
  return typeof ns === 'string' ? ns : undefined;
}

/** The well-formed entries of `spec.members`. */
export function projectMembers(project: KubeObject): MemberJSON[] {
  const members = projectSpec(project).members;
  return Array.isArray(members) ? members.filter(isPlainObject) : [];
}

/** `spec.owner` (or another subject field), or undefined. */
export function specSubject(project: KubeObject, field: 'owner' | 'createdBy'): Subject | undefined {
  const s = projectSpec(project)[field];
  return isPlainObject(s) ? subjectOf(s) : undefined;
}

function roleList(member: MemberJSON): string[] {
  const roles = member.roles;
  return Array.isArray(roles) ? roles.map((r) => (typeof r === 'string' ? r : '')) : [];
}

/** The internal roles of a member: `role` first, then `roles` without it. */
export function memberRoles(member: MemberJSON): string[] {
  const role = str(member, 'role');
  const roles = roleList(member);
  return role === '' ? roles : [role, ...roles.filter((r) => r !== role)];
}

/** Writes internal roles back as `role` (the first) and `roles` (the rest, omitted when empty). */
export function setMemberRoles(member: MemberJSON, roles: readonly string[]): void {
  member.role = roles[0] ?? '';
  if (roles.length > 1) member.roles = roles.slice(1);
  else delete member.roles;
}

/** The JSON of a subject, with empty fields left out as Go's omitempty does (`kind` and `name` always). */
export function subjectJSON(s: Subject): Record<string, string> {
  const out: Record<string, string> = { kind: s.kind };
  if (s.apiGroup !== '') out.apiGroup = s.apiGroup;
  out.name = s.name;
  if (s.namespace !== '') out.namespace = s.namespace;
  return out;
}
