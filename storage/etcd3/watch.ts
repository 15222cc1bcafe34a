/**
 * One etcd watch per backend watch: a gRPC watch stream with a single watcher on a key prefix, asking
 * for previous values and progress notifications. When the stream breaks (member restarted, leader
 * lost, network) the watcher is re-created on the same or another member starting right after the
 * last revision it delivered, so consumers see every change exactly once and in order; a compacted
 * start revision ends the watch with an ExpiredError.
 */
import type { IDuplexStream, IEvent, IKeyValue, IWatchRequest, IWatchResponse } from 'etcd3';
import { ExpiredError, StorageError, TimeoutError, UnreachableError } from '../errors.js';
import type { KeyValue, KVEvent, KVWatch, KVWatchHandlers } from '../interface.js';
import { mapEtcdError, type EtcdConnection } from './connection.js';

type WatchStream = IDuplexStream<IWatchRequest, IWatchResponse>;

/** Tuning of {@link EtcdWatch}. */
export interface EtcdWatchOptions {
  /** Give up (onError UnreachableError) after failing to re-establish the watch this long; 0 = never. */
  reconnectTimeoutMs: number;
}

const MIN_BACKOFF_MS = 50;
const MAX_BACKOFF_MS = 1000;
/** The watch id of etcd's answers to progress requests (clientv3.InvalidWatchID). */
const PROGRESS_WATCH_ID = '-1';

/** Converts an etcd key-value to the backend's {@link KeyValue}. */
export function toKeyValue(kv: IKeyValue): KeyValue {
  return {
    key: kv.key.toString('utf8'),
    value: kv.value,
    createRevision: Number(kv.create_revision),
    modRevision: Number(kv.mod_revision),
  };
}

/** The end of the etcd range that holds every key starting with `prefix` (etcd's prefix rule). */
export function prefixRangeEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    const byte = end[i] ?? 0xff;
    if (byte < 0xff) {
      end[i] = byte + 1;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}

/** The message of a watch whose start revision was compacted (the watch cache's wording). */
export function tooOldMessage(afterRevision: number, compactRevision: number): string {
  return `too old resource version: ${afterRevision} (${compactRevision})`;
}

/** A running etcd watch; see the module comment. Create with `new`, then {@link EtcdWatch.start}. */
export class EtcdWatch implements KVWatch {
  /** Every change up to this revision has been delivered. */
  private delivered: number;
  private stream: WatchStream | undefined;
  /** The member the stream is on (index in the endpoint list). */
  private member = -1;
  private watchId: string | undefined;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  /** A progress request waits for the watcher to be (re-)created. */
  private progressWanted = false;
  /** A progress request was sent on the stream and not answered yet (a new stream asks again). */
  private progressUnanswered = false;
  /** Since when the watch has had no established watcher (undefined while it has one). */
  private downSince: number | undefined = Date.now();

  constructor(
    private readonly conn: EtcdConnection,
    private readonly prefix: string,
    afterRevision: number,
    private readonly handlers: KVWatchHandlers,
    private readonly opts: EtcdWatchOptions,
  ) {
    this.delivered = Math.max(0, afterRevision);
  }

  /** Opens the stream (asynchronously). */
  start(): void {
    // The connection ends the stream (CANCELLED) when it sets the member aside (a stream on a member
    // that stopped answering would stay silent until gRPC's keepalive gives up, 40 s) and when a
    // renewed client certificate replaces the channels; the watch re-opens it like any broken one.
    void this.connect();
  }

  cancel(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.closeStream();
  }

  /**
   * Asks etcd for the store's current revision on this stream (answered through `onProgress`); sent once
   * the watcher exists when it does not yet. Only for members that answer it correctly (see progress.ts).
   */
  requestProgress(): void {
    if (this.stopped) return;
    if (this.stream === undefined || this.watchId === undefined) {
      this.progressWanted = true;
      return;
    }
    this.progressWanted = false;
    this.progressUnanswered = true;
    this.stream.write({ progress_request: {} });
  }

  /** Ends the watch with `err` (used by the backend's close). */
  abort(err: Error): void {
    if (this.stopped) return;
    this.fail(err);
  }

  private async connect(): Promise<void> {
    this.timer = undefined;
    if (this.stopped) return;
    let stream: WatchStream;
    let member: number;
    try {
      ({ stream, member } = await this.conn.openWatchStream());
    } catch (e: unknown) {
      this.broken(undefined, e);
      return;
    }
    if (this.stopped) {
      stream.cancel();
      return;
    }
    this.stream = stream;
    this.member = member;
    this.watchId = undefined;
    stream.on('data', (resp: IWatchResponse) => this.onResponse(stream, resp));
    stream.on('error', (err: Error) => this.broken(stream, err));
    stream.on('end', () => this.broken(stream, new UnreachableError('etcd closed the watch stream', this.prefix)));
    // etcd needs a non-empty key: for the empty prefix, key "\0" with range end "\0" means every key.
    const key = this.prefix === '' ? Buffer.from([0]) : Buffer.from(this.prefix, 'utf8');
    stream.write({
      create_request: {
        key,
        range_end: this.prefix === '' ? Buffer.from([0]) : prefixRangeEnd(key),
        // etcd reports compaction for a start revision at or below the compacted revision C, that is
        // exactly when `delivered` is below C (the contract of KVBackend.watch).
        start_revision: this.delivered + 1,
        prev_kv: true,
        progress_notify: true,
      },
    });
  }

  private onResponse(stream: WatchStream, resp: IWatchResponse): void {
    if (stream !== this.stream || this.stopped) return;
    const compactRevision = Number(resp.compact_revision);
    if (compactRevision > 0) {
      this.fail(new ExpiredError(tooOldMessage(this.delivered, compactRevision), this.prefix));
      return;
    }
    if (resp.canceled) {
      const reason = resp.cancel_reason === '' ? 'watch canceled by etcd' : resp.cancel_reason;
      this.fail(mapEtcdError(new Error(reason), this.prefix));
      return;
    }
    if (resp.created) {
      this.watchId = resp.watch_id;
      this.failures = 0;
      this.downSince = undefined;
      if (this.progressWanted) this.requestProgress();
    }
    if (resp.events.length > 0) {
      this.deliver(resp.events);
    } else if (!resp.created && (resp.watch_id === this.watchId || String(resp.watch_id) === PROGRESS_WATCH_ID)) {
      this.progress(Number(resp.header.revision));
    }
  }

  private deliver(raw: IEvent[]): void {
    const events: KVEvent[] = [];
    for (const ev of raw) {
      const converted = toEvent(ev);
      if (converted === undefined) {
        const revision = Number(ev.kv.mod_revision);
        this.fail(new ExpiredError(tooOldMessage(this.delivered, revision), this.prefix));
        return;
      }
      if (converted.revision > this.delivered) events.push(converted);
    }
    const last = events[events.length - 1];
    if (last === undefined) return;
    this.delivered = last.revision;
    this.invoke(() => this.handlers.onEvents(events));
  }

  private progress(revision: number): void {
    this.progressUnanswered = false;
    if (!(revision >= this.delivered)) return;
    this.delivered = revision;
    const onProgress = this.handlers.onProgress;
    if (onProgress !== undefined) this.invoke(() => onProgress.call(this.handlers, revision));
  }

  /** Runs a consumer callback; a throwing consumer ends its own watch. */
  private invoke(fn: () => void): void {
    try {
      fn();
    } catch (e: unknown) {
      this.fail(e instanceof Error ? e : new Error(String(e)));
    }
  }

  /** The stream (or opening it) failed: retry from the last delivered revision, or give up. */
  private broken(stream: WatchStream | undefined, err: unknown): void {
    if (this.stopped || stream !== this.stream) return;
    this.closeStream();
    if (stream !== undefined) this.conn.reportStreamFailure(this.member, err);
    const mapped = mapEtcdError(err, this.prefix);
    if (!(mapped instanceof UnreachableError || mapped instanceof TimeoutError)) {
      this.fail(mapped);
      return;
    }
    this.downSince ??= Date.now();
    const limit = this.opts.reconnectTimeoutMs;
    if (limit > 0 && Date.now() - this.downSince >= limit) {
      this.fail(new UnreachableError(`etcd watch could not be re-established for ${limit} ms: ${mapped.message}`, this.prefix));
      return;
    }
    const backoff = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** this.failures);
    this.failures++;
    this.timer = setTimeout(() => void this.connect(), backoff * (0.75 + Math.random() / 2));
  }

  private fail(err: Error): void {
    if (this.stopped) return;
    this.stopped = true;
    this.closeStream();
    try {
      this.handlers.onError(err instanceof StorageError ? err : new StorageError(err.message, this.prefix));
    } catch {
      // The consumer's error handler failed; the watch is over either way.
    }
  }

  private closeStream(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const stream = this.stream;
    this.stream = undefined;
    this.watchId = undefined;
    // The answer to a request sent on this stream will not come: ask again on the next one.
    if (this.progressUnanswered) this.progressWanted = true;
    this.progressUnanswered = false;
    if (stream !== undefined) {
      try {
        stream.cancel();
      } catch {
        // Already closed.
      }
    }
  }
}

/**
 * Converts an etcd event. Returns undefined when the previous value, which etcd reads from history,
 * is missing for a delete or an update: that history has been compacted.
 */
function toEvent(ev: IEvent): KVEvent | undefined {
  const kv = toKeyValue(ev.kv);
  const revision = kv.modRevision;
  const prevKv = ev.prev_kv === null || ev.prev_kv === undefined ? undefined : toKeyValue(ev.prev_kv);
  const type = String(ev.type).toLowerCase() === 'delete' ? 'delete' : 'put';
  const isCreate = type === 'put' && kv.createRevision === kv.modRevision;
  if (prevKv === undefined) {
    if (!isCreate) return undefined;
    return { type, kv, revision };
  }
  return { type, kv, prevKv, revision };
}
