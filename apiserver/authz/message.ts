/** The 403 Kubernetes sends when authorization denies a request. */
import { forbiddenMessage, type StatusError } from '../../apimachinery/errors.js';
import type { UserInfo } from '../../registry/types.js';
import type { RequestInfo } from '../requestinfo.js';

/**
 * Kubernetes HTML-escapes `&`, `<` and `>` in the attribute part of a 403's message (not in the
 * reason) and in its plain-text internal errors (responsewriters' sanitizer).
 */
export function sanitize(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * `<resource>[.<group>] ["<name>"] is forbidden: User "u" cannot <verb> resource "<res>[/<sub>]" in API
 * group "<g>" (in the namespace "<ns>" | at the cluster scope)[: reason]`; for non-resource requests
 * `forbidden: User "u" cannot <verb> path "/p"[: reason]`.
 */
export function forbiddenError(user: UserInfo, info: RequestInfo, reason?: string): StatusError {
  const suffix = reason ? `: ${reason}` : '';
  if (!info.isResourceRequest) {
    const msg = sanitize(`User ${JSON.stringify(user.name)} cannot ${info.verb} path ${JSON.stringify(info.path)}`);
    return forbiddenMessage(`forbidden: ${msg}${suffix}`, {});
  }
  const resource = info.subresource === '' ? info.resource : `${info.resource}/${info.subresource}`;
  const gr = info.apiGroup === '' ? info.resource : `${info.resource}.${info.apiGroup}`;
  const subject = info.name === '' ? gr : `${gr} ${JSON.stringify(info.name)}`;
  let msg = `User ${JSON.stringify(user.name)} cannot ${info.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(info.apiGroup)}`;
  msg += info.namespace === '' ? ' at the cluster scope' : ` in the namespace ${JSON.stringify(info.namespace)}`;
  const details: { name?: string; group: string; kind: string } = { group: info.apiGroup, kind: info.resource };
  if (info.name !== '') details.name = info.name;
  return forbiddenMessage(`${subject} is forbidden: ${sanitize(msg)}${suffix}`, details);
}
