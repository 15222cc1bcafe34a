/**
 * Shoot cluster CA bundles from the garden cluster: informers (client-node `ListWatch`) on ConfigMaps
 * and Secrets of all namespaces, so a kubeconfig request reads a local cache, never the garden
 * kube-apiserver. The ConfigMap `<shoot>.ca-cluster` (key `ca.crt`) is used; only when it does not exist,
 * the legacy Secret of the same name.
 *
 * By default only objects labelled `gardener.cloud/role=ca-cluster` are cached: gardenlet puts that label
 * on both (and nothing else needs the cache), which keeps every other Secret of the garden out of this
 * process. Pass `labelSelector: ''` to cache everything.
 */
import { CoreV1Api, ListWatch, Watch, type KubeConfig, type KubernetesListObject, type V1ConfigMap, type V1Secret } from '@kubernetes/client-node';
import { clusterCASourceFrom, type ClusterCASource } from '../../registry/kubeconfig/cluster-ca.js';

/** Label gardenlet puts on the `<shoot>.ca-cluster` ConfigMap and legacy Secret. */
export const CA_CLUSTER_LABEL_SELECTOR = 'gardener.cloud/role=ca-cluster';

/** Options of {@link GardenClusterCASource}. */
export interface GardenClusterCAOptions {
  /** Label selector of the cached ConfigMaps (default {@link CA_CLUSTER_LABEL_SELECTOR}; `''` = all). */
  labelSelector?: string;
  /** Label selector of the cached Secrets (default: `labelSelector`). */
  secretLabelSelector?: string;
  /** Restart delays after a failed list or watch, doubling from `initialMs` to `maxMs` (100 ms, 30 s). */
  backoff?: { initialMs: number; maxMs: number };
  /** How long a request waits for the first sync before failing (default 30 s). */
  syncTimeoutMs?: number;
  /** Told about failed lists and watches (the informer restarts on its own). */
  onError?: (err: Error, resource: 'configmaps' | 'secrets') => void;
}

type Listable = V1ConfigMap | V1Secret;

/** One informer with restart-on-error and a "synced" signal. */
class Informer<T extends Listable> {
  private readonly informer: ListWatch<T>;
  private synced = false;
  private stopped = false;
  private delay: number;
  private timer: NodeJS.Timeout | undefined;
  private readonly waiters: (() => void)[] = [];

  constructor(
    kc: KubeConfig,
    readonly resource: 'configmaps' | 'secrets',
    list: (labelSelector: string | undefined) => Promise<KubernetesListObject<T>>,
    labelSelector: string,
    private readonly opts: GardenClusterCAOptions,
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

  /** The cached object's data, `undefined` when it does not exist; waits for the first sync. */
  async data(namespace: string, name: string): Promise<Record<string, string> | undefined> {
    if (!this.synced) await this.waitForSync();
    const obj = this.informer.get(name, namespace);
    return obj === undefined ? undefined : (obj.data ?? {});
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

/** Cluster CA bundles from informer caches of the garden cluster. */
export class GardenClusterCASource implements ClusterCASource {
  private readonly configMaps: Informer<V1ConfigMap>;
  private readonly secrets: Informer<V1Secret>;
  private readonly source: ClusterCASource;
  private started: Promise<void> | undefined;

  /** `kc`: the garden cluster (`--kubeconfig`, or `loadFromCluster()` in a pod). */
  constructor(kc: KubeConfig, opts: GardenClusterCAOptions = {}) {
    const api = kc.makeApiClient(CoreV1Api);
    const selector = opts.labelSelector ?? CA_CLUSTER_LABEL_SELECTOR;
    const secretSelector = opts.secretLabelSelector ?? selector;
    this.configMaps = new Informer(kc, 'configmaps', (labelSelector) => api.listConfigMapForAllNamespaces(labelSelector === undefined ? {} : { labelSelector }), selector, opts);
    this.secrets = new Informer(kc, 'secrets', (labelSelector) => api.listSecretForAllNamespaces(labelSelector === undefined ? {} : { labelSelector }), secretSelector, opts);
    this.source = clusterCASourceFrom({
      configMapData: (ns, name) => this.configMaps.data(ns, name),
      secretData: (ns, name) => this.secrets.data(ns, name),
    });
  }

  /** Starts both informers (idempotent); resolves once both have synced. */
  start(): Promise<void> {
    this.started ??= (async () => {
      void this.configMaps.start();
      void this.secrets.start();
      await this.ready();
    })();
    return this.started;
  }

  /** Resolves once both caches hold their first list. */
  async ready(): Promise<void> {
    await Promise.all([this.configMaps.ready(), this.secrets.ready()]);
  }

  async stop(): Promise<void> {
    await Promise.all([this.configMaps.stop(), this.secrets.stop()]);
  }

  /** The bundle of `namespace/<shoot>.ca-cluster` (starts the informers on first use). */
  get(namespace: string, shootName: string): Promise<string> {
    void this.start();
    return this.source.get(namespace, shootName);
  }
}
