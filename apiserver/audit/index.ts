/**
 * Auditing (`--audit-policy-file` with `--audit-log-*` and/or `--audit-webhook-*`): `audit.k8s.io/v1`
 * Events as JSON lines and as EventList POSTs to a webhook, decided by an `audit.k8s.io/v1` Policy,
 * with InternalSecrets and issued kubeconfigs capped at Metadata. See filter.ts for where the
 * middlewares go.
 */
export { Auditor, createAuditor, teeSinks, type AuditOptions } from './auditor.js';
export { takeBody } from './body.js';
export {
  AUDIT_ID_RESPONSE_HEADER,
  DECISION_ANNOTATION,
  FRONT_PROXY_ANNOTATION,
  REASON_ANNOTATION,
  addAuditAnnotation,
  auditIDOf,
  setAuthorizationDecision,
  withAudit,
  withAuditInit,
  withAuditPanic,
} from './filter.js';
export {
  AuditPolicy,
  AuditPolicyError,
  isSensitiveRequest,
  loadAuditPolicy,
  parseAuditPolicy,
  type AuditAttributes,
  type PolicyRule,
  type RequestAuditConfig,
} from './policy.js';
export type { AuditEvent, AuditSink, Level, Stage } from './types.js';
export { openAuditLog, type AuditLogOptions } from './writer.js';
export { openAuditWebhook, type AuditWebhookOptions } from './webhook/sink.js';
