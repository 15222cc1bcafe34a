/**
 * The garden cluster's `kube-system/extension-apiserver-authentication` ConfigMap: the client CA and
 * the front-proxy (request-header) settings kube-apiserver publishes for extension API servers. It is
 * re-read periodically so a rotated front-proxy or client CA applies without a restart.
 */
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { checkCABundle } from './certverify.js';
import { apiErrorCode, describeApiError, makeGardenApi } from './kubeclient.js';
import type { RequestHeaderConfig } from './requestheader.js';

export const AUTHENTICATION_CONFIGMAP_NAMESPACE = 'kube-system';
export const AUTHENTICATION_CONFIGMAP_NAME = 'extension-apiserver-authentication';

/** What the ConfigMap says; a missing part is undefined (e.g. no `requestheader-client-ca-file`: request-header auth is off). */
export interface AuthenticationConfigMapData {
  clientCA?: string;
  requestHeader?: RequestHeaderConfig;
}

/** A key holding a JSON array of strings; missing, empty or `null` is []. Throws when malformed. */
function stringList(data: Record<string, string>, key: string): string[] {
  const raw = data[key];
  if (raw === undefined || raw.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (e: unknown) {
    throw new Error(`configmap ${AUTHENTICATION_CONFIGMAP_NAMESPACE}/${AUTHENTICATION_CONFIGMAP_NAME} key ${key}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (parsed === null) return [];
  if (!Array.isArray(parsed) || !parsed.every((v): v is string => typeof v === 'string')) {
    throw new Error(`configmap ${AUTHENTICATION_CONFIGMAP_NAMESPACE}/${AUTHENTICATION_CONFIGMAP_NAME} key ${key}: not a JSON array of strings`);
  }
  return parsed;
}

/** Parses the ConfigMap's data (spec aggregation.md §2.1). Throws on a malformed JSON list. */
export function parseAuthenticationConfigMap(data: Record<string, string> | undefined): AuthenticationConfigMapData {
  const d = data ?? {};
  const result: AuthenticationConfigMapData = {};
  const clientCA = d['client-ca-file'];
  if (clientCA !== undefined && clientCA.trim() !== '') {
    checkCABundle('client-ca-file', clientCA);
    result.clientCA = clientCA;
  }
  const rhCA = d['requestheader-client-ca-file'];
  if (rhCA !== undefined && rhCA.trim() !== '') {
    checkCABundle('requestheader-client-ca-file', rhCA);
    result.requestHeader = {
      caBundle: rhCA,
      allowedNames: stringList(d, 'requestheader-allowed-names'),
      usernameHeaders: stringList(d, 'requestheader-username-headers'),
      uidHeaders: stringList(d, 'requestheader-uid-headers'),
      groupHeaders: stringList(d, 'requestheader-group-headers'),
      extraHeaderPrefixes: stringList(d, 'requestheader-extra-headers-prefix'),
    };
  }
  return result;
}

/** The ConfigMap, kept current. */
export interface AuthenticationConfigMapSource {
  /** The last successfully read content. */
  current(): AuthenticationConfigMapData;
  /** Reads the ConfigMap now; rejects (keeping the previous content) when it cannot be read or parsed. */
  refresh(): Promise<void>;
  /** Stops the periodic re-read. */
  stop(): void;
}

/** How the ConfigMap is watched. */
export interface AuthenticationConfigMapOptions {
  /** Re-read interval (default 60 s). */
  intervalMs?: number;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
  /** Start even when the first read fails (`--authentication-tolerate-lookup-failure`). */
  tolerateLookupFailure?: boolean;
  /** Called with a log-friendly message when a (re-)read fails. */
  onError?(message: string): void;
  /** Called after a read that changed the content. */
  onChange?(data: AuthenticationConfigMapData): void;
}

/** The ConfigMap's settings; undefined when it does not exist. */
async function readOnce(api: CoreV1Api): Promise<AuthenticationConfigMapData | undefined> {
  try {
    const cm = await api.readNamespacedConfigMap({ name: AUTHENTICATION_CONFIGMAP_NAME, namespace: AUTHENTICATION_CONFIGMAP_NAMESPACE });
    return parseAuthenticationConfigMap(cm.data);
  } catch (e: unknown) {
    if (apiErrorCode(e) === 404) return undefined;
    if (e instanceof Error && !('code' in e)) throw e;
    throw new Error(`unable to read configmap ${AUTHENTICATION_CONFIGMAP_NAMESPACE}/${AUTHENTICATION_CONFIGMAP_NAME}: ${describeApiError(e)}`);
  }
}

/**
 * Reads the authentication ConfigMap from the garden cluster now and every `intervalMs` after. Rejects
 * when the first read fails, unless `tolerateLookupFailure` (then it starts empty and keeps trying).
 * A 404 reads as an empty ConfigMap at first; later, like content with a CA bundle that does not
 * parse, it is reported and the previous content kept.
 */
export async function watchAuthenticationConfigMap(kc: KubeConfig, options: AuthenticationConfigMapOptions = {}): Promise<AuthenticationConfigMapSource> {
  const api = makeGardenApi(kc, CoreV1Api, options.timeoutMs);
  let data: AuthenticationConfigMapData = {};
  let serialized = JSON.stringify(data);
  let first = true;
  const refresh = async () => {
    const found = await readOnce(api);
    // Missing at start: nothing to trust from it. Missing later: the last good content stays, as
    // kube-apiserver's CA controllers keep theirs.
    if (found === undefined && !first) throw new Error(`configmap ${AUTHENTICATION_CONFIGMAP_NAMESPACE}/${AUTHENTICATION_CONFIGMAP_NAME} not found; keeping its previous content`);
    first = false;
    const next = found ?? {};
    const text = JSON.stringify(next);
    data = next;
    if (text !== serialized) {
      serialized = text;
      options.onChange?.(next);
    }
  };
  try {
    await refresh();
  } catch (e: unknown) {
    if (options.tolerateLookupFailure !== true) throw e;
    options.onError?.(e instanceof Error ? e.message : String(e));
  }
  const timer = setInterval(() => {
    refresh().catch((e: unknown) => options.onError?.(e instanceof Error ? e.message : String(e)));
  }, options.intervalMs ?? 60_000);
  timer.unref();
  return { current: () => data, refresh, stop: () => clearInterval(timer) };
}
