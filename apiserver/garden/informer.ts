/**
 * A client-node ListWatch on one core/v1 resource of the garden cluster with restart on errors (with
 * backoff) and a "synced" signal; reads wait for the first list.
 */
import { ListWatch, Watch, type KubeConfig, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';

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
  private delay: number;
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
    const listFn = async () => {
      const result = await list(selector);
      this.delay = this.backoff.initialMs;
      return result;
    };
    this.informer = new ListWatch<T>(`/api/v1/${resource}`, new Watch(kc), listFn, false, selector);
    this.delay = this.backoff.initialMs;
    this.informer.on('error', (err?: unknown) => this.restart(err));
  }

  private get backoff(): { initialMs: number; maxMs: number } {
    return this.opts.backoff ?? { initialMs: 100, maxMs: 30_000 };
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.informer.start();
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
    }, this.delay);
    this.delay = Math.min(this.delay * 2, this.backoff.maxMs);
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
