/**
 * The `--audit-webhook-*` flags, with kube-apiserver's names, defaults and validation messages
 * (k8s.io/apiserver/pkg/server/options/audit.go). They are checked only when
 * `--audit-webhook-config-file` is given, as upstream checks them.
 */
import { Option, type Command } from 'commander';
import type { AuditWebhookMode, AuditWebhookOptions } from '../audit/webhook/sink.js';
import { boolFlag, duration, float, integer } from './values.js';

/** The webhook settings the flags give (the server adds its User-Agent and error reporting). */
export type AuditWebhookFlags = Omit<AuditWebhookOptions, 'onError' | 'userAgent'>;

const MODES: readonly AuditWebhookMode[] = ['batch', 'blocking', 'blocking-strict'];
const VERSION = 'audit.k8s.io/v1';

/** Adds the webhook flags to `command`. */
export function addAuditWebhookFlags(command: Command): Command {
  return command
    .addOption(new Option('--audit-webhook-config-file <file>', 'kubeconfig whose server receives audit.k8s.io/v1 EventLists (POST), with its credentials; needs --audit-policy-file'))
    .addOption(new Option('--audit-webhook-mode <mode>', 'batch (queued, sent in batches), blocking (requests wait for their first event) or blocking-strict (and fail without it)').default('batch'))
    .addOption(new Option('--audit-webhook-initial-backoff <duration>', 'wait before the first retry of a failed POST (then 1.5x, five attempts in all)').default(10_000, '10s').argParser(duration))
    .addOption(new Option('--audit-webhook-batch-buffer-size <n>', 'events queued before new ones are dropped (batch mode)').default(10_000).argParser(integer))
    .addOption(new Option('--audit-webhook-batch-max-size <n>', 'events in one batch at most (batch mode)').default(400).argParser(integer))
    .addOption(new Option('--audit-webhook-batch-max-wait <duration>', 'longest an event waits for its batch to fill (batch mode)').default(30_000, '30s').argParser(duration))
    .addOption(new Option('--audit-webhook-batch-throttle-enable [bool]', 'limit the rate of batches (batch mode)').default(true).argParser(boolFlag))
    .addOption(new Option('--audit-webhook-batch-throttle-qps <qps>', 'batches per second at most, when throttled').default(10).argParser(float))
    .addOption(new Option('--audit-webhook-batch-throttle-burst <n>', 'batches sent at once before the throttle applies').default(15).argParser(integer))
    .addOption(new Option('--audit-webhook-truncate-enabled [bool]', 'drop request and response objects of events larger than the max event size').default(false).argParser(boolFlag))
    .addOption(new Option('--audit-webhook-truncate-max-batch-size <bytes>', 'largest batch, in bytes (at least the max event size)').default(10_485_760).argParser(integer))
    .addOption(new Option('--audit-webhook-truncate-max-event-size <bytes>', 'largest event, in bytes, before it is truncated, then dropped').default(102_400).argParser(integer))
    .addOption(new Option('--audit-webhook-version <group/version>', 'API version of the events sent').default(VERSION));
}

/** What is wrong with the webhook flag values, in kube-apiserver's words (empty: nothing). */
function problems(o: Record<string, unknown>): string[] {
  const out: string[] = [];
  const mode = String(o.auditWebhookMode);
  if (!(MODES as readonly string[]).includes(mode)) {
    out.push(`invalid audit webhook mode ${mode}, allowed modes are ${JSON.stringify(MODES.join(','))}`);
  } else if (mode === 'batch') {
    const positive = (value: unknown, what: string) => {
      if (typeof value !== 'number' || value <= 0) out.push(`invalid audit batch webhook ${what} ${String(value)}, must be a positive number`);
    };
    positive(o.auditWebhookBatchBufferSize, 'buffer size');
    positive(o.auditWebhookBatchMaxSize, 'max batch size');
    if (o.auditWebhookBatchThrottleEnable === true) {
      positive(o.auditWebhookBatchThrottleQps, 'throttle QPS');
      positive(o.auditWebhookBatchThrottleBurst, 'throttle burst');
    }
  }
  const maxEvent = o.auditWebhookTruncateMaxEventSize as number;
  const maxBatch = o.auditWebhookTruncateMaxBatchSize as number;
  if (maxEvent <= 0) out.push(`invalid audit truncate webhook max event size ${maxEvent}, must be a positive number`);
  else if (maxBatch < maxEvent) out.push(`invalid audit truncate webhook max batch size ${maxBatch}, must be greater than max event size (${maxEvent})`);
  const version = String(o.auditWebhookVersion);
  if (version.split('/').length > 2) out.push(`unexpected GroupVersion string: ${version}`);
  else if (version !== VERSION) out.push(`invalid group version, allowed versions are ["${VERSION}"]`);
  return out;
}

/**
 * The webhook settings of parsed flag values `o`, undefined without `--audit-webhook-config-file`.
 * @throws Error with every problem when a value is not allowed.
 */
export function auditWebhookOptions(o: Record<string, unknown>): AuditWebhookFlags | undefined {
  if (typeof o.auditWebhookConfigFile !== 'string' || o.auditWebhookConfigFile === '') return undefined;
  const wrong = problems(o);
  if (wrong.length > 0) throw new Error(`[${wrong.join(', ')}]`);
  return {
    configFile: o.auditWebhookConfigFile,
    mode: o.auditWebhookMode as AuditWebhookMode,
    initialBackoffMs: o.auditWebhookInitialBackoff as number,
    batch: {
      bufferSize: o.auditWebhookBatchBufferSize as number,
      maxBatchSize: o.auditWebhookBatchMaxSize as number,
      maxBatchWaitMs: o.auditWebhookBatchMaxWait as number,
      throttleEnable: o.auditWebhookBatchThrottleEnable as boolean,
      throttleQPS: o.auditWebhookBatchThrottleQps as number,
      throttleBurst: o.auditWebhookBatchThrottleBurst as number,
    },
    truncate: {
      enabled: o.auditWebhookTruncateEnabled as boolean,
      maxEventSize: o.auditWebhookTruncateMaxEventSize as number,
      maxBatchSize: o.auditWebhookTruncateMaxBatchSize as number,
    },
  };
}
