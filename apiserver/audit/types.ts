/**
 * The `audit.k8s.io/v1` wire types this server writes (Event) and reads (Policy levels and stages),
 * with the field names and JSON shape of k8s.io/apiserver/pkg/apis/audit/v1. Empty optional fields are
 * left out, as Go's `omitempty` does.
 */
import type { StatusDetails } from '../../apimachinery/types.js';

/** How much of a request is recorded, from nothing to both bodies. */
export type Level = 'None' | 'Metadata' | 'Request' | 'RequestResponse';

/** The levels in increasing order. */
export const LEVELS: readonly Level[] = ['None', 'Metadata', 'Request', 'RequestResponse'];

/** The stage of request handling an event was generated at. */
export type Stage = 'RequestReceived' | 'ResponseStarted' | 'ResponseComplete' | 'Panic';

/** Every stage, in the order a request goes through them. */
export const STAGES: readonly Stage[] = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'];

/** True when `level` records at least as much as `min`. */
export function levelAtLeast(level: Level, min: Level): boolean {
  return LEVELS.indexOf(level) >= LEVELS.indexOf(min);
}

/** The lower of two levels. */
export function minLevel(a: Level, b: Level): Level {
  return levelAtLeast(a, b) ? b : a;
}

/** `authentication.k8s.io/v1` UserInfo as it appears in an Event. */
export interface EventUser {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

/** The object a resource request is about (`audit.k8s.io/v1` ObjectReference). */
export interface ObjectReference {
  resource?: string;
  namespace?: string;
  name?: string;
  apiGroup?: string;
  apiVersion?: string;
  subresource?: string;
}

/** The response's `metav1.Status` as recorded: always `metadata` and `code`, the rest when known. */
export interface ResponseStatus {
  metadata: Record<string, never>;
  status?: string;
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** One `audit.k8s.io/v1` Event: one line of the audit log. */
export interface AuditEvent {
  kind: 'Event';
  apiVersion: 'audit.k8s.io/v1';
  level: Level;
  auditID: string;
  stage: Stage;
  requestURI: string;
  verb: string;
  user: EventUser;
  impersonatedUser?: EventUser;
  sourceIPs?: string[];
  userAgent?: string;
  objectRef?: ObjectReference;
  responseStatus?: ResponseStatus;
  /** The decoded request body; only at Request and RequestResponse. */
  requestObject?: unknown;
  /** The response body; only at RequestResponse. */
  responseObject?: unknown;
  /** RFC 3339 with microseconds (`metav1.MicroTime`). */
  requestReceivedTimestamp: string;
  stageTimestamp: string;
  annotations?: Record<string, string>;
}

/** Where finished events go (the log file, stdout, or a test's array). */
export interface AuditSink {
  /** Queues one event; never throws and never blocks on I/O. */
  write(event: AuditEvent): void;
  /**
   * Present on blocking backends: stores one event and resolves with whether it was stored (never
   * rejects). A request waits for its RequestReceived event this way.
   */
  writeAndWait?: (event: AuditEvent) => Promise<boolean>;
  /** With `writeAndWait`: a request whose RequestReceived event was not stored fails (blocking-strict). */
  readonly strict?: boolean;
  /** Resolves once every event queued so far is written. */
  flush(): Promise<void>;
  /** Flushes and releases the file. Later writes are dropped. */
  close(): Promise<void>;
}

/** `metav1.MicroTime` text of an epoch time in (fractional) milliseconds: `2026-11-21T05:55:00.123456Z`. */
export function microTime(epochMs: number): string {
  const whole = Math.floor(epochMs);
  const micros = Math.min(999, Math.floor((epochMs - whole) * 1000));
  const iso = new Date(whole).toISOString(); // 2026-11-21T05:55:00.123Z
  return `${iso.slice(0, -1)}${String(micros).padStart(3, '0')}Z`;
}

let clockBase = Date.now() - performance.now();

/**
 * The current time in fractional epoch milliseconds: the monotonic clock's sub-millisecond precision,
 * re-anchored to the wall clock whenever the two drift apart by more than a millisecond.
 */
export function nowMs(): number {
  const wall = Date.now();
  let t = clockBase + performance.now();
  if (Math.abs(t - wall) > 1) {
    clockBase = wall - performance.now();
    t = clockBase + performance.now();
  }
  return t;
}
