/**
 * CustomVerbAuthorizer (Gardener's plugin of that name): some changes need a verb beyond `update`,
 * asked of the authorizer for the object being written.
 * - Projects: `modify-spec-tolerations-whitelist` to set, change or drop `spec.tolerations` (its
 *   whitelist), and `manage-members` to change which human users and groups hold which roles in
 *   `spec.members` (service accounts and the owner's own entry aside) or to change `spec.owner`. The
 *   owner needs neither for members, and whoever is the current owner may hand ownership on; a create
 *   whose creator is the owner (or that names no owner) needs no verb for its members.
 * - Shoots: `mark-self-hosted` to add, change or remove the worker pool running the control plane
 *   (`spec.provider.workers[].controlPlane`).
 * Project members hold `update` on their Project but only its owner and user-access managers hold
 * `manage-members`, so an admin member cannot make themselves owner or add others.
 *
 * Each check that applies must pass; Gardener asks only the first that applies, which differs only for
 * a user allowed one custom verb and refused another (no built-in role is).
 */
import { forbidden } from '../../apimachinery/errors.js';
import { semanticEqual } from '../../apimachinery/equality.js';
import { isPlainObject, type KubeObject } from '../../apimachinery/types.js';
import { memberRoles, projectMembers, projectSpec, RBAC_GROUP, specSubject, subjectOf, type Subject } from '../../registry/project/types.js';
import { controlPlanePool, workersOf } from '../../registry/shoot/validation/provider.js';
import { SERVICE_ACCOUNT_USERNAME_PREFIX, serviceAccountUsername } from '../../registry/serviceaccount.js';
import type { UserInfo } from '../../registry/types.js';
import type { AdmissionAttributes, AdmissionDeps, AdmissionPlugin } from '../types.js';

export const CUSTOM_VERB_AUTHORIZER = 'CustomVerbAuthorizer';

export const CustomVerb = {
  ModifyProjectTolerationsWhitelist: 'modify-spec-tolerations-whitelist',
  ManageMembers: 'manage-members',
  MarkSelfHosted: 'mark-self-hosted',
} as const;

const GROUP = 'core.gardener.cloud';

/** A custom verb the write needs, and what it allows (for the refusal's message). */
interface Need {
  verb: string;
  operation: string;
}

function tolerationsNeed(old: KubeObject | undefined, obj: KubeObject): boolean {
  const [before, after] = [old === undefined ? undefined : projectSpec(old).tolerations, projectSpec(obj).tolerations];
  const [had, has] = [isPlainObject(before), isPlainObject(after)];
  // A tolerations struct that appears or goes needs the verb even without a whitelist, as in Gardener.
  if (had !== has) return true;
  return had && !semanticEqual((before as Record<string, unknown>).whitelist, (after as Record<string, unknown>).whitelist);
}

function isServiceAccount(s: Subject): boolean {
  return (s.apiGroup === '' && s.kind === 'ServiceAccount') || (s.apiGroup === RBAC_GROUP && s.kind === 'User' && s.name.startsWith(SERVICE_ACCOUNT_USERNAME_PREFIX));
}

/** Whether `user` is `owner`; a Project without owner counts its creator (who becomes the owner) as one. */
function isOwner(user: UserInfo, owner: Subject | undefined): boolean {
  if (owner === undefined) return true;
  switch (owner.kind) {
    case 'ServiceAccount':
      return user.name === serviceAccountUsername(owner.namespace, owner.name);
    case 'User':
      return user.name === owner.name;
    case 'Group':
      return user.groups.includes(owner.name);
    default:
      return false;
  }
}

/** `kind name role` of every human member's roles (a member without roles as role ""), less the owner's. */
function humanRoles(project: KubeObject | undefined, owner: Subject | undefined): Set<string> {
  const out = new Set<string>();
  const ownerKey = owner !== undefined && !isServiceAccount(owner) ? `${owner.kind}\0${owner.name}` : undefined;
  for (const member of project === undefined ? [] : projectMembers(project)) {
    const subject = subjectOf(member);
    const key = `${subject.kind}\0${subject.name}`;
    if (isServiceAccount(subject) || key === ownerKey) continue;
    const roles = memberRoles(member);
    for (const role of roles.length === 0 ? [''] : roles) out.add(`${key}\0${role}`);
  }
  return out;
}

function membersNeed(old: KubeObject | undefined, obj: KubeObject, user: UserInfo): boolean {
  const owner = specSubject(obj, 'owner');
  if (isOwner(user, owner)) return false;
  const [before, after] = [humanRoles(old, owner), humanRoles(obj, owner)];
  return before.size !== after.size || [...before].some((m) => !after.has(m));
}

function ownerNeed(old: KubeObject | undefined, obj: KubeObject, user: UserInfo): boolean {
  const before = old === undefined ? undefined : specSubject(old, 'owner');
  const after = specSubject(obj, 'owner');
  if (before === undefined) return false;
  if (isOwner(user, before)) return false;
  return !semanticEqual(before, after);
}

function projectNeeds(attrs: AdmissionAttributes, obj: KubeObject): Need[] {
  const old = attrs.operation === 'UPDATE' ? attrs.oldObject : undefined;
  const needs: Need[] = [];
  if (tolerationsNeed(old, obj)) needs.push({ verb: CustomVerb.ModifyProjectTolerationsWhitelist, operation: 'modify .spec.tolerations.whitelist' });
  if (membersNeed(old, obj, attrs.user)) needs.push({ verb: CustomVerb.ManageMembers, operation: 'manage human users or groups in .spec.members' });
  if (ownerNeed(old, obj, attrs.user)) needs.push({ verb: CustomVerb.ManageMembers, operation: 'manage owner in .spec.owner' });
  return needs;
}

/** The worker pool running the control plane, or undefined. */
const poolOf = (shoot: KubeObject | undefined): unknown => controlPlanePool(workersOf(shoot?.spec))?.[0];

function shootNeeds(attrs: AdmissionAttributes, obj: KubeObject): Need[] {
  const old = attrs.operation === 'UPDATE' ? attrs.oldObject : undefined;
  if (semanticEqual(poolOf(old), poolOf(obj))) return [];
  return [{ verb: CustomVerb.MarkSelfHosted, operation: 'modify .spec.provider.workers[].controlPlane' }];
}

const KINDS: Record<string, { kind: string; needs: (attrs: AdmissionAttributes, obj: KubeObject) => Need[] }> = {
  projects: { kind: 'Project', needs: projectNeeds },
  shoots: { kind: 'Shoot', needs: shootNeeds },
};

/** The plugin; `deps.may` answers the custom verbs (absent: everyone may). */
export function customVerbAuthorizer(deps: AdmissionDeps): AdmissionPlugin {
  return {
    name: CUSTOM_VERB_AUTHORIZER,
    operations: ['CREATE', 'UPDATE'],
    async validate(attrs) {
      const obj = attrs.object;
      const handled = attrs.resource.group === GROUP ? KINDS[attrs.resource.resource] : undefined;
      // Subresources whose body is another kind (the kubeconfig requests) are not this plugin's.
      if (handled === undefined || obj === undefined || (obj.kind !== undefined && obj.kind !== handled.kind) || deps.may === undefined) return;
      const name = obj.metadata.name ?? attrs.name;
      for (const need of handled.needs(attrs, obj)) {
        const question = { verb: need.verb, group: GROUP, resource: attrs.resource.resource, namespace: attrs.namespace, name };
        if (!(await deps.may(attrs.user, question))) {
          throw forbidden({ group: GROUP, resource: attrs.resource.resource }, name, `user ${JSON.stringify(attrs.user.name)} is not allowed to ${need.operation} for ${JSON.stringify(attrs.resource.resource)}`);
        }
      }
    },
  };
}
