/** The garden cluster's namespaces through an informer, for the NamespaceLifecycle admission plugin. */
import type { KubeConfig, V1Namespace } from '@kubernetes/client-node';
import { CoreV1Api } from '@kubernetes/client-node';
import type { NamespaceSource, NamespaceState } from '../../admission/types.js';
import { internalError } from '../../apimachinery/errors.js';
import { apiErrorCode, describeApiError, makeGardenApi } from '../authn/kubeclient.js';
import { Informer, LIST_TIMEOUT_MS, type InformerOptions } from './informer.js';

/** Namespaces cached from the garden cluster. */
export class GardenNamespaces implements NamespaceSource {
  private readonly informer: Informer<V1Namespace>;
  private readonly api: CoreV1Api;

  constructor(kc: KubeConfig, opts: InformerOptions = {}) {
    const api = makeGardenApi(kc, CoreV1Api, LIST_TIMEOUT_MS);
    this.api = makeGardenApi(kc, CoreV1Api);
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

  async get(name: string): Promise<NamespaceState | undefined> {
    const ns = await this.informer.get(undefined, name);
    return ns === undefined ? undefined : stateOf(ns);
  }

  async getLive(name: string): Promise<NamespaceState | undefined> {
    try {
      return stateOf(await this.api.readNamespace({ name }));
    } catch (e: unknown) {
      if (apiErrorCode(e) === 404) return undefined;
      throw internalError(describeApiError(e));
    }
  }
}

function stateOf(ns: V1Namespace): NamespaceState {
  const out: NamespaceState = {};
  if (ns.status?.phase !== undefined) out.phase = ns.status.phase;
  if (ns.metadata?.deletionTimestamp !== undefined) out.deletionTimestamp = new Date(ns.metadata.deletionTimestamp).toISOString();
  return out;
}
