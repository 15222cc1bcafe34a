/**
 * The one error type that reaches HTTP: a Kubernetes `Status`. Everything that fails a request throws
 * a `StatusError` built by one of the helpers below, so reasons, codes and messages stay consistent.
 */
import { aggregateMessage, errorBody, FieldErrorTypes, type FieldError } from './field.js';
import {
  groupKindString,
  groupResourceString,
  type GroupKind,
  type GroupResource,
  type Status,
  type StatusCause,
  type StatusDetails,
} from './types.js';

/** Kubernetes status reasons and the HTTP code each one carries. */
export const StatusReasons = {
  BadRequest: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  MethodNotAllowed: 405,
  NotAcceptable: 406,
  AlreadyExists: 409,
  Conflict: 409,
  Gone: 410,
  Expired: 410,
  RequestEntityTooLarge: 413,
  UnsupportedMediaType: 415,
  Invalid: 422,
  TooManyRequests: 429,
  InternalError: 500,
  ServiceUnavailable: 503,
  Timeout: 504,
} as const;

export type StatusReason = keyof typeof StatusReasons;

/** An error that carries the Kubernetes Status to send back. */
export class StatusError extends Error {
  readonly status: Status;

  constructor(status: Status) {
    super(status.message ?? status.reason ?? 'unknown error');
    this.name = 'StatusError';
    this.status = status;
  }

  get code(): number {
    return this.status.code;
  }

  get reason(): string | undefined {
    return this.status.reason;
  }
}

/** Narrows an unknown thrown value. */
export function isStatusError(e: unknown): e is StatusError {
  return e instanceof StatusError;
}

function failure(reason: StatusReason | '', code: number, message: string, details?: StatusDetails): StatusError {
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, code };
  if (reason !== '') status.reason = reason;
  if (details !== undefined) status.details = details;
  return new StatusError(status);
}

function grDetails(gr: GroupResource, name: string): StatusDetails {
  const d: StatusDetails = { kind: gr.resource };
  if (name !== '') d.name = name;
  if (gr.group !== '') d.group = gr.group;
  return d;
}

function qualified(gr: GroupResource, name: string): string {
  return `${groupResourceString(gr)} ${JSON.stringify(name)}`;
}

export function badRequest(message: string, causes?: StatusCause[]): StatusError {
  return failure('BadRequest', 400, message, causes ? { causes } : undefined);
}

export function unauthorized(message = 'Unauthorized'): StatusError {
  return failure('Unauthorized', 401, message);
}

export function forbidden(gr: GroupResource, name: string, reason: string): StatusError {
  const subject = gr.resource === '' ? 'forbidden' : name === '' ? `${groupResourceString(gr)} is forbidden` : `${qualified(gr, name)} is forbidden`;
  return failure('Forbidden', 403, `${subject}: ${reason}`, grDetails(gr, name));
}

/**
 * `err` as kube-apiserver passes on a validating webhook's refusal: the webhook's status as it is, the
 * message prefixed with `admission webhook "<name>" denied the request: `.
 */
export function deniedByWebhook(webhook: string, err: StatusError): StatusError {
  const message = err.status.message === undefined || err.status.message === '' ? 'without explanation' : err.status.message;
  return new StatusError({ ...err.status, message: `admission webhook ${JSON.stringify(webhook)} denied the request: ${message}` });
}

/**
 * A webhook's plain refusal (controller-runtime's `admission.Errored`: a code and a message, no reason
 * and no details) as kube-apiserver reports it.
 */
export function webhookDenied(webhook: string, code: number, message: string): StatusError {
  return deniedByWebhook(webhook, failure('', code, message));
}

/** A 403 with a message written out in full (authorizer denials build their own text). */
export function forbiddenMessage(message: string, details?: StatusDetails): StatusError {
  return failure('Forbidden', 403, message, details);
}

export function notFound(gr: GroupResource, name: string): StatusError {
  return failure('NotFound', 404, `${qualified(gr, name)} not found`, grDetails(gr, name));
}

/** 404 for a path the server does not serve. */
export function pathNotFound(): StatusError {
  return failure('NotFound', 404, 'the server could not find the requested resource', {});
}

/** 405 for a method the server has no route for on this path (go-restful's answer, as kube-apiserver words it). */
export function methodNotRouted(): StatusError {
  return failure('MethodNotAllowed', 405, 'the server does not allow this method on the requested resource', {});
}

/** 405 for an action a resource does not support (`watch is not supported on resources of kind "x"`). */
export function methodNotAllowed(verb: string, what: string): StatusError {
  return failure('MethodNotAllowed', 405, `${verb} is not supported on resources of kind ${JSON.stringify(what)}`);
}

export function notAcceptable(accepted: readonly string[]): StatusError {
  return failure('NotAcceptable', 406, `only the following media types are accepted: ${accepted.join(', ')}`);
}

export function alreadyExists(gr: GroupResource, name: string): StatusError {
  return failure('AlreadyExists', 409, `${qualified(gr, name)} already exists`, grDetails(gr, name));
}

/** A generated name that kept colliding (Kubernetes' NewGenerateNameConflict): retry later. */
export function generateNameConflict(gr: GroupResource, name: string, retryAfterSeconds: number): StatusError {
  return failure('AlreadyExists', 409, `${qualified(gr, name)} already exists, the server was not able to generate a unique name for the object`, {
    ...grDetails(gr, name),
    retryAfterSeconds,
  });
}

export function conflict(gr: GroupResource, name: string, reason: string): StatusError {
  return failure('Conflict', 409, `Operation cannot be fulfilled on ${qualified(gr, name)}: ${reason}`, grDetails(gr, name));
}

/** The optimistic-concurrency conflict message. */
export const OBJECT_MODIFIED = 'the object has been modified; please apply your changes to the latest version and try again';

export function expired(message: string): StatusError {
  return failure('Expired', 410, message);
}

export function gone(message: string): StatusError {
  return failure('Gone', 410, message);
}

/** 413 as Kubernetes' NewRequestEntityTooLargeError words it: `Request entity too large: <message>`, no details. */
export function requestEntityTooLarge(message: string): StatusError {
  return failure('RequestEntityTooLarge', 413, `Request entity too large: ${message}`);
}

export function unsupportedMediaType(accepted: readonly string[]): StatusError {
  return failure(
    'UnsupportedMediaType',
    415,
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  );
}

/** 422 Invalid with one cause per field error. */
export function invalid(gk: GroupKind, name: string, errs: readonly FieldError[]): StatusError {
  const causes: StatusCause[] = errs.map((e) => ({
    reason: FieldErrorTypes[e.type].reason,
    message: errorBody(e),
    field: e.field,
  }));
  const details: StatusDetails = { name, group: gk.group, kind: gk.kind, causes };
  // As Go's omitempty: an empty name, group or kind is left out (a patch's Invalid has none of them).
  if (name === '') delete details.name;
  if (gk.group === '') delete details.group;
  if (gk.kind === '') delete details.kind;
  const base = `${groupKindString(gk)} ${JSON.stringify(name)} is invalid`;
  const message = errs.length === 0 ? base : `${base}: ${aggregateMessage(errs)}`;
  return failure('Invalid', 422, message, details);
}

export function tooManyRequests(message: string, retryAfterSeconds: number): StatusError {
  return failure('TooManyRequests', 429, message, { retryAfterSeconds });
}

/** 422 Invalid without causes: a request the server understood but cannot carry out. */
/**
 * 422 in the words of Kubernetes' generic server response: a fixed message, with what went wrong as
 * the one `UnexpectedServerResponse` cause (how kube-apiserver reports patches it cannot apply).
 */
export function unprocessable(serverMessage = ''): StatusError {
  const causes = serverMessage === '' ? undefined : [{ reason: 'UnexpectedServerResponse', message: serverMessage }];
  return failure('Invalid', 422, 'the server rejected our request due to an error in our request', causes === undefined ? {} : { causes });
}

/**
 * 500 as kube-apiserver reports a Go error that is not a Status (ErrorToAPIStatus): the error's own
 * text, no reason and no details.
 */
export function untypedError(message: string): StatusError {
  return failure('', 500, message);
}

export function internalError(message: string): StatusError {
  return failure('InternalError', 500, `Internal error occurred: ${message}`, { causes: [{ message }] });
}

/** 503 ServiceUnavailable; with `retryAfterSeconds` when the condition is expected to pass. */
export function serviceUnavailable(message: string, retryAfterSeconds?: number): StatusError {
  return failure('ServiceUnavailable', 503, message, retryAfterSeconds === undefined ? undefined : { retryAfterSeconds });
}

/** 504 Timeout as Kubernetes' NewTimeoutError words it: `Timeout: <message>`, details always present. */
export function timeout(message: string, retryAfterSeconds = 0): StatusError {
  return failure('Timeout', 504, `Timeout: ${message}`, retryAfterSeconds === 0 ? {} : { retryAfterSeconds });
}

/** A resourceVersion the storage has not reached within the wait: a Timeout with its cause. */
export function tooLargeResourceVersion(message: string, retryAfterSeconds: number): StatusError {
  const err = timeout(message, retryAfterSeconds);
  err.status.details = { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], ...(retryAfterSeconds > 0 && { retryAfterSeconds }) };
  return err;
}

/** A successful delete answered with a Status rather than the object (no code, as Kubernetes' finalizeDelete). */
export function successStatus(details: StatusDetails): Omit<Status, 'code'> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
}
