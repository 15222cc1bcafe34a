/**
 * Impersonation, as kube-apiserver's filter does it: a request with `Impersonate-User` (and optionally
 * `Impersonate-Group`, `Impersonate-Uid`, `Impersonate-Extra-<key>`) runs as that user once the
 * authenticated requester is allowed the verb `impersonate` on each of them: `users` (or
 * `serviceaccounts` for `system:serviceaccount:<ns>:<name>`), `groups`, and in
 * `authentication.k8s.io` `uids` and `userextras/<key>`. The requester stays on record for the audit
 * log (`user`, with the impersonated one as `impersonatedUser`); the headers are removed.
 */
import { unmetered } from './metrics.js';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { badRequest } from '../apimachinery/errors.js';
import { serviceAccountGroups, splitServiceAccountUsername } from '../registry/serviceaccount.js';
import type { AccessQuestion, UserInfo } from '../registry/types.js';
import { questionInfo } from './authz/access.js';
import { forbiddenError } from './authz/message.js';
import type { Authorizer } from './authz/types.js';

const USER = 'impersonate-user';
const GROUP = 'impersonate-group';
const UID = 'impersonate-uid';
const EXTRA_PREFIX = 'impersonate-extra-';
const ANONYMOUS = 'system:anonymous';

const IMPERSONATE_HEADER = /^impersonate-/i;

/** What a request asks to be run as. */
interface Impersonation {
  name: string;
  groups: string[];
  uid?: string;
  extra: Record<string, string[]>;
}

/** Whether the request carries any `Impersonate-*` header (a scan without allocations: every request passes here). */
function asksImpersonation(req: Request): boolean {
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) if (IMPERSONATE_HEADER.test(raw[i] ?? '')) return true;
  return false;
}

/** The impersonation a request asks for, or undefined; 400 when it names groups, extra or a UID but no user. */
function requested(req: Request): Impersonation | undefined {
  const headers = req.headersDistinct;
  // An empty Impersonate-User is no user, as kube-apiserver reads it.
  const name = headers[USER]?.[0] || undefined;
  const groups = headers[GROUP] ?? [];
  // An empty Impersonate-Uid is no UID, as kube-apiserver reads it.
  const uid = headers[UID]?.[0] || undefined;
  // Keys are the client's: a map without a prototype, so `constructor` or `__proto__` are plain keys.
  const extra = Object.create(null) as Record<string, string[]>;
  for (const [header, values] of Object.entries(headers)) {
    if (!header.startsWith(EXTRA_PREFIX) || values === undefined) continue;
    let key = header.slice(EXTRA_PREFIX.length);
    try {
      key = decodeURIComponent(key);
    } catch {
      // kept as sent
    }
    extra[key] = [...(extra[key] ?? []), ...values];
  }
  if (name === undefined) {
    if (groups.length > 0 || uid !== undefined || Object.keys(extra).length > 0) {
      throw badRequest('requested impersonation of groups, a UID or extra fields without impersonating a user');
    }
    return undefined;
  }
  return { name, groups, ...(uid !== undefined && { uid }), extra };
}

/** The questions the requester must be allowed, with the user they make. */
function questionsAndUser(r: Impersonation): { questions: AccessQuestion[]; user: UserInfo } {
  const questions: AccessQuestion[] = [];
  const groups = [...r.groups];
  const sa = splitServiceAccountUsername(r.name);
  if (sa !== undefined) {
    questions.push({ verb: 'impersonate', group: '', resource: 'serviceaccounts', namespace: sa.namespace, name: sa.name });
    if (r.groups.length === 0) groups.push(...serviceAccountGroups(sa.namespace));
  } else {
    questions.push({ verb: 'impersonate', group: '', resource: 'users', name: r.name });
  }
  for (const g of r.groups) questions.push({ verb: 'impersonate', group: '', resource: 'groups', name: g });
  for (const [key, values] of Object.entries(r.extra)) {
    for (const v of values) questions.push({ verb: 'impersonate', group: 'authentication.k8s.io', resource: 'userextras', subresource: key, name: v });
  }
  if (r.uid !== undefined) questions.push({ verb: 'impersonate', group: 'authentication.k8s.io', resource: 'uids', name: r.uid });
  // As kube-apiserver: anonymous gets system:unauthenticated; anyone else system:authenticated, unless
  // system:unauthenticated was asked for.
  if (r.name === ANONYMOUS) {
    if (!groups.includes('system:unauthenticated')) groups.push('system:unauthenticated');
  } else if (!groups.includes('system:authenticated') && !groups.includes('system:unauthenticated')) {
    groups.push('system:authenticated');
  }
  const user: UserInfo = { name: r.name, groups, ...(r.uid !== undefined && { uid: r.uid }), ...(Object.keys(r.extra).length > 0 && { extra: r.extra }) };
  return { questions, user };
}

/** The filter; runs after authentication and the audit's start, before authorization. */
export function withImpersonation(authz: Authorizer): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const r = asksImpersonation(req) ? requested(req) : undefined;
      if (r === undefined) {
        next();
        return;
      }
      const requester = res.locals.user as UserInfo;
      const { questions, user } = questionsAndUser(r);
      for (const q of questions) {
        const info = questionInfo(q);
        const result = await authz.authorize({ user: requester, info });
        // Anything but an allow, an authorizer error included, is a 403, as kube-apiserver answers it.
        if (result.decision === 'allow') continue;
        throw forbiddenError(requester, info, result.reason);
      }
      for (const header of Object.keys(req.headers)) if (header.startsWith('impersonate-')) delete req.headers[header];
      res.locals.requester = requester;
      res.locals.user = user;
      next();
    } catch (e: unknown) {
      unmetered(res);
      next(e);
    }
  };
}
