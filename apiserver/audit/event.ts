/**
 * Building `audit.k8s.io/v1` Events from a request and its response: who (user, source IPs, user
 * agent), what (verb, request URI, object reference), how it ended (response status) and, by level,
 * the bodies. Pure functions over plain inputs; the filter gathers the inputs.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { jsonTooDeep } from '../../apimachinery/json.js';
import { isPlainObject } from '../../apimachinery/types.js';
import { parseUntrustedYaml } from '../../apimachinery/yaml.js';
import type { UserInfo } from '../../registry/types.js';
import type { RequestInfo } from '../requestinfo.js';
import type { RequestAuditConfig } from './policy.js';
import { levelAtLeast, microTime, type AuditEvent, type EventUser, type ObjectReference, type ResponseStatus, type Stage } from './types.js';

/** Request header carrying a caller-chosen audit ID; echoed as `Audit-Id` in the response. */
export const AUDIT_ID_HEADER = 'Audit-ID';
/** Longest accepted incoming audit ID; longer or non-printable ones are replaced by a new UUID. */
export const MAX_AUDIT_ID_LENGTH = 256;
const MAX_USER_AGENT_LENGTH = 1024;
const USER_AGENT_TRUNCATED = '...TRUNCATED';
const MAX_FORWARDED_IPS = 64;

/** The incoming `Audit-ID` when it is usable (1-256 printable ASCII characters), else undefined. */
export function incomingAuditID(req: IncomingMessage): string | undefined {
  const raw = req.headers[AUDIT_ID_HEADER.toLowerCase()];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  if (value === undefined || value === '' || value.length > MAX_AUDIT_ID_LENGTH) return undefined;
  return /^[\x20-\x7e]+$/.test(value) ? value : undefined;
}

/** An IP in Go's text form (IPv4-mapped IPv6 printed as IPv4), or undefined when not an IP. */
function normalizeIP(s: string): string | undefined {
  const v = s.trim().replace(/^\[(.*)\]$/, '$1');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(v);
  if (mapped?.[1] !== undefined) return mapped[1];
  return isIP(v) === 0 ? undefined : v;
}

function firstHeader(req: IncomingMessage, name: string): string {
  const v = req.headers[name];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

/**
 * Source IPs as Kubernetes lists them (utilnet.SourceIPs): the valid `X-Forwarded-For` entries, then
 * `X-Real-Ip` unless already listed, then the peer address unless it equals the last one.
 */
export function sourceIPs(req: IncomingMessage): string[] {
  const ips: string[] = [];
  for (const part of firstHeader(req, 'x-forwarded-for').split(',').slice(0, MAX_FORWARDED_IPS)) {
    const ip = normalizeIP(part);
    if (ip !== undefined) ips.push(ip);
  }
  const real = normalizeIP(firstHeader(req, 'x-real-ip'));
  if (real !== undefined && !ips.includes(real)) ips.push(real);
  const peer = normalizeIP(req.socket?.remoteAddress ?? '');
  if (peer !== undefined && ips.at(-1) !== peer) ips.push(peer);
  return ips;
}

/** The user agent, cut at 1024 characters with `...TRUNCATED` as upstream does. */
export function userAgentOf(req: IncomingMessage): string | undefined {
  const ua = req.headers['user-agent'];
  if (ua === undefined || ua === '') return undefined;
  return ua.length > MAX_USER_AGENT_LENGTH ? ua.slice(0, MAX_USER_AGENT_LENGTH) + USER_AGENT_TRUNCATED : ua;
}

/** `authentication.k8s.io/v1` UserInfo of a user; `{}` when the request was not authenticated. */
export function eventUser(user: UserInfo | undefined): EventUser {
  if (user === undefined) return {};
  const out: EventUser = { username: user.name };
  if (user.uid !== undefined && user.uid !== '') out.uid = user.uid;
  if (user.groups.length > 0) out.groups = [...user.groups];
  if (user.extra !== undefined && Object.keys(user.extra).length > 0) out.extra = structuredClone(user.extra);
  return out;
}

/** The object reference of a resource request (empty fields left out); undefined otherwise. */
export function objectRefOf(info: RequestInfo): ObjectReference | undefined {
  if (!info.isResourceRequest) return undefined;
  const ref: ObjectReference = {};
  const fields = [
    ['resource', info.resource],
    ['namespace', info.namespace],
    ['name', info.name],
    ['apiGroup', info.apiGroup],
    ['apiVersion', info.apiVersion],
    ['subresource', info.subresource],
  ] as const;
  for (const [key, value] of fields) if (value !== '') ref[key] = value;
  return ref;
}

/**
 * The response status: the code, plus status, reason, message and details when the body is a Status.
 * For sensitive requests only status and reason are copied: messages and causes of decode and
 * validation errors can quote the request body.
 */
export function responseStatusOf(code: number, body: unknown, sensitive: boolean): ResponseStatus {
  const rs: ResponseStatus = { metadata: {}, code };
  if (!isPlainObject(body) || body.kind !== 'Status') return rs;
  if (typeof body.status === 'string' && body.status !== '') rs.status = body.status;
  if (typeof body.reason === 'string' && body.reason !== '') rs.reason = body.reason;
  if (sensitive) return rs;
  if (typeof body.message === 'string' && body.message !== '') rs.message = body.message;
  if (isPlainObject(body.details)) rs.details = structuredClone(body.details);
  return rs;
}

/** The status recorded at the Panic stage. */
export function panicStatus(message: string, sensitive: boolean): ResponseStatus {
  return {
    metadata: {},
    code: 500,
    status: 'Failure',
    reason: 'InternalError',
    message: sensitive ? "APIServer panic'd" : `APIServer panic'd: ${message}`,
  };
}

/** A request body decoded for the log (JSON, or YAML for YAML media types); undefined if it does not decode. */
export function decodeRequestBody(body: unknown, contentType: string | undefined): unknown {
  if (!Buffer.isBuffer(body) || body.length === 0) return undefined;
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const text = body.toString('utf8');
  try {
    if (type.endsWith('yaml')) return parseUntrustedYaml(text);
    if (type === '' || type.endsWith('json')) return jsonTooDeep(text) ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
  return undefined;
}

function stripOne(o: unknown): unknown {
  if (!isPlainObject(o) || !isPlainObject(o.metadata) || !('managedFields' in o.metadata)) return o;
  const { managedFields: _dropped, ...metadata } = o.metadata;
  return { ...o, metadata };
}

/** A copy without `metadata.managedFields` (also in a list's items). */
export function withoutManagedFields(obj: unknown): unknown {
  const top = stripOne(obj);
  if (!isPlainObject(top) || !Array.isArray(top.items)) return top;
  return { ...top, items: top.items.map(stripOne) };
}

/** Everything a stage event is made of. */
export interface EventInputs {
  auditID: string;
  stage: Stage;
  config: RequestAuditConfig;
  requestURI: string;
  info: RequestInfo;
  user: UserInfo | undefined;
  /** The user an impersonating request runs as. */
  impersonatedUser?: UserInfo | undefined;
  sourceIPs: string[];
  userAgent: string | undefined;
  receivedAt: number;
  stageAt: number;
  responseStatus?: ResponseStatus | undefined;
  /** Decoded request body; recorded at Request and above unless the request is sensitive. */
  requestObject?: unknown;
  /** Response body, or a function that makes it; recorded at RequestResponse unless the request is sensitive. */
  responseObject?: unknown;
  annotations: Record<string, string>;
}

/** One Event at the configured level (the caller skips level None); fields in upstream's order. */
export function buildEvent(x: EventInputs): AuditEvent {
  const { level, sensitive, omitManagedFields } = x.config;
  const strip = (o: unknown) => (omitManagedFields ? withoutManagedFields(o) : o);
  const ref = objectRefOf(x.info);
  const withRequest = !sensitive && levelAtLeast(level, 'Request') && x.requestObject !== undefined;
  const withResponse = !sensitive && levelAtLeast(level, 'RequestResponse') && x.responseObject !== undefined;
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level,
    auditID: x.auditID,
    stage: x.stage,
    requestURI: x.requestURI,
    verb: x.info.verb,
    user: eventUser(x.user),
    ...(x.impersonatedUser !== undefined && { impersonatedUser: eventUser(x.impersonatedUser) }),
    ...(x.sourceIPs.length > 0 && { sourceIPs: x.sourceIPs }),
    ...(x.userAgent !== undefined && { userAgent: x.userAgent }),
    ...(ref !== undefined && { objectRef: ref }),
    ...(x.responseStatus !== undefined && { responseStatus: x.responseStatus }),
    ...(withRequest && { requestObject: strip(x.requestObject) }),
    ...(withResponse && { responseObject: strip(typeof x.responseObject === 'function' ? (x.responseObject as () => unknown)() : x.responseObject) }),
    requestReceivedTimestamp: microTime(x.receivedAt),
    stageTimestamp: microTime(x.stageAt),
    ...(Object.keys(x.annotations).length > 0 && { annotations: { ...x.annotations } }),
  };
}
