/**
 * The request filters in front of every handler: request info, authentication, authorization, and the
 * error writer that turns anything thrown into a Kubernetes Status.
 */
import { unmetered } from './metrics.js';
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import { badRequest, internalError, isStatusError, requestEntityTooLarge, unauthorized, type StatusError } from '../apimachinery/errors.js';
import { MAX_BODY_BYTES } from './decode.js';
import type { UserInfo } from '../registry/types.js';
import type { Authenticator } from './authn/types.js';
import { anonymousUser } from './authn/types.js';
import { forbiddenError } from './authz/message.js';
import type { Authorizer } from './authz/types.js';
import { requestInfoOf, type RequestInfo } from './requestinfo.js';
import { statusFormat } from './negotiation.js';
import type { Logger } from './log.js';
import { sendStatus } from './respond.js';
import { readTime } from './received.js';
import { setAuthorizationDecision } from './audit/index.js';

/** Resolves request info into `res.locals.info`. */
export function withRequestInfo(): RequestHandler {
  return (req, res, next) => {
    res.locals.info = requestInfoOf(req);
    next();
  };
}

/** Authenticates into `res.locals.user`; 401 when nobody is established and anonymous is off. */
export function withAuthentication(authn: Authenticator, anonymous: boolean): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const user: UserInfo | null = await authn.authenticate(req);
      if (user === null && !anonymous) throw unauthorized();
      res.locals.user = user ?? anonymousUser();
      next();
    } catch (e: unknown) {
      unmetered(res);
      next(isStatusError(e) ? e : unauthorized());
    }
  };
}

/** Authorizes `res.locals.user` for `res.locals.info`; 403 with Kubernetes' message otherwise. */
export function withAuthorization(authz: Authorizer): RequestHandler {
  return async (_req: Request, res: Response, next: NextFunction) => {
    try {
      const { user, info } = res.locals as { user: UserInfo; info: ReturnType<typeof requestInfoOf> };
      const result = await authz.authorize({ user, info });
      setAuthorizationDecision(res, result);
      if (result.decision === 'allow') {
        next();
        return;
      }
      // An authorizer that could not decide (a failed SubjectAccessReview) is a 500, as upstream.
      if (result.decision !== 'deny' && result.error !== undefined) throw internalError(result.error);
      // As kube-apiserver's Forbidden writer: the message names the request, never to be sniffed as HTML.
      // (Unless the request's timeout has answered it meanwhile.)
      if (!res.headersSent) res.setHeader('X-Content-Type-Options', 'nosniff');
      throw forbiddenError(user, info, result.reason);
    } catch (e: unknown) {
      unmetered(res);
      next(e);
    }
  };
}

/** Maps body-parser failures and unknown errors onto Status errors. */
function asStatusError(err: unknown, log: (msg: string, e: unknown) => void): StatusError {
  if (isStatusError(err)) return err;
  if (typeof err === 'object' && err !== null && 'type' in err) {
    const type = (err as { type: unknown }).type;
    if (type === 'entity.too.large') return requestEntityTooLarge(`limit is ${MAX_BODY_BYTES}`);
    if (type === 'request.aborted' || type === 'entity.verify.failed' || type === 'encoding.unsupported') {
      return badRequest(err instanceof Error ? err.message : 'bad request body');
    }
  }
  // express and body-parser mark client faults (malformed percent-encoding, a bad gzip body) with a 4xx.
  const code = typeof err === 'object' && err !== null ? (err as { status?: unknown; statusCode?: unknown }).status ?? (err as { statusCode?: unknown }).statusCode : undefined;
  if (typeof code === 'number' && code >= 400 && code < 500) return badRequest(err instanceof Error ? err.message : 'bad request');
  log('unhandled error', err);
  return internalError(err instanceof Error ? err.message : String(err));
}

/**
 * The last middleware: writes a Status for whatever was thrown, in protobuf when the request is for a
 * resource that speaks it (`speaksProtobuf`) and the caller prefers protobuf, else in JSON.
 */
export function errorWriter(log: (msg: string, e: unknown) => void, speaksProtobuf: (info: RequestInfo) => boolean = () => false): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const status = asStatusError(err, log);
    if (res.writableEnded) return;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    // As kube-apiserver: any Status that names a retry delay (429, 503, 504) carries it as Retry-After.
    const retryAfter = status.status.details?.retryAfterSeconds;
    if (retryAfter !== undefined && retryAfter > 0) res.setHeader('Retry-After', String(retryAfter));
    const info = res.locals.info as RequestInfo | undefined;
    const resource = info !== undefined && info.isResourceRequest;
    sendStatus(res, status.status, statusFormat(req.headers.accept, { yaml: resource, protobuf: resource && speaksProtobuf(info) }));
  };
}

/** One log line per request at verbosity `level` (method, path, user, code, latency; never bodies). */
export function withRequestLog(log: Logger, level: number): RequestHandler {
  // Below the logger's verbosity nothing is logged: no listener for every request.
  if (log.enabled?.(level) === false) return (_req, _res, next) => next();
  return (req, res, next) => {
    const start = readTime(req);
    res.once('close', () => {
      const user = (res.locals.user as UserInfo | undefined)?.name;
      const path = (res.locals.info as { path?: string } | undefined)?.path ?? '';
      const ms = performance.now() - start;
      log.info('request', { method: req.method, path, user, code: res.statusCode, latencyMs: Math.round(ms * 10) / 10 }, level);
    });
    next();
  };
}
