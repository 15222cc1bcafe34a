/**
 * A typed client for `shoots/adminkubeconfig` and `shoots/viewerkubeconfig`, for callers such as
 * gardenlet, the dashboard or scripts: POST an AdminKubeconfigRequest / ViewerKubeconfigRequest with the
 * connection and credentials of a @kubernetes/client-node `KubeConfig`, and get the issued kubeconfig back
 * parsed, with its expiry.
 *
 * ```ts
 * import { KubeConfig } from '@kubernetes/client-node';
 * import { requestAdminKubeconfig } from 'garden-apiserver/client';
 *
 * const garden = new KubeConfig();
 * garden.loadFromDefault();
 * const { kubeconfig, expirationTimestamp } = await requestAdminKubeconfig(garden, 'garden-dev', 'my-shoot', { expirationSeconds: 600 });
 * ```
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';

/** Which subresource. */
export type KubeconfigKind = 'admin' | 'viewer';

/** Options of a request. */
export interface KubeconfigRequestOptions {
  /** Requested lifetime in seconds (server default 3600; at least 600; the server may cap it). */
  expirationSeconds?: number;
  /** Aborts the request. */
  signal?: AbortSignal;
  /** Socket inactivity timeout in ms (default 30000). */
  timeoutMs?: number;
}

/** An issued kubeconfig. */
export interface IssuedKubeconfig {
  /** The kubeconfig, parsed; its current context points at the shoot's first advertised address. */
  kubeconfig: KubeConfig;
  /** The kubeconfig YAML as issued. */
  raw: string;
  /** When the client certificate expires. */
  expirationTimestamp: Date;
  /** The lifetime the server granted (after its cap). */
  expirationSeconds: number;
}

/** The meta/v1 Status of a failed request. */
export interface KubeStatus {
  kind?: string;
  apiVersion?: string;
  status?: string;
  message?: string;
  reason?: string;
  code: number;
  details?: Record<string, unknown>;
}

/** A request the server refused or failed: carries its Status (code, reason, message). */
export class KubeconfigRequestError extends Error {
  override readonly name = 'KubeconfigRequestError';
  constructor(readonly status: KubeStatus) {
    super(status.message ?? `request failed with HTTP ${status.code}`);
  }
  get code(): number {
    return this.status.code;
  }
  get reason(): string | undefined {
    return this.status.reason;
  }
}

const KINDS = { admin: 'AdminKubeconfigRequest', viewer: 'ViewerKubeconfigRequest' } as const;
const API_VERSION = 'authentication.gardener.cloud/v1alpha1';

/** The subresource path of a shoot. */
export function kubeconfigPath(kind: KubeconfigKind, namespace: string, shoot: string): string {
  return `/apis/core.gardener.cloud/v1beta1/namespaces/${encodeURIComponent(namespace)}/shoots/${encodeURIComponent(shoot)}/${kind}kubeconfig`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

async function readBody(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function failure(code: number, text: string, statusText: string | undefined): KubeconfigRequestError {
  try {
    const body: unknown = JSON.parse(text);
    if (isRecord(body) && body.kind === 'Status') return new KubeconfigRequestError({ ...(body as Partial<KubeStatus>), code });
  } catch (e: unknown) {
    void e; // not JSON: fall through to a synthesized Status
  }
  const message = text.trim() !== '' ? text.trim() : (statusText ?? `HTTP ${code}`);
  return new KubeconfigRequestError({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, message });
}

function issued(text: string): IssuedKubeconfig {
  const body: unknown = JSON.parse(text);
  const status = isRecord(body) && isRecord(body.status) ? body.status : {};
  const spec = isRecord(body) && isRecord(body.spec) ? body.spec : {};
  if (typeof status.kubeconfig !== 'string' || typeof status.expirationTimestamp !== 'string') {
    throw new Error('the response carries no status.kubeconfig and status.expirationTimestamp');
  }
  const raw = Buffer.from(status.kubeconfig, 'base64').toString('utf8');
  const kubeconfig = new KubeConfig();
  kubeconfig.loadFromString(raw);
  const expirationTimestamp = new Date(status.expirationTimestamp);
  if (Number.isNaN(expirationTimestamp.getTime())) throw new Error(`invalid status.expirationTimestamp ${JSON.stringify(status.expirationTimestamp)}`);
  const expirationSeconds = typeof spec.expirationSeconds === 'number' ? spec.expirationSeconds : 0;
  return { kubeconfig, raw, expirationTimestamp, expirationSeconds };
}

/** POSTs `body` to `path` of the current cluster of `kc`; resolves with status code and text. */
async function post(kc: KubeConfig, path: string, body: string, opts: KubeconfigRequestOptions): Promise<{ code: number; text: string; statusText?: string }> {
  const cluster = kc.getCurrentCluster();
  if (cluster === null) throw new Error('the kubeconfig has no current cluster');
  const base = new URL(cluster.server);
  const url = new URL(`${base.pathname.replace(/\/+$/, '')}${path}`, base);
  const options: RequestOptions = {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', 'content-length': Buffer.byteLength(body) },
    timeout: opts.timeoutMs ?? 30_000,
  };
  await kc.applyToHTTPSOptions(options);
  if (opts.signal !== undefined) options.signal = opts.signal;
  const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, options, (res) => {
      readBody(res).then((text) => resolve({ code: res.statusCode ?? 0, text, ...(res.statusMessage !== undefined && { statusText: res.statusMessage }) }), reject);
    });
    req.on('timeout', () => req.destroy(new Error(`request to ${url.host} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Requests a kubeconfig through `shoots/<kind>kubeconfig` of `namespace/shoot`, authenticated as the
 * current user of `kc`. Rejects with {@link KubeconfigRequestError} (the server's Status) when the server
 * answers with an error, and with a plain `Error` for connection problems or a malformed answer.
 */
export async function requestKubeconfig(
  kind: KubeconfigKind,
  kc: KubeConfig,
  namespace: string,
  shoot: string,
  opts: KubeconfigRequestOptions = {},
): Promise<IssuedKubeconfig> {
  const spec = opts.expirationSeconds === undefined ? {} : { expirationSeconds: opts.expirationSeconds };
  const body = JSON.stringify({ apiVersion: API_VERSION, kind: KINDS[kind], spec });
  const res = await post(kc, kubeconfigPath(kind, namespace, shoot), body, opts);
  if (res.code < 200 || res.code > 299) throw failure(res.code, res.text, res.statusText);
  return issued(res.text);
}

/** A kubeconfig with cluster-admin rights in the shoot (`shoots/adminkubeconfig`). */
export function requestAdminKubeconfig(kc: KubeConfig, namespace: string, shoot: string, opts?: KubeconfigRequestOptions): Promise<IssuedKubeconfig> {
  return requestKubeconfig('admin', kc, namespace, shoot, opts);
}

/** A kubeconfig with read-only rights in the shoot, Secrets excluded (`shoots/viewerkubeconfig`). */
export function requestViewerKubeconfig(kc: KubeConfig, namespace: string, shoot: string, opts?: KubeconfigRequestOptions): Promise<IssuedKubeconfig> {
  return requestKubeconfig('viewer', kc, namespace, shoot, opts);
}
