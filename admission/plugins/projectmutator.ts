/**
 * ProjectMutator: on create, `spec.createdBy` is set to the requesting user, and a Project without owner
 * gets the first member with the `owner` role, else its creator; on create and update the owner is made a
 * member (roles admin and owner) unless already one. Updates of a Project being deleted are left alone.
 */
import { isPlainObject } from '../../apimachinery/types.js';
import { memberRoles, projectMembers, RBAC_GROUP, RESOURCE, Role, sameSubject, setMemberRoles, specSubject, subjectJSON, subjectOf, type Subject } from '../../registry/project/types.js';
import type { AdmissionPlugin } from '../types.js';

export const PROJECT_MUTATOR = 'ProjectMutator';

function ownerOnCreate(spec: Record<string, unknown>, members: Record<string, unknown>[], creator: Subject): void {
  spec.createdBy = subjectJSON(creator);
  if (isPlainObject(spec.owner)) return;
  const owner = members.find((m) => memberRoles(m).includes(Role.Owner));
  spec.owner = subjectJSON(owner === undefined ? creator : subjectOf(owner));
}

/** The plugin. */
export function projectMutator(): AdmissionPlugin {
  return {
    name: PROJECT_MUTATOR,
    operations: ['CREATE', 'UPDATE'],
    async admit(attrs) {
      const project = attrs.object;
      if (attrs.resource.group !== 'core.gardener.cloud' || attrs.resource.resource !== RESOURCE || attrs.subresource !== '' || project === undefined) return;
      if (attrs.operation === 'UPDATE' && project.metadata.deletionTimestamp !== undefined) return;
      if (!isPlainObject(project.spec)) project.spec = {};
      const spec = project.spec as Record<string, unknown>;
      const members = projectMembers(project);
      if (attrs.operation === 'CREATE') ownerOnCreate(spec, members, { kind: 'User', apiGroup: RBAC_GROUP, name: attrs.user.name, namespace: '' });
      const owner = specSubject(project, 'owner');
      if (owner === undefined || members.some((m) => sameSubject(subjectOf(m), owner))) return;
      const member: Record<string, unknown> = subjectJSON(owner);
      setMemberRoles(member, [Role.Admin, Role.Owner]);
      spec.members = [...(Array.isArray(spec.members) ? spec.members : []), member];
    },
  };
}
