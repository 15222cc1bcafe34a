/**
 * Gardener's project roles as RBAC rules, built in so that standalone mode grants Project members their
 * rights without a policy file: the rules of the ClusterRoles `gardener.cloud:system:project-member`,
 * `…:project-viewer` and `…:project-serviceaccountmanager` (as the garden's aggregation makes them),
 * and of the per-project ClusterRoles gardener-controller-manager creates for a Project's owner,
 * members, user-access managers and viewers (on the project and its namespace, by name).
 */
import type { PolicyRule } from './rbac-policy.js';

const ALL = ['create', 'delete', 'deletecollection', 'get', 'list', 'watch', 'patch', 'update'];
const READ = ['get', 'list', 'watch'];
const CORE = 'core.gardener.cloud';

export const PROJECT_MEMBER_ROLE = 'gardener.cloud:system:project-member';
export const PROJECT_VIEWER_ROLE = 'gardener.cloud:system:project-viewer';
export const PROJECT_SERVICEACCOUNTMANAGER_ROLE = 'gardener.cloud:system:project-serviceaccountmanager';

/** `gardener.cloud:system:project-member`. */
export const PROJECT_MEMBER_RULES: PolicyRule[] = [
  { apiGroups: [''], resources: ['secrets', 'configmaps'], verbs: ALL },
  { apiGroups: [''], resources: ['events', 'resourcequotas', 'serviceaccounts'], verbs: READ },
  { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: READ },
  { apiGroups: [CORE], resources: ['shoots', 'secretbindings', 'quotas'], verbs: ALL },
  { apiGroups: ['security.gardener.cloud'], resources: ['credentialsbindings', 'workloadidentities'], verbs: ALL },
  { apiGroups: ['operations.gardener.cloud'], resources: ['bastions'], verbs: ALL },
  { apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'], verbs: ALL },
  { apiGroups: [CORE], resources: ['shoots/adminkubeconfig', 'shoots/viewerkubeconfig'], verbs: ['create'] },
  { apiGroups: [CORE], resources: ['shoots/finalizers'], verbs: ['update'] },
  { apiGroups: [CORE], resources: ['namespacedcloudprofiles'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'update', 'delete'] },
];

/** `gardener.cloud:system:project-viewer`. */
export const PROJECT_VIEWER_RULES: PolicyRule[] = [
  { apiGroups: [''], resources: ['events', 'configmaps', 'resourcequotas', 'serviceaccounts'], verbs: READ },
  { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: READ },
  { apiGroups: [CORE], resources: ['shoots', 'secretbindings', 'quotas', 'namespacedcloudprofiles'], verbs: READ },
  { apiGroups: [CORE], resources: ['shoots/viewerkubeconfig'], verbs: ['create'] },
  { apiGroups: ['security.gardener.cloud'], resources: ['credentialsbindings'], verbs: READ },
  { apiGroups: ['operations.gardener.cloud'], resources: ['bastions'], verbs: READ },
  { apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'], verbs: READ },
];

/** `gardener.cloud:system:project-serviceaccountmanager`. */
export const PROJECT_SERVICEACCOUNTMANAGER_RULES: PolicyRule[] = [
  { apiGroups: [''], resources: ['serviceaccounts'], verbs: ALL },
  { apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] },
];

const namespaceGet = (namespace: string): PolicyRule => ({ apiGroups: [''], resources: ['namespaces'], resourceNames: [namespace], verbs: ['get'] });
const projectVerbs = (project: string, verbs: string[]): PolicyRule => ({ apiGroups: [CORE], resources: ['projects'], resourceNames: [project], verbs });

/** The per-project ClusterRoles: name prefix (completed by the project name) and rules. */
export const PER_PROJECT_ROLES = {
  owner: { prefix: 'gardener.cloud:system:project:', rules: (p: string, ns: string) => [namespaceGet(ns), projectVerbs(p, ['get', 'patch', 'manage-members', 'update', 'delete'])] },
  member: { prefix: 'gardener.cloud:system:project-member:', rules: (p: string, ns: string) => [namespaceGet(ns), projectVerbs(p, ['get', 'patch', 'update', 'delete'])] },
  uam: { prefix: 'gardener.cloud:system:project-uam:', rules: (p: string) => [projectVerbs(p, ['get', 'manage-members', 'patch', 'update'])] },
  viewer: { prefix: 'gardener.cloud:system:project-viewer:', rules: (p: string, ns: string) => [namespaceGet(ns), projectVerbs(p, ['get'])] },
} as const;
