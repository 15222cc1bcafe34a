/**
 * The shoot's cluster CA bundle (what kubeconfigs put into `certificate-authority-data`): ConfigMap
 * `<shoot>.ca-cluster`, key `ca.crt`, in the shoot's namespace of the garden cluster; only when that
 * ConfigMap does not exist, the legacy Secret `<shoot>.ca-cluster`, key `ca.crt`. One interface, two
 * sources: informer caches of the garden cluster (apiserver/garden/cluster-ca.ts) and a directory of
 * manifests in standalone mode (apiserver/standalone/cluster-ca-dir.ts).
 */
import { internalError, isStatusError } from '../../apimachinery/errors.js';

/** Suffix of the ConfigMap and legacy Secret names. */
export const CLUSTER_CA_SUFFIX = 'ca-cluster';
/** Data key of the bundle in both. */
export const CLUSTER_CA_KEY = 'ca.crt';

/**
 * Reads a shoot's cluster CA bundle. Resolves to the PEM bundle, possibly `''` when the object has no
 * `ca.crt` (the caller turns that into 500 "could not load cluster CA bundle"). Rejects with a 500
 * StatusError: `could not get cluster CA config map: …` or `could not get cluster CA secret: …`.
 */
export interface ClusterCASource {
  get(namespace: string, shootName: string): Promise<string>;
  /** False while a cache behind the source has not loaded yet (absent: nothing to load). */
  readonly hasSynced?: boolean;
}

/** `<shoot>.ca-cluster`. */
export function clusterCAName(shootName: string): string {
  return `${shootName}.${CLUSTER_CA_SUFFIX}`;
}

/** Raised by a lookup for an object that does not exist; the text is client-go's lister message. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  constructor(resource: 'configmap' | 'secret', name: string) {
    super(`${resource} ${JSON.stringify(name)} not found`);
  }
}

/**
 * Cached lookups of one source: the ConfigMap's `data` / the Secret's `data` (base64 values) of
 * `namespace/name`, or `undefined` when the object does not exist. They may throw for other failures
 * (a cache that has not synced).
 */
export interface ClusterCALookups {
  configMapData(namespace: string, name: string): Promise<Record<string, string> | undefined>;
  secretData(namespace: string, name: string): Promise<Record<string, string> | undefined>;
}

function message(e: unknown): string {
  if (isStatusError(e)) return e.status.message ?? e.message;
  return e instanceof Error ? e.message : String(e);
}

/** Resolves a bundle through `lookups` with Gardener's fallback and error texts. */
export async function resolveClusterCABundle(lookups: ClusterCALookups, namespace: string, shootName: string): Promise<string> {
  const name = clusterCAName(shootName);
  let configMap: Record<string, string> | undefined;
  try {
    configMap = await lookups.configMapData(namespace, name);
  } catch (e: unknown) {
    throw internalError(`could not get cluster CA config map: ${message(e)}`);
  }
  if (configMap !== undefined) return configMap[CLUSTER_CA_KEY] ?? '';
  let secret: Record<string, string> | undefined;
  try {
    secret = await lookups.secretData(namespace, name);
  } catch (e: unknown) {
    throw internalError(`could not get cluster CA secret: ${message(e)}`);
  }
  if (secret === undefined) throw internalError(`could not get cluster CA secret: ${new NotFoundError('secret', name).message}`);
  const value = secret[CLUSTER_CA_KEY];
  return value === undefined ? '' : Buffer.from(value, 'base64').toString('utf8');
}

/** A ClusterCASource over cached lookups. */
export function clusterCASourceFrom(lookups: ClusterCALookups): ClusterCASource {
  return { get: (namespace, shootName) => resolveClusterCABundle(lookups, namespace, shootName) };
}
