/**
 * Authorization of Project members in standalone mode: the RBAC objects gardener-controller-manager
 * derives from each Project with a namespace, evaluated in memory. For project P in namespace N:
 * - `spec.owner`: ClusterRoleBinding `gardener.cloud:system:project:P` (namespace N; P incl. manage-members);
 * - members with role admin or owner: RoleBinding of `gardener.cloud:system:project-member` in N and
 *   ClusterRoleBinding `gardener.cloud:system:project-member:P`;
 * - role uam: ClusterRoleBinding `gardener.cloud:system:project-uam:P`;
 * - role viewer: RoleBinding of `gardener.cloud:system:project-viewer` in N and
 *   ClusterRoleBinding `gardener.cloud:system:project-viewer:P`;
 * - the owner and roles serviceaccountmanager or owner: RoleBinding of
 *   `gardener.cloud:system:project-serviceaccountmanager` in N.
 * Extension roles (`extension:*`) grant what ClusterRoles labelled for them grant, which this server
 * does not have, so they grant nothing here. The policy is rebuilt whenever a Project changes, so a
 * change of members takes effect with the next request.
 */
import type { KubeObject } from '../../apimachinery/types.js';
import { memberRoles, projectMembers, projectNamespace, Role, specSubject, subjectOf, type Subject as ProjectSubject } from '../../registry/project/types.js';
import { evaluate } from './rbac.js';
import type { Binding, RBACPolicy, Subject } from './rbac-policy.js';
import {
  PER_PROJECT_ROLES,
  PROJECT_MEMBER_ROLE,
  PROJECT_MEMBER_RULES,
  PROJECT_SERVICEACCOUNTMANAGER_ROLE,
  PROJECT_SERVICEACCOUNTMANAGER_RULES,
  PROJECT_VIEWER_ROLE,
  PROJECT_VIEWER_RULES,
} from './project-roles.js';
import type { Authorizer } from './types.js';

/** Where the Projects come from: the Project cache. */
export interface ProjectSource {
  list(): Promise<KubeObject[]>;
  /** Changes whenever a Project changes. */
  readonly generation: number;
}

function rbacSubject(s: ProjectSubject): Subject | undefined {
  if (s.kind !== 'User' && s.kind !== 'Group' && s.kind !== 'ServiceAccount') return undefined;
  return { kind: s.kind, name: s.name, ...(s.namespace !== '' && { namespace: s.namespace }) };
}

function unique(subjects: (Subject | undefined)[]): Subject[] {
  const seen = new Map<string, Subject>();
  for (const s of subjects) if (s !== undefined) seen.set(`${s.kind}/${s.namespace ?? ''}/${s.name}`, s);
  return [...seen.values()];
}

/** Subjects per kind of binding, as the controller sorts members by role. */
function subjectsByRole(project: KubeObject): Record<'owner' | 'member' | 'uam' | 'viewer' | 'sam', Subject[]> {
  const owner = specSubject(project, 'owner');
  const out: Record<'owner' | 'member' | 'uam' | 'viewer' | 'sam', (Subject | undefined)[]> = { owner: [], member: [], uam: [], viewer: [], sam: [] };
  if (owner !== undefined) {
    out.owner.push(rbacSubject(owner));
    out.sam.push(rbacSubject(owner));
  }
  for (const m of projectMembers(project)) {
    const s = rbacSubject(subjectOf(m));
    for (const role of memberRoles(m)) {
      if (role === Role.Admin || role === Role.Owner) out.member.push(s);
      if (role === Role.UserAccessManager) out.uam.push(s);
      if (role === Role.ServiceAccountManager || role === Role.Owner) out.sam.push(s);
      if (role === Role.Viewer) out.viewer.push(s);
    }
  }
  return { owner: unique(out.owner), member: unique(out.member), uam: unique(out.uam), viewer: unique(out.viewer), sam: unique(out.sam) };
}

/** The RBAC objects of `projects`, with Gardener's project roles. */
export function projectPolicy(projects: readonly KubeObject[]): RBACPolicy {
  const policy: RBACPolicy = {
    clusterRoles: new Map([
      [PROJECT_MEMBER_ROLE, PROJECT_MEMBER_RULES],
      [PROJECT_VIEWER_ROLE, PROJECT_VIEWER_RULES],
      [PROJECT_SERVICEACCOUNTMANAGER_ROLE, PROJECT_SERVICEACCOUNTMANAGER_RULES],
    ]),
    roles: new Map(),
    clusterRoleBindings: [],
    roleBindings: new Map(),
  };
  for (const project of projects) {
    const p = project.metadata.name ?? '';
    const ns = projectNamespace(project);
    if (ns === undefined || ns === '' || p === '') continue;
    const subjects = subjectsByRole(project);
    for (const kind of ['owner', 'member', 'uam', 'viewer'] as const) {
      const role = PER_PROJECT_ROLES[kind];
      const name = `${role.prefix}${p}`;
      policy.clusterRoles.set(name, role.rules(p, ns));
      policy.clusterRoleBindings.push({ kind: 'ClusterRoleBinding', name, namespace: '', subjects: subjects[kind], roleRef: { kind: 'ClusterRole', name } });
    }
    const bind = (name: string, list: Subject[]): Binding => ({ kind: 'RoleBinding', name, namespace: ns, subjects: list, roleRef: { kind: 'ClusterRole', name } });
    policy.roleBindings.set(ns, [
      ...(policy.roleBindings.get(ns) ?? []),
      bind(PROJECT_MEMBER_ROLE, subjects.member),
      bind(PROJECT_VIEWER_ROLE, subjects.viewer),
      bind(PROJECT_SERVICEACCOUNTMANAGER_ROLE, subjects.sam),
    ]);
  }
  return policy;
}

/** The authorizer over the Projects of `source`; allows or has no opinion, never denies. */
export function projectAuthorizer(source: ProjectSource): Authorizer {
  let cached: { generation: number; policy: Promise<RBACPolicy> } | undefined;
  const current = (): Promise<RBACPolicy> => {
    const generation = source.generation;
    if (cached?.generation !== generation) {
      const entry = { generation, policy: source.list().then(projectPolicy) };
      entry.policy.catch(() => {
        if (cached === entry) cached = undefined;
      });
      cached = entry;
    }
    return cached.policy;
  };
  return { authorize: async ({ user, info }) => evaluate(await current(), user, info) };
}
