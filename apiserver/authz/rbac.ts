/**
 * RBAC authorization from `--authorization-policy-file` (standalone mode and tests), evaluated with
 * Kubernetes' RBAC semantics: ClusterRoleBindings grant everywhere, RoleBindings in their namespace;
 * a rule matches on verb, API group, resource (`*`, `res/sub`, or `*` slash `sub`), resource name (only when the
 * request names an object) or non-resource URL (exact or `prefix*`). RBAC allows or has no opinion; it
 * never denies.
 */
import { statSync } from 'node:fs';
import type { UserInfo } from '../../registry/types.js';
import type { Logger } from '../log.js';
import type { RequestInfo } from '../requestinfo.js';
import { loadPolicyFile, type Binding, type PolicyRule, type RBACPolicy, type Subject } from './rbac-policy.js';
import type { AuthorizationResult, Authorizer } from './types.js';

export { loadPolicyFile, parsePolicy, type RBACPolicy, type PolicyRule } from './rbac-policy.js';

const SA_PREFIX = 'system:serviceaccount:';

/** Whether `subject` of a binding in `namespace` ('' for cluster bindings) denotes `user`. */
export function subjectMatches(subject: Subject, user: UserInfo, namespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return user.name === subject.name;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      const ns = subject.namespace ?? namespace;
      return ns !== '' && user.name === `${SA_PREFIX}${ns}:${subject.name}`;
    }
  }
}

const has = (list: readonly string[] | undefined, value: string): boolean => (list ?? []).some((v) => v === '*' || v === value);

function resourceMatches(rule: PolicyRule, info: RequestInfo): boolean {
  const combined = info.subresource === '' ? info.resource : `${info.resource}/${info.subresource}`;
  for (const r of rule.resources ?? []) {
    if (r === '*' || r === combined) return true;
    if (info.subresource !== '' && r === `*/${info.subresource}`) return true;
  }
  return false;
}

function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(name);
}

function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  return (rule.nonResourceURLs ?? []).some((u) => u === '*' || u === path || (u.endsWith('*') && path.startsWith(u.slice(0, -1))));
}

/** Whether one rule allows the request. */
export function ruleAllows(rule: PolicyRule, info: RequestInfo): boolean {
  if (!has(rule.verbs, info.verb)) return false;
  if (!info.isResourceRequest) return nonResourceURLMatches(rule, info.path);
  return has(rule.apiGroups, info.apiGroup) && resourceMatches(rule, info) && resourceNameMatches(rule, info.name);
}

function rulesOf(policy: RBACPolicy, binding: Binding): PolicyRule[] | string {
  if (binding.roleRef.kind === 'ClusterRole') {
    return policy.clusterRoles.get(binding.roleRef.name) ?? `clusterrole.rbac.authorization.k8s.io ${JSON.stringify(binding.roleRef.name)} not found`;
  }
  return policy.roles.get(`${binding.namespace}/${binding.roleRef.name}`) ?? `role.rbac.authorization.k8s.io ${JSON.stringify(binding.roleRef.name)} not found`;
}

function describeGrant(binding: Binding, subject: Subject): string {
  const where = binding.kind === 'RoleBinding' ? ` in ${JSON.stringify(binding.namespace)}` : '';
  return `RBAC: allowed by ${binding.kind} ${JSON.stringify(binding.name)}${where} of ${binding.roleRef.kind} ${JSON.stringify(binding.roleRef.name)} to ${subject.kind} ${JSON.stringify(subject.name)}`;
}

/** Evaluates the policy for one request. */
export function evaluate(policy: RBACPolicy, user: UserInfo, info: RequestInfo): AuthorizationResult {
  const errors: string[] = [];
  const bindings = [...policy.clusterRoleBindings, ...(info.namespace === '' ? [] : (policy.roleBindings.get(info.namespace) ?? []))];
  for (const b of bindings) {
    const subject = b.subjects.find((s) => subjectMatches(s, user, b.namespace));
    if (subject === undefined) continue;
    const rules = rulesOf(policy, b);
    if (typeof rules === 'string') {
      errors.push(rules);
      continue;
    }
    if (rules.some((r) => ruleAllows(r, info))) return { decision: 'allow', reason: describeGrant(b, subject) };
  }
  if (errors.length === 0) return { decision: 'noOpinion' };
  return { decision: 'noOpinion', reason: `RBAC: ${errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`}` };
}

/** The RBAC authorizer over a fixed policy, or one read anew per request. */
export function rbacAuthorizer(policy: RBACPolicy | (() => RBACPolicy)): Authorizer {
  const current = typeof policy === 'function' ? policy : () => policy;
  return { authorize: async ({ user, info }) => evaluate(current(), user, info) };
}

/**
 * The RBAC authorizer of a policy file. Throws when the file cannot be read or parsed. With
 * `reloadIntervalMs`, a changed file is re-read; a broken edit keeps the previous policy (logged).
 */
export function policyFileAuthorizer(path: string, options: { reloadIntervalMs?: number; log?: Logger } = {}): Authorizer & { stop(): void } {
  let policy = loadPolicyFile(path);
  const stamp = () => {
    const st = statSync(path);
    return `${st.mtimeMs}:${st.size}`;
  };
  let seen = stamp();
  let timer: NodeJS.Timeout | undefined;
  if (options.reloadIntervalMs !== undefined && options.reloadIntervalMs > 0) {
    timer = setInterval(() => {
      try {
        const now = stamp();
        if (now === seen) return;
        seen = now;
        policy = loadPolicyFile(path);
        options.log?.info('reloaded authorization policy', { path });
      } catch (e: unknown) {
        options.log?.error('cannot reload authorization policy; keeping the previous one', { path, err: e });
      }
    }, options.reloadIntervalMs);
    timer.unref();
  }
  return { ...rbacAuthorizer(() => policy), stop: () => clearInterval(timer) };
}
