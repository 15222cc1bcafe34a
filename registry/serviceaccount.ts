/** The user names and groups Kubernetes gives ServiceAccounts (k8s.io/apiserver's serviceaccount package). */
import { isDNS1123Label, isDNS1123Subdomain } from '../apimachinery/validation.js';

export const SERVICE_ACCOUNT_USERNAME_PREFIX = 'system:serviceaccount:';
export const SERVICE_ACCOUNTS_GROUP = 'system:serviceaccounts';

/** `system:serviceaccount:<namespace>:<name>`. */
export function serviceAccountUsername(namespace: string, name: string): string {
  return `${SERVICE_ACCOUNT_USERNAME_PREFIX}${namespace}:${name}`;
}

/**
 * The namespace and name of a ServiceAccount's user name; undefined for any other user name, also when
 * the namespace is not a DNS label or the name not a DNS subdomain (Kubernetes' SplitUsername).
 */
export function splitServiceAccountUsername(user: string): { namespace: string; name: string } | undefined {
  if (!user.startsWith(SERVICE_ACCOUNT_USERNAME_PREFIX)) return undefined;
  const parts = user.slice(SERVICE_ACCOUNT_USERNAME_PREFIX.length).split(':');
  const [namespace = '', name = ''] = parts;
  if (parts.length !== 2 || isDNS1123Label(namespace).length > 0 || isDNS1123Subdomain(name).length > 0) return undefined;
  return { namespace, name };
}

/** The groups of a ServiceAccount in `namespace`. */
export function serviceAccountGroups(namespace: string): string[] {
  return [SERVICE_ACCOUNTS_GROUP, `${SERVICE_ACCOUNTS_GROUP}:${namespace}`];
}
