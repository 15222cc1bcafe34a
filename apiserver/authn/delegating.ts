/**
 * Assembles the authenticator chain from the server's flags, the way k8s.io/apiserver's delegating
 * authentication does: request header (front proxy), then x509 client certificates, then bearer
 * tokens (token file, then TokenReview). Settings missing from the flags come from the garden
 * cluster's authentication ConfigMap when a garden cluster is reachable.
 */
import { readFileSync, statSync } from 'node:fs';
import type { Logger } from '../log.js';
import { watchAuthenticationConfigMap, type AuthenticationConfigMapSource } from './authconfigmap.js';
import { bearerTokenAuthenticator, tokenUnion, type TokenAuthenticator } from './bearer.js';
import { checkCABundle } from './certverify.js';
import { loadGardenKubeConfig } from './kubeclient.js';
import { requestHeaderAuthenticator, type RequestHeaderConfig } from './requestheader.js';
import { tokenFileAuthenticator } from './tokenfile.js';
import { tokenReviewAuthenticator } from './tokenreview.js';
import { authenticatorChain, type Authenticator } from './types.js';
import { x509Authenticator } from './x509.js';

/** Authentication flags (names as on the command line). */
export interface AuthenticationOptions {
  /** `--client-ca-file`: PEM bundle for direct client certificates (re-read when it changes). */
  clientCAFile?: string;
  /** The standalone generated CA (PEM), trusted next to everything else so the admin kubeconfig works. */
  standaloneClientCA?: string;
  /** `--requestheader-client-ca-file`; when set, the `--requestheader-*` flags win over the ConfigMap. */
  requestHeaderClientCAFile?: string;
  /** `--requestheader-allowed-names` (default: empty = any CN). */
  requestHeaderAllowedNames?: readonly string[];
  /** `--requestheader-username-headers` (default `X-Remote-User`). */
  requestHeaderUsernameHeaders?: readonly string[];
  /** `--requestheader-uid-headers` (default none). */
  requestHeaderUIDHeaders?: readonly string[];
  /** `--requestheader-group-headers` (default `X-Remote-Group`). */
  requestHeaderGroupHeaders?: readonly string[];
  /** `--requestheader-extra-headers-prefix` (default `X-Remote-Extra-`). */
  requestHeaderExtraHeadersPrefix?: readonly string[];
  /** `--authentication-kubeconfig`; without it the in-cluster config is used when in a pod. */
  authenticationKubeconfig?: string;
  /** `--authentication-skip-lookup`: do not read the authentication ConfigMap. */
  authenticationSkipLookup?: boolean;
  /** `--authentication-tolerate-lookup-failure`: start even if the ConfigMap cannot be read. */
  authenticationTolerateLookupFailure?: boolean;
  /** `--token-auth-file`. */
  tokenAuthFile?: string;
  /** `--authentication-token-webhook-cache-ttl` in ms (default 10 s). */
  tokenWebhookCacheTTLms?: number;
  /** Timeout of TokenReview and ConfigMap calls (default 10 s). */
  gardenTimeoutMs?: number;
  /** How often the ConfigMap and CA files are re-read (default 60 s and 10 s). */
  configMapRefreshMs?: number;
  fileRefreshMs?: number;
  /** Process environment (in-cluster detection); defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** The assembled chain and what it trusts right now. */
export interface AuthenticationStack {
  authenticator: Authenticator;
  /** Bundles client certificates are verified against (for the listener's `ca`, so clients see them). */
  clientCABundles(): string[];
  /** The front-proxy CA bundle in force, if any (also worth adding to the listener's `ca`). */
  requestHeaderCA(): string | undefined;
  /**
   * Calls `listener` after either bundle may have changed (a CA file or the ConfigMap was read with
   * new content), so that the listener can advertise the CAs now trusted.
   */
  onTrustChange(listener: () => void): void;
  /** Stops the periodic re-reads. */
  stop(): void;
}

/**
 * A file's content, re-read when its mtime or size changes; `onChange` runs after each re-read. Content
 * `check` refuses (it throws), like a file that cannot be read, is logged and the last good content
 * kept.
 */
export function watchedFile(path: string, intervalMs: number, log?: Logger, onChange?: () => void, check?: (content: string) => void): { current(): string; stop(): void } {
  const stamp = () => {
    const st = statSync(path);
    return `${st.mtimeMs}:${st.size}`;
  };
  let content = readFileSync(path, 'utf8');
  let seen = stamp();
  const timer = setInterval(() => {
    try {
      const now = stamp();
      if (now === seen) return;
      seen = now;
      const next = readFileSync(path, 'utf8');
      check?.(next);
      content = next;
      log?.info('reloaded file', { path });
      onChange?.();
    } catch (e: unknown) {
      log?.error('cannot use the file as it is now; keeping the previous content', { path, err: e instanceof Error ? e.message : String(e) });
    }
  }, intervalMs);
  timer.unref();
  return { current: () => content, stop: () => clearInterval(timer) };
}

function requestHeaderFromFlags(o: AuthenticationOptions, caBundle: () => string): () => RequestHeaderConfig {
  return () => ({
    caBundle: caBundle(),
    allowedNames: o.requestHeaderAllowedNames ?? [],
    usernameHeaders: o.requestHeaderUsernameHeaders ?? ['X-Remote-User'],
    uidHeaders: o.requestHeaderUIDHeaders ?? [],
    groupHeaders: o.requestHeaderGroupHeaders ?? ['X-Remote-Group'],
    extraHeaderPrefixes: o.requestHeaderExtraHeadersPrefix ?? ['X-Remote-Extra-'],
  });
}

async function configMapSource(o: AuthenticationOptions, onChange: () => void, log?: Logger): Promise<AuthenticationConfigMapSource | undefined> {
  if (o.authenticationSkipLookup === true) return undefined;
  const kc = loadGardenKubeConfig(o.authenticationKubeconfig, o.env);
  if (kc === undefined) return undefined;
  return watchAuthenticationConfigMap(kc, {
    intervalMs: o.configMapRefreshMs ?? 60_000,
    ...(o.gardenTimeoutMs !== undefined && { timeoutMs: o.gardenTimeoutMs }),
    tolerateLookupFailure: o.authenticationTolerateLookupFailure === true,
    onError: (message) => log?.error('authentication configmap', { err: message }),
    onChange: () => {
      log?.info('authentication configmap loaded', {});
      onChange();
    },
  });
}

/** Unknown front-proxy certificates read the ConfigMap again at most this often. */
const ON_DEMAND_REFRESH_MS = 5_000;

/**
 * `refresh` run at most once per `ms`: callers meanwhile share the running read, or get nothing to
 * wait for when one ran lately (a client presenting unknown certificates cannot make the server read
 * the ConfigMap more often). Failures are logged, not thrown.
 */
function atMostEvery(refresh: () => Promise<void>, ms: number, log?: Logger): () => Promise<void> {
  let last = Number.NEGATIVE_INFINITY;
  let running: Promise<void> | undefined;
  return () => {
    if (running !== undefined) return running;
    if (performance.now() - last < ms) return Promise.resolve();
    last = performance.now();
    running = refresh()
      .catch((e: unknown) => log?.error('authentication configmap', { err: e instanceof Error ? e.message : String(e) }))
      .finally(() => {
        running = undefined;
      });
    return running;
  };
}

function tokenAuthenticators(o: AuthenticationOptions, log?: Logger): TokenAuthenticator[] {
  const tokens: TokenAuthenticator[] = [];
  if (o.tokenAuthFile !== undefined && o.tokenAuthFile !== '') tokens.push(tokenFileAuthenticator(o.tokenAuthFile));
  const kc = loadGardenKubeConfig(o.authenticationKubeconfig, o.env);
  if (kc !== undefined) {
    tokens.push(
      tokenReviewAuthenticator({
        kubeConfig: kc,
        cacheTTLms: o.tokenWebhookCacheTTLms ?? 10_000,
        ...(o.gardenTimeoutMs !== undefined && { timeoutMs: o.gardenTimeoutMs }),
        onError: (message) => log?.error('token review', { err: message }),
      }),
    );
  }
  return tokens;
}

/**
 * Builds the chain: request header -> x509 -> bearer tokens. Rejects when a flag file cannot be read
 * or the ConfigMap cannot be read (unless tolerated). Anonymous fallback stays with the caller
 * (`withAuthentication(chain, anonymousAuth)`).
 */
export async function buildAuthentication(o: AuthenticationOptions, log?: Logger): Promise<AuthenticationStack> {
  const fileMs = o.fileRefreshMs ?? 10_000;
  const stops: Array<() => void> = [];
  const trustListeners: Array<() => void> = [];
  const trustChanged = () => trustListeners.forEach((l) => l());
  const caFile = (path: string) => watchedFile(path, fileMs, log, trustChanged, (pem) => checkCABundle(path, pem));
  const clientCAFile = o.clientCAFile ? caFile(o.clientCAFile) : undefined;
  const rhCAFile = o.requestHeaderClientCAFile ? caFile(o.requestHeaderClientCAFile) : undefined;
  for (const f of [clientCAFile, rhCAFile]) if (f !== undefined) stops.push(f.stop);
  const cm = await configMapSource(o, trustChanged, log);
  if (cm !== undefined) stops.push(cm.stop);
  const flagsRH = rhCAFile === undefined ? undefined : requestHeaderFromFlags(o, rhCAFile.current);
  const requestHeader = (): RequestHeaderConfig | undefined => (flagsRH !== undefined ? flagsRH() : cm?.current().requestHeader);
  const clientCABundles = (): string[] => {
    const fromFlagOrCM = clientCAFile !== undefined ? clientCAFile.current() : cm?.current().clientCA;
    return [o.standaloneClientCA, fromFlagOrCM].filter((b): b is string => b !== undefined && b.trim() !== '');
  };
  // Front-proxy settings from the ConfigMap are read again when a certificate does not chain to them.
  const refresh = flagsRH === undefined && cm !== undefined ? { refresh: atMostEvery(cm.refresh, ON_DEMAND_REFRESH_MS, log) } : {};
  const chain: Authenticator[] = [requestHeaderAuthenticator(requestHeader, refresh), x509Authenticator({ bundles: clientCABundles })];
  const tokens = tokenAuthenticators(o, log);
  if (tokens.length > 0) chain.push(bearerTokenAuthenticator(tokenUnion(tokens)));
  return {
    authenticator: authenticatorChain(chain),
    clientCABundles,
    requestHeaderCA: () => requestHeader()?.caBundle,
    onTrustChange: (listener) => trustListeners.push(listener),
    stop: () => stops.forEach((s) => s()),
  };
}
