/**
 * Gardener's v1beta1 defaulting of Projects and the conversion of member roles, applied to every request
 * body (and again after canonicalization, as a read from storage would):
 * - subjects of User and Group kind without `apiGroup` get `rbac.authorization.k8s.io` (owner, members);
 * - a member without any role becomes a `viewer`;
 * - `role` and `roles` are stored in their converted form: `role` first, the rest in `roles` without it;
 * - the `garden` project tolerates the taint `seed.gardener.cloud/protected` (whitelist and defaults).
 */
import { isPlainObject, type KubeObject } from '../../apimachinery/types.js';
import { memberRoles, RBAC_GROUP, Role, setMemberRoles, type MemberJSON } from './types.js';

/** The seed taint the `garden` project tolerates by default. */
export const SEED_TAINT_PROTECTED = 'seed.gardener.cloud/protected';

/** The order Go writes the fields of a subject and a member in. */
const FIELD_ORDER = ['kind', 'apiGroup', 'name', 'namespace', 'role', 'roles'];

/** Puts the known fields first, in Go's order (as a read from storage returns them). */
function orderFields(o: Record<string, unknown>): void {
  const entries = Object.entries(o);
  for (const [k] of entries) delete o[k];
  const rank = (k: string) => (FIELD_ORDER.includes(k) ? FIELD_ORDER.indexOf(k) : FIELD_ORDER.length);
  for (const [k, v] of entries.sort(([a], [b]) => rank(a) - rank(b))) o[k] = v;
}

function defaultSubject(s: Record<string, unknown>): void {
  if (!(typeof s.apiGroup === 'string' && s.apiGroup !== '') && (s.kind === 'User' || s.kind === 'Group')) s.apiGroup = RBAC_GROUP;
  orderFields(s);
}

/** Defaults and converts one member in place. */
export function defaultMember(member: MemberJSON): void {
  // Only a member without any role gets one; `roles` as sent stays for validation to see (duplicates
  // included), and is written back as `role` + `roles` after it (canonicalizeProject).
  if (memberRoles(member).length === 0) setMemberRoles(member, [Role.Viewer]);
  defaultSubject(member);
}

/** Adds `{key}` unless a toleration with that key and no value is there. */
function addToleration(holder: Record<string, unknown>, field: 'whitelist' | 'defaults', key: string): void {
  const list = Array.isArray(holder[field]) ? (holder[field] as unknown[]) : [];
  if (list.some((t) => isPlainObject(t) && t.key === key && (t.value === undefined || t.value === null))) return;
  holder[field] = [...list, { key }];
}

/** Applies the defaults to a Project body in place. */
export function defaultProject(project: KubeObject): void {
  const spec = project.spec;
  if (!isPlainObject(spec)) return;
  if (isPlainObject(spec.owner)) defaultSubject(spec.owner);
  if (Array.isArray(spec.members)) for (const m of spec.members) if (isPlainObject(m)) defaultMember(m);
  if (spec.namespace === 'garden') {
    if (!isPlainObject(spec.tolerations)) spec.tolerations = {};
    const tolerations = spec.tolerations as Record<string, unknown>;
    addToleration(tolerations, 'whitelist', SEED_TAINT_PROTECTED);
    addToleration(tolerations, 'defaults', SEED_TAINT_PROTECTED);
  }
}
