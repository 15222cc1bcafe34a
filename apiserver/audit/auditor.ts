/**
 * The auditor: the policy that decides what is recorded plus the sink it is written to, built from the
 * `--audit-*` flags. As in Kubernetes, auditing is on only with both `--audit-log-path` and
 * `--audit-policy-file`; with a path but no policy nothing is recorded (and that is logged once).
 */
import type { Logger } from '../log.js';
import { loadAuditPolicy, type AuditAttributes, type AuditPolicy, type RequestAuditConfig } from './policy.js';
import type { AuditEvent, AuditSink } from './types.js';
import { openAuditLog } from './writer.js';

/** The `--audit-*` flag values. */
export interface AuditOptions {
  /** `--audit-log-path`: the log file, `-` for stdout; absent or empty disables auditing. */
  logPath?: string | undefined;
  /** `--audit-policy-file`: an `audit.k8s.io/v1` Policy (YAML or JSON). */
  policyFile?: string | undefined;
  /** `--audit-log-maxsize`: megabytes before rotation (0: 100, as Kubernetes). */
  maxSizeMB?: number;
  /** `--audit-log-maxbackup`: rotated files kept (0: all). */
  maxBackups?: number;
  /** `--audit-log-maxage`: days rotated files are kept (0: no limit). */
  maxAgeDays?: number;
}

/** Decides per request what is recorded and writes the events. */
export class Auditor {
  /** `onError` hears about events that could not be built or queued (they are dropped). */
  constructor(
    readonly policy: AuditPolicy,
    private readonly sink: AuditSink,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  /** The level, stages to omit and sensitivity of a request. */
  evaluate(attrs: AuditAttributes): RequestAuditConfig {
    return this.policy.evaluate(attrs);
  }

  /** Builds and queues one event; a failure (say, a body JSON cannot encode) is reported, never thrown. */
  emit(build: () => AuditEvent): void {
    try {
      this.sink.write(build());
    } catch (e: unknown) {
      this.onError(e);
    }
  }

  /** Resolves once everything emitted so far is written. */
  flush(): Promise<void> {
    return this.sink.flush();
  }

  /** Writes what is queued and closes the log; call after the HTTP server has stopped. */
  close(): Promise<void> {
    return this.sink.close();
  }
}

/**
 * The auditor for the flags, or undefined when auditing is off (no `--audit-log-path`, or no
 * `--audit-policy-file`). Throws, for start-up to fail, when the policy is invalid or the log file
 * cannot be opened. Write errors later are logged and retried, never fatal.
 */
export function createAuditor(options: AuditOptions, log: Logger): Auditor | undefined {
  if (options.logPath === undefined || options.logPath === '') return undefined;
  if (options.policyFile === undefined || options.policyFile === '') {
    log.info('audit: --audit-log-path is set but --audit-policy-file is not; no audit events are recorded');
    return undefined;
  }
  const policy = loadAuditPolicy(options.policyFile);
  const sink = openAuditLog({
    path: options.logPath,
    maxSizeMB: options.maxSizeMB ?? 0,
    maxBackups: options.maxBackups ?? 0,
    maxAgeDays: options.maxAgeDays ?? 0,
    onError: (err) => log.error('audit log write failed', { err }),
  });
  log.info('audit: writing audit.k8s.io/v1 events', { path: options.logPath, rules: policy.rules.length });
  return new Auditor(policy, sink, (err) => log.error('audit event dropped', { err }));
}
