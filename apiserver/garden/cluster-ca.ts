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
import { CoreV1Api, type KubeConfig, type V1ConfigMap, type V1Secret } from '@kubernetes/client-node';
import { makeGardenApi } from '../authn/kubeclient.js';
import { Informer, LIST_TIMEOUT_MS } from './informer.js';
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
  onError?: (err: Error, resource: string) => void;
}

function dataOf(obj: V1ConfigMap | V1Secret | undefined): Record<string, string> | undefined {
  return obj === undefined ? undefined : (obj.data ?? {});
}


/** Cluster CA bundles from informer caches of the garden cluster. */
export class GardenClusterCASource implements ClusterCASource {
  private readonly configMaps: Informer<V1ConfigMap>;
  private readonly secrets: Informer<V1Secret>;
  private readonly source: ClusterCASource;
  private started: Promise<void> | undefined;

  /** `kc`: the garden cluster (`--kubeconfig`, or `loadFromCluster()` in a pod). */
  constructor(kc: KubeConfig, opts: GardenClusterCAOptions = {}) {
    const api = makeGardenApi(kc, CoreV1Api, LIST_TIMEOUT_MS);
    const selector = opts.labelSelector ?? CA_CLUSTER_LABEL_SELECTOR;
    const secretSelector = opts.secretLabelSelector ?? selector;
    this.configMaps = new Informer(kc, 'configmaps', (labelSelector) => api.listConfigMapForAllNamespaces(labelSelector === undefined ? {} : { labelSelector }), selector, opts);
    this.secrets = new Informer(kc, 'secrets', (labelSelector) => api.listSecretForAllNamespaces(labelSelector === undefined ? {} : { labelSelector }), secretSelector, opts);
    this.source = clusterCASourceFrom({
      configMapData: async (ns, name) => dataOf(await this.configMaps.get(ns, name)),
      secretData: async (ns, name) => dataOf(await this.secrets.get(ns, name)),
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

  /** True once both caches hold their first list. */
  get hasSynced(): boolean {
    return this.configMaps.hasSynced && this.secrets.hasSynced;
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
