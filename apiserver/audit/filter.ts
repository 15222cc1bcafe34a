/**
 * The audit filters, split the way k8s.io/apiserver splits them so that requests failing
 * authentication are audited too:
 *
 * - {@link withAuditInit} goes right BEFORE withAuthentication: it picks the audit ID (the incoming
 *   `Audit-ID` header or a new UUID), echoes it as `Audit-Id`, records the receive time and hooks the
 *   response so that every request gets its final event: ResponseComplete (or Panic), or for a request
 *   that failed authentication the one event upstream's WithFailedAuthenticationAudit writes, stage
 *   ResponseStarted with the 401 and the credentials tried (`Authentication failed, attempted: x509`).
 * - {@link withAudit} goes right AFTER withAuthentication: the user is known, the policy is evaluated
 *   and the RequestReceived event is written.
 * - {@link withAuditPanic} is an error handler that goes right BEFORE errorWriter: an error that is not
 *   a Status (a bug) turns the final event into stage Panic.
 *
 * Long-running requests (watches) get ResponseStarted when their headers are sent and ResponseComplete
 * when the stream ends. Annotations: `authorization.k8s.io/decision` and `authorization.k8s.io/reason`
 * from `res.locals.authorizationDecision` / `res.locals.authorizationReason` (set by withAuthorization,
 * see {@link setAuthorizationDecision}), {@link FRONT_PROXY_ANNOTATION} with the CN of the front proxy a
 * request came through, and whatever {@link addAuditAnnotation} added.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { isStatusError } from '../../apimachinery/errors.js';
import type { UserInfo } from '../../registry/types.js';
import { goQuote } from '../../apimachinery/goquote.js';
import { frontProxyOf } from '../authn/requestheader.js';
import { sanitize } from '../authz/message.js';
import { requestInfoOf, type RequestInfo } from '../requestinfo.js';
import { escapedRequestTarget } from '../listener.js';
import { readTime } from '../received.js';
import { SWITCH_EVENT, switchedProtocols } from '../upgrade.js';
import type { Auditor } from './auditor.js';
import { buildEvent, decodeRequestBody, incomingAuditID, panicStatus, responseStatusOf, sourceIPs, userAgentOf } from './event.js';
import type { RequestAuditConfig } from './policy.js';
import { nowMs, type AuditEvent, type ResponseStatus, type Stage } from './types.js';
import { bodyTaken } from './body.js';

/** Response header carrying the audit ID (Go's canonical spelling of `Audit-ID`). */
export const AUDIT_ID_RESPONSE_HEADER = 'Audit-Id';
/** Annotation naming the front proxy (its client certificate's CN) a request-header user came through. */
export const FRONT_PROXY_ANNOTATION = 'authentication.gardener.cloud/front-proxy';
/** Annotation with the authorization decision: `allow` or `forbid`. */
export const DECISION_ANNOTATION = 'authorization.k8s.io/decision';
/** Annotation with the authorizer's reason. */
export const REASON_ANNOTATION = 'authorization.k8s.io/reason';

/** Per-request audit state. */
interface RequestAudit {
  auditID: string;
  receivedAt: number;
  requestURI: string;
  sourceIPs: string[];
  userAgent: string | undefined;
  config?: RequestAuditConfig;
  annotations: Record<string, string>;
  /** Set by {@link withAuditPanic}: the message of an error that was not a Status. */
  panic?: string;
  done: boolean;
}

const audits = new WeakMap<Response, RequestAudit>();

/** The audit ID of a request (undefined before {@link withAuditInit} ran or when auditing is off). */
export function auditIDOf(res: Response): string | undefined {
  return audits.get(res)?.auditID;
}

/** Adds an annotation to a request's later events (no-op when the request is not audited). */
export function addAuditAnnotation(res: Response, key: string, value: string): void {
  const a = audits.get(res);
  if (a !== undefined) a.annotations[key] = value;
}

/**
 * Records the authorization outcome the way withAuthorization should: `res.locals.authorizationDecision`
 * is `allow` for an allow and `forbid` otherwise, `res.locals.authorizationReason` the reason (if any).
 */
export function setAuthorizationDecision(res: Response, result: { decision: string; reason?: string | undefined }): void {
  res.locals.authorizationDecision = result.decision === 'allow' ? 'allow' : 'forbid';
  if (result.reason !== undefined && result.reason !== '') res.locals.authorizationReason = result.reason;
}

function infoOf(req: IncomingMessage, res: Response): RequestInfo {
  return (res.locals.info as RequestInfo | undefined) ?? requestInfoOf(req);
}

/** The authenticated requester (also when it impersonates someone). */
function userOf(res: Response): UserInfo | undefined {
  return (res.locals.requester ?? res.locals.user) as UserInfo | undefined;
}

/** The user an impersonating request runs as. */
function impersonatedOf(res: Response): UserInfo | undefined {
  return res.locals.requester === undefined ? undefined : (res.locals.user as UserInfo | undefined);
}

function annotationsOf(req: IncomingMessage, res: Response, a: RequestAudit): Record<string, string> {
  const out: Record<string, string> = { ...a.annotations };
  const proxy = frontProxyOf(req);
  if (proxy !== undefined) out[FRONT_PROXY_ANNOTATION] = proxy;
  const decision: unknown = res.locals.authorizationDecision;
  const reason: unknown = res.locals.authorizationReason;
  if (typeof decision === 'string' && decision !== '') out[DECISION_ANNOTATION] = decision;
  if (typeof reason === 'string' && reason !== '') out[REASON_ANNOTATION] = reason;
  return out;
}

function configOf(auditor: Auditor, req: IncomingMessage, res: Response, a: RequestAudit): RequestAuditConfig {
  a.config ??= auditor.evaluate({ user: userOf(res), info: infoOf(req, res) });
  return a.config;
}

/** What a stage event carries beyond the request's own facts. */
interface StageExtras {
  responseStatus?: ResponseStatus;
  requestObject?: unknown;
  responseObject?: unknown;
}

/** The builder of a stage's event, or undefined when the policy records nothing for the stage. */
function stageEvent(auditor: Auditor, req: Request, res: Response, a: RequestAudit, stage: Stage, extras: StageExtras = {}): (() => AuditEvent) | undefined {
  const config = configOf(auditor, req, res, a);
  if (config.level === 'None' || config.omitStages.has(stage)) return undefined;
  return () =>
    buildEvent({
      auditID: a.auditID,
      stage,
      config,
      requestURI: a.requestURI,
      info: infoOf(req, res),
      user: userOf(res),
      impersonatedUser: impersonatedOf(res),
      sourceIPs: a.sourceIPs,
      userAgent: a.userAgent,
      receivedAt: a.receivedAt,
      stageAt: nowMs(),
      annotations: annotationsOf(req, res, a),
      ...extras,
    });
}

function emit(auditor: Auditor, req: Request, res: Response, a: RequestAudit, stage: Stage, extras: StageExtras = {}): void {
  const build = stageEvent(auditor, req, res, a, stage, extras);
  if (build !== undefined) auditor.emit(build);
}

/**
 * kube-apiserver's answer to a request whose RequestReceived event a blocking-strict backend could not
 * store (responsewriters.InternalError: plain text, the request URI quoted).
 */
function failStoringEvent(req: Request, res: Response): void {
  const body = `${sanitize(`Internal Server Error: ${goQuote(escapedRequestTarget(req) ?? req.originalUrl)}: failed to store audit event`)}\n`;
  res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function isLongRunning(req: IncomingMessage, res: Response): boolean {
  return infoOf(req, res).verb === 'watch';
}

/**
 * The request body for Request level and above, once a handler has taken it up (sensitive requests
 * are never decoded).
 */
function requestObjectOf(auditor: Auditor, req: Request, res: Response, a: RequestAudit): unknown {
  if (!bodyTaken(req)) return undefined;
  const config = configOf(auditor, req, res, a);
  if (config.sensitive || config.level === 'None' || config.level === 'Metadata') return undefined;
  return decodeRequestBody(req.body, req.headers['content-type']);
}

/** Emits ResponseStarted for long-running requests when their status line goes out. */
function hookResponseStarted(auditor: Auditor, req: Request, res: Response, a: RequestAudit): void {
  if (!isLongRunning(req, res)) return;
  const original = res.writeHead;
  let started = false;
  const start = (code: number) => {
    // A watch refused by authentication gets its one event when it ends (see hookResponseComplete).
    if (started || userOf(res) === undefined) return;
    started = true;
    emit(auditor, req, res, a, 'ResponseStarted', { responseStatus: { metadata: {}, code }, requestObject: requestObjectOf(auditor, req, res, a) });
  };
  const wrapped = function (this: Response, ...args: unknown[]): Response {
    start(typeof args[0] === 'number' ? args[0] : res.statusCode);
    return Reflect.apply(original, this, args) as Response;
  };
  res.writeHead = wrapped as unknown as Response['writeHead'];
  // A watch over WebSocket: its connection switched protocols (101) without a status line from here.
  res.once(SWITCH_EVENT, () => start(101));
}

/** Upstream's message for a failed authentication: the kinds of credentials the request carried. */
export function failedAuthenticationMessage(req: IncomingMessage): string {
  const methods: string[] = [];
  const auth = (req.headers.authorization ?? '').trim();
  if (/^basic /i.test(auth) && Buffer.from(auth.slice(6), 'base64').toString('latin1').includes(':')) methods.push('basic');
  const parts = auth.split(' ');
  if (parts.length > 1 && parts[0]?.toLowerCase() === 'bearer') methods.push('bearer');
  const query = req.url?.split('?')[1];
  if (query !== undefined && (new URLSearchParams(query).get('access_token') ?? '').trim() !== '') methods.push('access_token');
  const socket = req.socket as { getPeerCertificate?: () => object | null };
  if (Object.keys(socket.getPeerCertificate?.() ?? {}).length > 0) methods.push('x509');
  return methods.length > 0 ? `Authentication failed, attempted: ${methods.join(', ')}` : 'Authentication failed, no credentials provided';
}

/**
 * Emits the final event once, when the response finishes or the connection closes: ResponseComplete
 * or Panic; for a request that got no authenticated user, ResponseStarted with the refusal (nothing
 * when it never got an answer).
 */
function hookResponseComplete(auditor: Auditor, req: Request, res: Response, a: RequestAudit): void {
  const complete = () => {
    if (a.done) return;
    a.done = true;
    if (userOf(res) === undefined) {
      if (res.headersSent) emit(auditor, req, res, a, 'ResponseStarted', { responseStatus: { metadata: {}, code: res.statusCode, message: failedAuthenticationMessage(req) } });
      return;
    }
    const sensitive = configOf(auditor, req, res, a).sensitive;
    const requestObject = requestObjectOf(auditor, req, res, a);
    if (a.panic !== undefined) {
      emit(auditor, req, res, a, 'Panic', { responseStatus: panicStatus(a.panic, sensitive), requestObject });
      return;
    }
    const body: unknown = res.locals.responseBody;
    const responseStatus: ResponseStatus = res.headersSent || switchedProtocols(res)
      ? responseStatusOf(res.statusCode, body, sensitive)
      : { metadata: {}, code: 200, status: 'Success', message: 'Connection closed early' };
    // A response that differs from the body kept (a list's items) gives its own form, made on demand.
    const own: unknown = res.locals.auditResponseObject;
    const responseObject = isLongRunning(req, res) ? undefined : typeof own === 'function' ? (own as () => unknown) : body;
    emit(auditor, req, res, a, 'ResponseComplete', { responseStatus, requestObject, responseObject });
  };
  res.once('finish', complete);
  res.once('close', complete);
}

function startAudit(auditor: Auditor, req: Request, res: Response, auditID: string): RequestAudit {
  const a: RequestAudit = {
    auditID,
    // Wall time of the moment the request was read (monotonic difference, wall-clock anchor).
    receivedAt: nowMs() - (performance.now() - readTime(req)),
    requestURI: escapedRequestTarget(req) ?? req.originalUrl,
    sourceIPs: sourceIPs(req),
    userAgent: userAgentOf(req),
    annotations: {},
    done: false,
  };
  audits.set(res, a);
  hookResponseStarted(auditor, req, res, a);
  hookResponseComplete(auditor, req, res, a);
  return a;
}

/**
 * Goes right before withAuthentication. Always sets the `Audit-Id` response header (also when
 * `auditor` is undefined, i.e. auditing is off); with an auditor, starts the request's audit record.
 */
export function withAuditInit(auditor: Auditor | undefined): RequestHandler {
  return (req, res, next) => {
    const auditID = incomingAuditID(req) ?? randomUUID();
    res.setHeader(AUDIT_ID_RESPONSE_HEADER, auditID);
    if (auditor !== undefined) startAudit(auditor, req, res, auditID);
    next();
  };
}

/**
 * Goes right after withAuthentication: evaluates the policy for the authenticated user and writes the
 * RequestReceived event. Works without {@link withAuditInit} too (then unauthenticated requests are
 * not audited and the `Audit-Id` header is set here).
 */
export function withAudit(auditor: Auditor | undefined): RequestHandler {
  return (req, res, next) => {
    if (auditor === undefined) {
      next();
      return;
    }
    let a = audits.get(res);
    if (a === undefined) {
      const auditID = incomingAuditID(req) ?? randomUUID();
      if (!res.headersSent) res.setHeader(AUDIT_ID_RESPONSE_HEADER, auditID);
      a = startAudit(auditor, req, res, auditID);
    }
    a.config = auditor.evaluate({ user: userOf(res), info: infoOf(req, res) });
    const build = stageEvent(auditor, req, res, a, 'RequestReceived');
    if (build === undefined) {
      next();
      return;
    }
    if (!auditor.waits) {
      auditor.emit(build);
      next();
      return;
    }
    // Blocking backends: the request goes on once its first event is stored. A request refused for
    // want of it gets no further event, as upstream returns before arming its final one.
    void auditor.emitAndWait(build).then((stored) => {
      if (stored) {
        next();
        return;
      }
      a.done = true;
      if (!res.headersSent) failStoringEvent(req, res);
    });
  };
}

/** True for errors that are bugs rather than answers: not a Status, not a body-parser 4xx. */
function isPanic(err: unknown): boolean {
  if (isStatusError(err)) return false;
  if (typeof err === 'object' && err !== null && 'type' in err && 'status' in err) {
    const status = (err as { status: unknown }).status;
    if (typeof status === 'number' && status < 500) return false;
  }
  return true;
}

/** Error handler right before errorWriter: marks requests that failed with a non-Status error as Panic. */
export function withAuditPanic(): ErrorRequestHandler {
  return (err: unknown, _req, res, next) => {
    const a = audits.get(res);
    if (a !== undefined && isPanic(err)) a.panic = err instanceof Error ? err.message : String(err);
    next(err);
  };
}
