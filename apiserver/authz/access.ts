/**
 * "Can this user do X?" questions asked by the server itself rather than by an incoming request, e.g.
 * the kubeconfig subresources choosing the certificate group ("can the user list secrets?"). Any
 * {@link Authorizer} answers them: the delegated SubjectAccessReview in aggregated mode, the RBAC
 * policy file in standalone mode.
 */
import type { AccessQuestion, UserInfo } from '../../registry/types.js';
import type { RequestInfo } from '../requestinfo.js';
import type { Authorizer } from './types.js';

export type { AccessQuestion };

/** The authorizer could not answer (e.g. the SubjectAccessReview call failed). */
export class AccessCheckError extends Error {
  override name = 'AccessCheckError';
}

/** The request info an authorizer sees for a question. */
export function questionInfo(q: AccessQuestion): RequestInfo {
  const namespace = q.namespace ?? '';
  const name = q.name ?? '';
  const subresource = q.subresource ?? '';
  const version = q.version ?? '';
  const parts = [name, subresource].filter((p) => p !== '');
  const segments = ['', 'apis', q.group, version, ...(namespace === '' ? [] : ['namespaces', namespace]), q.resource, ...parts];
  return {
    isResourceRequest: true,
    path: segments.join('/'),
    verb: q.verb,
    apiPrefix: 'apis',
    apiGroup: q.group,
    apiVersion: version,
    namespace,
    resource: q.resource,
    subresource,
    name,
    parts,
    labelSelector: '',
    fieldSelector: '',
  };
}

/** Answers questions for any user. */
export type AccessChecker = (user: UserInfo, question: AccessQuestion) => Promise<boolean>;

/**
 * True when `authorizer` allows the question for `user`; false on deny or no opinion. Throws
 * {@link AccessCheckError} when the authorizer had an error and did not allow (Gardener then fails the
 * kubeconfig request with 500 "failed to get user groups: …").
 */
export async function checkAccess(authorizer: Authorizer, user: UserInfo, question: AccessQuestion): Promise<boolean> {
  const result = await authorizer.authorize({ user, info: questionInfo(question) });
  if (result.decision === 'allow') return true;
  if (result.error !== undefined) throw new AccessCheckError(result.error);
  return false;
}

/** {@link checkAccess} bound to one authorizer. */
export function accessChecker(authorizer: Authorizer): AccessChecker {
  return (user, question) => checkAccess(authorizer, user, question);
}
