/**
 * Watch semantics of the object store: initial ADDED events for ""/"0" (or sendInitialEvents), then
 * backend changes turned into ADDED/MODIFIED/DELETED through the selection predicate as Kubernetes
 * does, periodic BOOKMARKs, and a final ERROR event carrying a Status when the source fails.
 */
import { expired, internalError, tooLargeResourceVersion } from '../../apimachinery/errors.js';
import type { KubeObject, Status } from '../../apimachinery/types.js';
import { ExpiredError, InvalidRequestError, TooLargeResourceVersionError } from '../errors.js';
import type { KVEvent, KVWatch, Watch, WatchEvent, WatchOptions } from '../interface.js';
import { parseVersion } from '../resource-version.js';
import { errorMessage, type StoreCore } from './core.js';
import { listObjects } from './list.js';
import { EventQueue } from '../watch-queue.js';

/** Annotation of the BOOKMARK that ends the initial events of a `sendInitialEvents` watch. */
export const INITIAL_EVENTS_END_ANNOTATION = 'k8s.io/initial-events-end';

/**
 * Starts a watch of `prefix`. Validation errors (bad resourceVersion, prefix) throw synchronously;
 * everything later is reported as a final ERROR event.
 */
export function startWatch(core: StoreCore, prefix: string, opts: WatchOptions): Watch {
  core.checkPrefix(prefix);
  if (opts.singleKey !== undefined && !opts.singleKey.startsWith(prefix)) {
    throw new InvalidRequestError(`key ${JSON.stringify(opts.singleKey)} is not under ${JSON.stringify(prefix)}`, prefix);
  }
  // As kube-apiserver's store, the versioner's error for a bad resourceVersion goes out untranslated.
  const rv = parseVersion(opts.resourceVersion, prefix);
  const watch = new StoreWatch(core, prefix, opts, rv);
  void watch.run();
  return watch;
}

class StoreWatch implements Watch {
  private readonly queue = new EventQueue(() => this.shutdown());
  private kvWatch: KVWatch | undefined;
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private lastRevision = 0;
  private bookmarkWanted = false;

  constructor(
    private readonly core: StoreCore,
    private readonly prefix: string,
    private readonly opts: WatchOptions,
    private readonly rv: number,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    return this.queue[Symbol.asyncIterator]();
  }

  stop(): void {
    this.queue.close();
  }

  requestBookmark(): void {
    if (this.opts.allowBookmarks === true && this.kvWatch !== undefined) this.serial(async () => this.bookmarkTick());
  }

  /** Sends the initial state if asked to, then follows the backend. */
  async run(): Promise<void> {
    try {
      const after = await this.initialEvents();
      if (this.queue.finished) return;
      this.lastRevision = after;
      this.kvWatch = this.core.backend.watch(this.opts.singleKey ?? this.prefix, after, {
        onEvents: (events) => this.serial(() => this.onEvents(events)),
        onError: (err) => this.serial(() => this.fail(err)),
        onProgress: (revision) => this.serial(async () => this.onProgress(revision)),
      });
      if (this.opts.allowBookmarks === true) {
        this.timer = setInterval(() => this.serial(async () => this.bookmarkTick()), this.core.bookmarkIntervalMs);
        this.timer.unref();
      }
    } catch (e: unknown) {
      await this.fail(e);
    }
  }

  /** Emits ADDED events for the current state when requested; returns the revision to watch after. */
  private async initialEvents(): Promise<number> {
    const send = this.opts.sendInitialEvents ?? this.rv === 0;
    if (!send) return this.rv > 0 ? this.rv : this.core.backend.currentRevision();
    const list = await listObjects(this.core, this.prefix, {
      ...(this.rv > 0 && { resourceVersion: String(this.rv), resourceVersionMatch: 'NotOlderThan' as const }),
      ...(this.opts.predicate !== undefined && { predicate: this.opts.predicate }),
      ...(this.opts.singleKey !== undefined && { singleKey: this.opts.singleKey }),
    });
    for (const obj of list.items) this.queue.push({ type: 'ADDED', object: this.core.typed(obj) });
    const revision = Number(list.resourceVersion);
    if (this.opts.sendInitialEvents === true && this.opts.allowBookmarks === true) this.pushBookmark(revision, { [INITIAL_EVENTS_END_ANNOTATION]: 'true' });
    return revision;
  }

  /** Runs `step` after every earlier step, so events keep their order across async decoding. */
  private serial(step: () => Promise<void>): void {
    this.chain = this.chain.then(step).catch((e: unknown) => this.fail(e));
  }

  private async onEvents(events: KVEvent[]): Promise<void> {
    for (const event of events) {
      if (this.queue.finished) return;
      this.lastRevision = Math.max(this.lastRevision, event.revision);
      if (this.opts.singleKey !== undefined && event.kv.key !== this.opts.singleKey) continue;
      const out = await this.transform(event);
      if (out !== undefined) this.push(out);
    }
  }

  /** Kubernetes' watch filtering: compares whether the old and the new object pass the predicate. */
  private async transform(event: KVEvent): Promise<WatchEvent | undefined> {
    const prev = event.prevKv;
    if (event.type === 'delete') {
      if (prev === undefined) return undefined;
      const old = (await this.core.decode(prev, event.revision)).obj;
      return this.matches(old) ? this.event('DELETED', old) : undefined;
    }
    const cur = (await this.core.decode(event.kv)).obj;
    if (prev === undefined) return this.matches(cur) ? this.event('ADDED', cur) : undefined;
    const predicate = this.opts.predicate;
    if (predicate === undefined || predicate.empty) return this.event('MODIFIED', cur);
    const old = (await this.core.decode(prev, event.revision)).obj;
    const curPasses = predicate.matches(cur);
    const oldPasses = predicate.matches(old);
    if (curPasses) return this.event(oldPasses ? 'MODIFIED' : 'ADDED', cur);
    // No longer selected: DELETED with the previous content at the event's revision, as the cacher does.
    return oldPasses ? this.event('DELETED', old) : undefined;
  }

  private matches(obj: KubeObject): boolean {
    const predicate = this.opts.predicate;
    return predicate === undefined || predicate.empty || predicate.matches(obj);
  }

  private event(type: WatchEvent['type'], obj: KubeObject): WatchEvent {
    return { type, object: this.core.typed(obj) };
  }

  private bookmarkTick(): void {
    if (this.kvWatch?.requestProgress !== undefined) {
      this.bookmarkWanted = true;
      this.kvWatch.requestProgress();
    } else {
      this.pushBookmark(this.lastRevision);
    }
  }

  private onProgress(revision: number): void {
    this.lastRevision = Math.max(this.lastRevision, revision);
    if (!this.bookmarkWanted) return;
    this.bookmarkWanted = false;
    this.pushBookmark(this.lastRevision);
  }

  private pushBookmark(revision: number, annotations?: Record<string, string>): void {
    const template = this.core.objectTemplate;
    const object: KubeObject = {
      ...(template !== undefined && { apiVersion: template.apiVersion, kind: template.kind }),
      metadata: { resourceVersion: String(revision), ...(annotations !== undefined && { annotations }) },
    };
    this.push({ type: 'BOOKMARK', object });
  }

  private push(event: WatchEvent): void {
    this.queue.push(event);
    // A consumer this far behind is closed, as Kubernetes closes unresponsive watchers; it re-watches.
    if (this.queue.size > this.core.maxWatchBacklog) this.finish();
  }

  /** Ends the watch with an ERROR event describing `err`. */
  private async fail(err: unknown): Promise<void> {
    if (this.queue.finished) return;
    const status = await this.statusFor(err);
    this.queue.push({ type: 'ERROR', object: { ...status, metadata: {} } });
    this.finish();
  }

  private async statusFor(err: unknown): Promise<Status> {
    if (err instanceof ExpiredError) {
      const compacted = await this.core.backend.compactedRevision().catch(() => 0);
      return expired(`too old resource version: ${this.rv > 0 ? this.rv : this.lastRevision} (${compacted})`).status;
    }
    if (err instanceof TooLargeResourceVersionError) {
      return tooLargeResourceVersion(err.message, err.retryAfterSeconds).status;
    }
    return internalError(errorMessage(err)).status;
  }

  /** The source is done: queued events are still delivered, then the iteration ends. */
  private finish(): void {
    this.queue.end();
    this.shutdown();
  }

  private shutdown(): void {
    this.kvWatch?.cancel();
    this.kvWatch = undefined;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
