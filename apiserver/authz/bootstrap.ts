/**
 * The roles every Kubernetes API server grants by itself (its bootstrap RBAC policy), for standalone
 * mode, where no garden cluster answers for them: every authenticated user may read discovery, OpenAPI,
 * version and health (`system:discovery`) and ask what they may do (`system:basic-user`: self subject
 * access and rules reviews); everyone, anonymous callers included, may read version and health
 * (`system:public-info-viewer`). Anything else anonymous callers may read is
 * `--authorization-always-allow-paths`.
 */
import { rbacAuthorizer } from './rbac.js';
import type { RBACPolicy } from './rbac-policy.js';
import type { Authorizer } from './types.js';

/** The bootstrap roles and their bindings. */
export const BOOTSTRAP_POLICY: RBACPolicy = {
  clusterRoles: new Map([
    ['system:discovery', [{ nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/openapi', '/openapi/*', '/healthz', '/livez', '/readyz', '/version', '/version/'], verbs: ['get'] }]],
    ['system:public-info-viewer', [{ nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'], verbs: ['get'] }]],
    [
      'system:basic-user',
      [
        { apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'], verbs: ['create'] },
        { apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'], verbs: ['create'] },
      ],
    ],
  ]),
  roles: new Map(),
  clusterRoleBindings: [
    { kind: 'ClusterRoleBinding', name: 'system:discovery', namespace: '', subjects: [{ kind: 'Group', name: 'system:authenticated' }], roleRef: { kind: 'ClusterRole', name: 'system:discovery' } },
    {
      kind: 'ClusterRoleBinding',
      name: 'system:public-info-viewer',
      namespace: '',
      subjects: [
        { kind: 'Group', name: 'system:authenticated' },
        { kind: 'Group', name: 'system:unauthenticated' },
      ],
      roleRef: { kind: 'ClusterRole', name: 'system:public-info-viewer' },
    },
    { kind: 'ClusterRoleBinding', name: 'system:basic-user', namespace: '', subjects: [{ kind: 'Group', name: 'system:authenticated' }], roleRef: { kind: 'ClusterRole', name: 'system:basic-user' } },
  ],
  roleBindings: new Map(),
};

/** The authorizer of {@link BOOTSTRAP_POLICY}. */
export function bootstrapAuthorizer(): Authorizer {
  return rbacAuthorizer(BOOTSTRAP_POLICY);
}
