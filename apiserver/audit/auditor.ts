/**
 * The auditor: the policy that decides what is recorded plus the sinks it is written to (the log, the
 * webhook), built from the `--audit-*` flags. As in Kubernetes, auditing is on only with
 * `--audit-policy-file` and a backend (`--audit-log-path`, `--audit-webhook-config-file`); with a
 * backend but no policy nothing is recorded (and that is logged once).
 */
import type { Logger } from '../log.js';
import { loadAuditPolicy, type AuditAttributes, type AuditPolicy, type RequestAuditConfig } from './policy.js';
import type { AuditEvent, AuditSink } from './types.js';
import { openAuditWebhook, type AuditWebhookOptions } from './webhook/sink.js';
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
  /** `--audit-webhook-*`, when `--audit-webhook-config-file` is set. */
  webhook?: Omit<AuditWebhookOptions, 'onError'> | undefined;
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

  /** Whether requests wait for their RequestReceived event to be stored (a blocking backend). */
  get waits(): boolean {
    return this.sink.writeAndWait !== undefined;
  }

  /**
   * Builds and stores one event, waiting for blocking backends; resolves false only when a
   * blocking-strict backend could not store it (the request then fails).
   */
  async emitAndWait(build: () => AuditEvent): Promise<boolean> {
    if (this.sink.writeAndWait === undefined) {
      this.emit(build);
      return true;
    }
    let event: AuditEvent;
    try {
      event = build();
    } catch (e: unknown) {
      this.onError(e);
      return true;
    }
    let stored: boolean;
    try {
      stored = await this.sink.writeAndWait(event);
    } catch (e: unknown) {
      // Say, an event JSON cannot encode: not stored.
      this.onError(e);
      stored = false;
    }
    return stored || this.sink.strict !== true;
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

/** One sink writing every event to all of `sinks`; it blocks when one of them does. */
export function teeSinks(sinks: readonly AuditSink[]): AuditSink {
  if (sinks.length === 1 && sinks[0] !== undefined) return sinks[0];
  const blocking = sinks.filter((s) => s.writeAndWait !== undefined);
  const tee: AuditSink = {
    write: (event) => sinks.forEach((s) => s.write(event)),
    flush: async () => {
      await Promise.all(sinks.map((s) => s.flush()));
    },
    close: async () => {
      await Promise.all(sinks.map((s) => s.close()));
    },
  };
  if (blocking.length === 0) return tee;
  return {
    ...tee,
    strict: blocking.some((s) => s.strict === true),
    writeAndWait: async (event) => {
      for (const s of sinks) if (s.writeAndWait === undefined) s.write(event);
      const stored = await Promise.all(blocking.map(async (s) => (await s.writeAndWait?.(event)) === true || s.strict !== true));
      return stored.every(Boolean);
    },
  };
}

/**
 * The auditor for the flags, or undefined when auditing is off (no `--audit-policy-file`, or neither
 * `--audit-log-path` nor `--audit-webhook-config-file`). Throws, for start-up to fail, when the policy
 * is invalid, the log file cannot be opened or the webhook kubeconfig cannot be read. Write errors
 * later are logged (and retried), never fatal.
 */
export function createAuditor(options: AuditOptions, log: Logger): Auditor | undefined {
  const logged = options.logPath !== undefined && options.logPath !== '';
  if (!logged && options.webhook === undefined) return undefined;
  if (options.policyFile === undefined || options.policyFile === '') {
    log.info('audit: no --audit-policy-file; no audit events are recorded');
    return undefined;
  }
  const policy = loadAuditPolicy(options.policyFile);
  const sinks: AuditSink[] = [];
  if (options.webhook !== undefined) {
    sinks.push(openAuditWebhook({ ...options.webhook, onError: (err) => log.error('audit webhook', { err }) }));
    log.info('audit: sending audit.k8s.io/v1 events to a webhook', { config: options.webhook.configFile, mode: options.webhook.mode });
  }
  if (logged && options.logPath !== undefined) {
    sinks.push(
      openAuditLog({
        path: options.logPath,
        maxSizeMB: options.maxSizeMB ?? 0,
        maxBackups: options.maxBackups ?? 0,
        maxAgeDays: options.maxAgeDays ?? 0,
        onError: (err) => log.error('audit log write failed', { err }),
      }),
    );
    log.info('audit: writing audit.k8s.io/v1 events', { path: options.logPath, rules: policy.rules.length });
  }
  return new Auditor(policy, teeSinks(sinks), (err) => log.error('audit event dropped', { err }));
}
