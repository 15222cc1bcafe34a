/** The garden cluster's namespaces through an informer, for the NamespaceLifecycle admission plugin. */
import type { KubeConfig, V1Namespace } from '@kubernetes/client-node';
import { CoreV1Api } from '@kubernetes/client-node';
import type { NamespaceSource } from '../../admission/types.js';
import { Informer, type InformerOptions } from './informer.js';

/** Namespaces cached from the garden cluster. */
export class GardenNamespaces implements NamespaceSource {
  private readonly informer: Informer<V1Namespace>;

  constructor(kc: KubeConfig, opts: InformerOptions = {}) {
    const api = kc.makeApiClient(CoreV1Api);
    this.informer = new Informer<V1Namespace>(kc, 'namespaces', () => api.listNamespace(), '', opts);
  }

  /** True once the first list was applied. */
  get hasSynced(): boolean {
    return this.informer.hasSynced;
  }

  start(): Promise<void> {
    return this.informer.start();
  }

  stop(): Promise<void> {
    return this.informer.stop();
  }

  async get(name: string): Promise<{ phase?: string; deletionTimestamp?: string } | undefined> {
    const ns = await this.informer.get(undefined, name);
    if (ns === undefined) return undefined;
    const out: { phase?: string; deletionTimestamp?: string } = {};
    if (ns.status?.phase !== undefined) out.phase = ns.status.phase;
    if (ns.metadata?.deletionTimestamp !== undefined) out.deletionTimestamp = new Date(ns.metadata.deletionTimestamp).toISOString();
    return out;
  }
}
