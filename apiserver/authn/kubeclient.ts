/**
 * Clients for the garden cluster's kube-apiserver (TokenReview, SubjectAccessReview, the
 * authentication ConfigMap), built with @kubernetes/client-node from a kubeconfig file or the
 * in-cluster service account, with a per-request timeout.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createConfiguration, KubeConfig, ServerConfiguration, type Configuration, type Middleware } from '@kubernetes/client-node';

/** Default timeout of webhook-style calls to the garden cluster (Kubernetes uses 10 s). */
export const DEFAULT_GARDEN_TIMEOUT_MS = 10_000;

/**
 * The kubeconfig for the garden cluster: the file at `path` when given, else the in-cluster service
 * account when running in a pod (`KUBERNETES_SERVICE_HOST` set), else undefined (standalone).
 */
export function loadGardenKubeConfig(path: string | undefined, env: NodeJS.ProcessEnv = process.env): KubeConfig | undefined {
  if (path !== undefined && path !== '') return loadKubeConfigFile(path);
  const kc = new KubeConfig();
  if (env.KUBERNETES_SERVICE_HOST !== undefined && env.KUBERNETES_SERVICE_HOST !== '') {
    kc.loadFromCluster();
    return kc;
  }
  return undefined;
}

/**
 * Reads a kubeconfig file. A file that is no valid YAML fails with the line and the parser's reason
 * only, as Go's sigs.k8s.io/yaml words it (`yaml: line 9: bad indentation of a mapping entry`): the
 * parser's own message quotes the text around the error, which may be a token or a key.
 */
export function loadKubeConfigFile(path: string): KubeConfig {
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(path);
  } catch (e: unknown) {
    const { reason, mark } = (e ?? {}) as { reason?: unknown; mark?: { line?: unknown } };
    if (typeof reason !== 'string') throw e;
    const line = typeof mark?.line === 'number' ? `line ${mark.line + 1}: ` : '';
    throw new Error(`error loading kubeconfig ${path}: yaml: ${line}${reason}`);
  }
  return kc;
}

function timeoutMiddleware(timeoutMs: number): Middleware {
  return {
    pre: async (ctx) => {
      ctx.setSignal(AbortSignal.timeout(timeoutMs));
      return ctx;
    },
    post: async (ctx) => ctx,
  };
}

/** A typed API client (e.g. `AuthenticationV1Api`) for `kc` whose requests abort after `timeoutMs`. */
export function makeGardenApi<T>(kc: KubeConfig, api: new (config: Configuration) => T, timeoutMs = DEFAULT_GARDEN_TIMEOUT_MS): T {
  const cluster = kc.getCurrentCluster();
  if (cluster === null) throw new Error('kubeconfig has no current cluster');
  const config = createConfiguration({
    baseServer: new ServerConfiguration(cluster.server, {}),
    authMethods: { default: kc },
    promiseMiddleware: [timeoutMiddleware(timeoutMs)],
  });
  return new api(config);
}

/** A one-line description of an error from a client-node call (HTTP code and Status message when known). */
export function describeApiError(e: unknown): string {
  if (typeof e === 'object' && e !== null && 'code' in e && 'body' in e) {
    const { code, body } = e as { code: unknown; body: unknown };
    let message = '';
    if (typeof body === 'string') {
      try {
        const parsed: unknown = JSON.parse(body);
        if (typeof parsed === 'object' && parsed !== null && 'message' in parsed) message = String((parsed as { message: unknown }).message);
      } catch {
        message = body.slice(0, 200);
      }
    }
    return `the server responded with HTTP ${String(code)}${message === '' ? '' : `: ${message}`}`;
  }
  if (e instanceof Error) return e.name === 'AbortError' ? `request timed out (${e.message})` : e.message;
  return String(e);
}

/** The HTTP status of a client-node ApiException, or undefined for transport errors. */
export function apiErrorCode(e: unknown): number | undefined {
  if (typeof e === 'object' && e !== null && 'code' in e) {
    const code = (e as { code: unknown }).code;
    if (typeof code === 'number') return code;
  }
  return undefined;
}

/** How a webhook call is retried: attempts in all, the first delay, its growth and random spread. */
export interface RetryBackoff {
  steps: number;
  initialMs: number;
  factor: number;
  jitter: number;
}

/** kube-apiserver's retries of TokenReview and SubjectAccessReview calls (DefaultAuthWebhookRetryBackoff). */
export const WEBHOOK_RETRY_BACKOFF: RetryBackoff = { steps: 5, initialMs: 500, factor: 1.5, jitter: 0.2 };

/**
 * Whether a failed garden cluster call is worth another attempt, as kube's webhook client decides:
 * throttled (429), an internal error (500), unavailable (503) or timed out (504) on the server, or a
 * connection reset on the way. A call that ran out of its own time is not tried again.
 */
export function isTransientApiError(e: unknown): boolean {
  const code = apiErrorCode(e);
  if (code !== undefined) return code === 429 || code === 500 || code === 503 || code === 504;
  const cause = e instanceof Error ? (e as Error & { cause?: unknown }).cause : undefined;
  const errno = (x: unknown) => (typeof x === 'object' && x !== null && 'code' in x ? (x as { code: unknown }).code : undefined);
  return errno(e) === 'ECONNRESET' || errno(cause) === 'ECONNRESET';
}

/** What else a retried call is run with. */
export interface RetryOptions {
  /** Which failures are tried again (default {@link isTransientApiError}). */
  retryIf?: (e: unknown) => boolean;
  /** Once aborted, the remaining attempts follow each other without waiting. */
  signal?: AbortSignal;
}

/**
 * Runs `call`, again after growing delays (with up to `backoff.jitter` more) while it fails with an
 * error `retryIf` accepts, up to `backoff.steps` attempts; rejects with the last error.
 */
export async function withRetries<T>(call: () => Promise<T>, backoff: RetryBackoff = WEBHOOK_RETRY_BACKOFF, opts: RetryOptions = {}): Promise<T> {
  const retryIf = opts.retryIf ?? isTransientApiError;
  let delay = backoff.initialMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (e: unknown) {
      if (attempt >= backoff.steps || !retryIf(e)) throw e;
    }
    if (opts.signal?.aborted !== true) await sleep(delay * (1 + Math.random() * backoff.jitter), undefined, opts.signal === undefined ? {} : { signal: opts.signal }).catch(() => undefined);
    delay *= backoff.factor;
  }
}
