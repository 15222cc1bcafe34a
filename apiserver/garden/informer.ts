/**
 * A client-node ListWatch on one core/v1 resource of the garden cluster with restart on errors (with
 * backoff) and a "synced" signal; reads wait for the first list.
 *
 * client-node's ListWatch watches again at once when a watch ends, lists again at once after a 410,
 * and ignores ERROR events: against a garden kube-apiserver that ends every watch right away it ran
 * thousands of requests a minute. Watches here go through {@link PacedWatch}, which paces them as
 * client-go's reflector does: a watch that ends within a second without events, ends after an ERROR
 * event or is refused is followed by the next only after a growing delay (800 ms to 30 s, reset by a
 * healthy watch); each asks the server to end it after 5 to 10 minutes and is dropped when it stays
 * silent much longer (a garden cluster that stopped answering); lists are given a minute.
 */
import { Watch, ListWatch, type KubeConfig, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';

/** A watch that ends this soon without events is a failure ("very short watch", as client-go says). */
const SHORT_WATCH_MS = 1_000;
/** A watch that delivered events or lived this long resets the backoff. */
const HEALTHY_WATCH_MS = 60_000;
/** Server-side watch timeout, in seconds: 5 to 10 minutes, as client-go's reflector picks it. */
const watchTimeoutSeconds = (): number => 300 + Math.floor(Math.random() * 300);
/** How long a list of the garden cluster may take. */
export const LIST_TIMEOUT_MS = 60_000;
/** Silence beyond the watch's own timeout after which it is taken for dead. */
const STALL_GRACE_MS = 60_000;

type Done = (err: unknown) => void;
type Handler = (phase: string, obj: unknown, watchObj?: unknown) => void;

/** The backoff shared by the watches and restarts of one informer. */
class Pacing {
  private delay: number;

  constructor(private readonly backoff: { initialMs: number; maxMs: number }) {
    this.delay = backoff.initialMs;
  }

  /** The delay before the next attempt (growing each time). */
  next(): number {
    const d = this.delay;
    this.delay = Math.min(this.delay * 2, this.backoff.maxMs);
    return d;
  }

  reset(): void {
    this.delay = this.backoff.initialMs;
  }
}

/** Whether a watch failed with 410 Gone (its resourceVersion was compacted). */
function isGone(err: unknown): boolean {
  const status = err as { statusCode?: unknown; code?: unknown };
  return status.statusCode === 410 || status.code === 410;
}

/** client-node's Watch, paced and bounded as the module comment says. */
class PacedWatch extends Watch {
  constructor(
    kc: KubeConfig,
    private readonly pacing: Pacing,
    private readonly alive: () => boolean,
  ) {
    super(kc);
  }

  override async watch(path: string, queryParams: Record<string, unknown>, callback: Handler, done: Done): Promise<AbortController> {
    const started = Date.now();
    const timeoutSeconds = watchTimeoutSeconds();
    let events = 0;
    let failed = false;
    let finished = false;
    let controller: AbortController | undefined;
    const stall = setTimeout(() => {
      finished = true;
      controller?.abort();
      done(new Error(`the ${path} watch stayed silent beyond its timeout`));
    }, timeoutSeconds * 1000 + STALL_GRACE_MS);
    stall.unref();
    const onEvent: Handler = (phase, obj, watchObj) => {
      stall.refresh();
      if (phase === 'ERROR') failed = true;
      else events++;
      callback(phase, obj, watchObj);
    };
    const onDone: Done = (err) => {
      clearTimeout(stall);
      if (finished) return;
      finished = true;
      const lived = Date.now() - started;
      const hasError = err !== null && err !== undefined;
      // Errors but 410 make the ListWatch report them (the informer restarts it with the backoff).
      if (hasError && !isGone(err)) return done(err);
      // A 410 (listed again at once by the ListWatch), or a clean end that failed, waits here.
      if (hasError || failed || (events === 0 && lived < SHORT_WATCH_MS)) {
        setTimeout(() => this.alive() && done(err), this.pacing.next()).unref();
        return;
      }
      if (events > 0 || lived >= HEALTHY_WATCH_MS) this.pacing.reset();
      done(err);
    };
    controller = await super.watch(path, { ...queryParams, timeoutSeconds }, onEvent, onDone);
    return controller;
  }
}

/** Options of an {@link Informer}. */
export interface InformerOptions {
  backoff?: { initialMs: number; maxMs: number };
  syncTimeoutMs?: number;
  onError?(err: Error, resource: string): void;
}

/** One informer with restart-on-error and a "synced" signal. */
export class Informer<T extends KubernetesObject> {
  private readonly informer: ListWatch<T>;
  private synced = false;
  private stopped = false;
  private readonly pacing: Pacing;
  private timer: NodeJS.Timeout | undefined;
  private readonly waiters: (() => void)[] = [];

  constructor(
    kc: KubeConfig,
    /** Plural of a core/v1 resource (`configmaps`, `secrets`, `namespaces`). */
    readonly resource: string,
    list: (labelSelector: string | undefined) => Promise<KubernetesListObject<T>>,
    labelSelector: string,
    private readonly opts: InformerOptions,
  ) {
    const selector = labelSelector === '' ? undefined : labelSelector;
    this.pacing = new Pacing(opts.backoff ?? { initialMs: 800, maxMs: 30_000 });
    const watch = new PacedWatch(kc, this.pacing, () => !this.stopped);
    this.informer = new ListWatch<T>(`/api/v1/${resource}`, watch, () => list(selector), false, selector);
    this.informer.on('error', (err?: unknown) => this.restart(err));
  }

  /** Lists and watches; never rejects (a failure restarts it after the backoff). */
  async start(): Promise<void> {
    this.stopped = false;
    try {
      await this.informer.start();
    } catch (e: unknown) {
      // Say, a credential file that cannot be read right now.
      this.restart(e);
      return;
    }
    if (this.stopped || this.timer !== undefined) return;
    // start() resolves after the list was applied and the watch started; a failed list schedules a restart.
    this.synced = true;
    this.waiters.splice(0).forEach((f) => f());
  }

  /** True once the first list was applied. */
  get hasSynced(): boolean {
    return this.synced;
  }

  ready(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.informer.stop();
  }

  private restart(err: unknown): void {
    if (this.stopped) return;
    this.opts.onError?.(err instanceof Error ? err : new Error(String(err)), this.resource);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.start();
    }, this.pacing.next());
  }

  /** The cached object, `undefined` when it does not exist; waits for the first sync. */
  async get(namespace: string | undefined, name: string): Promise<T | undefined> {
    if (!this.synced) await this.waitForSync();
    return this.informer.get(name, namespace);
  }

  private async waitForSync(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const ms = this.opts.syncTimeoutMs ?? 30_000;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the ${this.resource} cache has not synced yet`)), ms);
    });
    try {
      await Promise.race([this.ready(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
