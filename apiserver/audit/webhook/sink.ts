/**
 * The audit webhook backend (`--audit-webhook-config-file`): events are POSTed as an
 * `audit.k8s.io/v1` EventList to the server of a kubeconfig, as kube-apiserver's webhook backend
 * sends them.
 *
 * **Batch mode** (the default) queues events (at most `bufferSize`; beyond that they are dropped and
 * reported) and sends a batch when `maxBatchSize` events wait or the oldest has waited `maxBatchWaitMs`.
 * With throttling on, batches leave at most `throttleQPS` per second after a burst of `throttleBurst`;
 * several batches may be under way at once. **Blocking modes** send each event on its own, and the
 * request that caused a RequestReceived event waits for it (see {@link AuditSink.writeAndWait}).
 *
 * **Delivery** (see post.ts). A failed POST (any error: no connection, no answer within 30 s, an
 * answer other than 2xx) is tried again, five attempts in all, after `initialBackoffMs` growing 1.5x
 * with up to 20% jitter (kubeclient's withRetries); events of a batch that still fails are dropped and
 * reported. On close, queued events are sent at once and retries wait no more.
 *
 * **Truncation** (`--audit-webhook-truncate-enabled`): an event serialized larger than `maxEventSize`
 * bytes loses its request and response objects (annotated `audit.k8s.io/truncated: "true"`) when its
 * level recorded them; if it is still too large it is dropped and reported.
 */
import type { AuditEvent, AuditSink } from '../types.js';
import { levelAtLeast } from '../types.js';
import { withRetries } from '../../authn/kubeclient.js';
import { webhookPost, type WebhookPost } from './post.js';

/** Batching settings (`--audit-webhook-batch-*`). */
export interface AuditBatchConfig {
  bufferSize: number;
  maxBatchSize: number;
  maxBatchWaitMs: number;
  throttleEnable: boolean;
  throttleQPS: number;
  throttleBurst: number;
}

/** Truncation settings (`--audit-webhook-truncate-*`). */
export interface AuditTruncateConfig {
  enabled: boolean;
  /** Bytes of one serialized event. */
  maxEventSize: number;
  /** Bytes of one batch (validated as upstream does; batches are bounded by `maxBatchSize` events). */
  maxBatchSize: number;
}

/** How events are handed to the webhook. */
export type AuditWebhookMode = 'batch' | 'blocking' | 'blocking-strict';

/** The `--audit-webhook-*` settings. */
export interface AuditWebhookOptions {
  /** A kubeconfig: its current cluster's server is the URL, its user the credentials. */
  configFile: string;
  mode: AuditWebhookMode;
  initialBackoffMs: number;
  batch: AuditBatchConfig;
  truncate: AuditTruncateConfig;
  /** The User-Agent of the POSTs. */
  userAgent: string;
  /** Told about dropped events (never their content). */
  onError: (err: unknown) => void;
}

/** The EventList framing around serialized events, as Go encodes audit.k8s.io/v1 EventList. */
const LIST_HEAD = '{"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":[';
const LIST_TAIL = ']}';
const ATTEMPTS = 5;
const TRUNCATED_ANNOTATION = 'audit.k8s.io/truncated';

/** A token bucket: `burst` tokens at first, `qps` more per second. */
class TokenBucket {
  private tokens: number;
  private last = performance.now();

  constructor(
    private readonly qps: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  /** Takes a token and returns 0, or returns the milliseconds until one is there. */
  take(): number {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) / this.qps) * 1000);
  }
}

/**
 * The serialized event as the webhook receives it, truncated as configured; undefined (and reported)
 * when it is too large even so.
 */
function serialize(event: AuditEvent, truncate: AuditTruncateConfig, onError: (err: unknown) => void): string | undefined {
  let text = JSON.stringify(event);
  if (!truncate.enabled || Buffer.byteLength(text) <= truncate.maxEventSize) return text;
  if (levelAtLeast(event.level, 'Request')) {
    const { requestObject: _req, responseObject: _res, ...rest } = event;
    text = JSON.stringify({ ...rest, annotations: { ...event.annotations, [TRUNCATED_ANNOTATION]: 'true' } });
  }
  if (Buffer.byteLength(text) <= truncate.maxEventSize) return text;
  onError(new Error(`audit webhook: dropped 1 event (audit ID ${event.auditID}): event is too large even after truncating`));
  return undefined;
}

/** The webhook backend; see the module comment. */
export class AuditWebhookSink implements AuditSink {
  private queue: string[] = [];
  private waitTimer: NodeJS.Timeout | undefined;
  private throttleTimer: NodeJS.Timeout | undefined;
  private readonly throttle: TokenBucket | undefined;
  private readonly inFlight = new Set<Promise<boolean>>();
  /** Queued events are sent without waiting for a batch to fill (close, flush). */
  private sendAll = false;
  private closed = false;
  private readonly closing = new AbortController();
  private dropped = 0;

  readonly writeAndWait?: (event: AuditEvent) => Promise<boolean>;
  readonly strict: boolean;

  constructor(
    private readonly options: Omit<AuditWebhookOptions, 'configFile' | 'userAgent'>,
    private readonly post: WebhookPost,
  ) {
    const b = options.batch;
    if (options.mode === 'batch' && b.throttleEnable) this.throttle = new TokenBucket(b.throttleQPS, b.throttleBurst);
    if (options.mode !== 'batch') this.writeAndWait = (event) => this.sendNow(event);
    this.strict = options.mode === 'blocking-strict';
  }

  write(event: AuditEvent): void {
    if (this.options.mode !== 'batch') {
      void this.sendNow(event);
      return;
    }
    if (this.closed) return;
    const text = serialize(event, this.options.truncate, this.options.onError);
    if (text === undefined) return;
    if (this.queue.length >= this.options.batch.bufferSize) {
      this.reportDropped();
      return;
    }
    this.queue.push(text);
    if (this.queue.length >= this.options.batch.maxBatchSize) this.pump();
    else this.waitTimer ??= setTimeout(() => this.onBatchWait(), this.options.batch.maxBatchWaitMs).unref();
  }

  /** Sends one event on its own and resolves with whether it was delivered (blocking modes). */
  private sendNow(event: AuditEvent): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    const text = serialize(event, this.options.truncate, this.options.onError);
    if (text === undefined) return Promise.resolve(false);
    return this.track(this.deliver([text]));
  }

  /** Sends every queued event now and resolves once nothing is queued or under way (failures reported). */
  async flush(): Promise<void> {
    this.sendAll = true;
    this.pump();
    while (this.queue.length > 0 || this.inFlight.size > 0) {
      // Batches under way, or else a throttle to wait out (a timer, not the closing signal: the
      // loop must give I/O its turn).
      if (this.inFlight.size > 0) await Promise.race(this.inFlight);
      else await new Promise((resolve) => setTimeout(resolve, 10));
      this.pump();
    }
    this.sendAll = this.closed;
  }

  /**
   * Refuses further events, sends the queued ones at once (retries no longer wait out their backoff)
   * and lets go of the connections.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closing.abort();
    await this.flush();
    clearTimeout(this.waitTimer);
    clearTimeout(this.throttleTimer);
    this.post.close?.();
  }

  private onBatchWait(): void {
    this.waitTimer = undefined;
    this.pump(true);
  }

  /** Sends the batches that are due; `waited`: the oldest event has waited long enough. */
  private pump(waited = false): void {
    let due = waited || this.sendAll;
    while (this.queue.length >= this.options.batch.maxBatchSize || (due && this.queue.length > 0)) {
      const wait = this.closed ? 0 : (this.throttle?.take() ?? 0);
      if (wait > 0) {
        this.throttleTimer ??= setTimeout(() => {
          this.throttleTimer = undefined;
          this.pump(due);
        }, wait).unref();
        return;
      }
      const batch = this.queue.splice(0, this.options.batch.maxBatchSize);
      this.track(this.deliver(batch));
      due = due && this.queue.length > 0;
    }
    clearTimeout(this.waitTimer);
    this.waitTimer = this.queue.length > 0 ? setTimeout(() => this.onBatchWait(), this.options.batch.maxBatchWaitMs).unref() : undefined;
  }

  /** Keeps a delivery among those under way until it settles (what flush and close wait for). */
  private track(p: Promise<boolean>): Promise<boolean> {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
    return p;
  }

  /** POSTs `items`, retrying; resolves with whether they were delivered (failures are reported). */
  private async deliver(items: string[]): Promise<boolean> {
    const body = `${LIST_HEAD}${items.join(',')}${LIST_TAIL}`;
    const backoff = { steps: ATTEMPTS, initialMs: this.options.initialBackoffMs, factor: 1.5, jitter: 0.2 };
    try {
      // Any failure is tried again, as upstream's audit webhook does (not only transient ones).
      await withRetries(() => this.post(body), backoff, { retryIf: () => true, signal: this.closing.signal });
      return true;
    } catch (e: unknown) {
      const why = e instanceof Error ? e.message : String(e);
      this.options.onError(new Error(`audit webhook: dropped ${items.length} events after ${ATTEMPTS} attempts: ${why}`));
      return false;
    }
  }

  /** Counts an event the full buffer refused; reported once per turn of the event loop. */
  private reportDropped(): void {
    if (this.dropped++ > 0) return;
    setImmediate(() => {
      this.options.onError(new Error(`audit webhook: dropped ${this.dropped} events: audit buffer queue blocked`));
      this.dropped = 0;
    });
  }
}

/** Opens the webhook backend; throws when the kubeconfig cannot be read. */
export function openAuditWebhook(options: AuditWebhookOptions): AuditWebhookSink {
  return new AuditWebhookSink(options, webhookPost(options.configFile, options.userAgent));
}
