/**
 * Front-proxy (request-header) authentication: the kube-apiserver aggregator proxies requests over
 * mTLS with its front-proxy client certificate and names the end user in `X-Remote-*` headers. The
 * headers are trusted only on a connection whose client certificate chains to the request-header CA
 * bundle with ClientAuth usage and, when an allowed-names list is set, whose CN is in it. On any other
 * request the headers are removed unread.
 */
import type { X509Certificate } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { UserInfo } from '../../registry/types.js';
import { subjectValues, verifySocketCertificate } from './certverify.js';
import { AuthenticationError, type Authenticator } from './types.js';

/** Request-header settings (`--requestheader-*` flags or the garden's authentication ConfigMap). */
export interface RequestHeaderConfig {
  /** PEM bundle the front-proxy client certificate must chain to. */
  caBundle: string;
  /** CNs the front-proxy certificate may have; empty means any. */
  allowedNames: readonly string[];
  /** Headers naming the user; the first non-empty one wins. */
  usernameHeaders: readonly string[];
  /** Headers naming the user's UID (optional; the first non-empty one wins). */
  uidHeaders?: readonly string[];
  /** Headers naming groups; all values of all of them. */
  groupHeaders: readonly string[];
  /** Prefixes of headers carrying extra (`<prefix><percent-encoded key>: value`). */
  extraHeaderPrefixes: readonly string[];
}

/** Kubernetes' default header names. */
export const DEFAULT_REQUEST_HEADERS = {
  usernameHeaders: ['X-Remote-User'],
  uidHeaders: [] as string[],
  groupHeaders: ['X-Remote-Group'],
  extraHeaderPrefixes: ['X-Remote-Extra-'],
} as const;

/** The settings, fixed or read anew on every request (undefined: request-header auth is off). */
export type RequestHeaderSource = RequestHeaderConfig | (() => RequestHeaderConfig | undefined);

const frontProxies = new WeakMap<IncomingMessage, string>();

/**
 * The CN of the front-proxy certificate a request was authenticated through (for audit), or undefined
 * when the user did not come from request headers.
 */
export function frontProxyOf(req: IncomingMessage): string | undefined {
  return frontProxies.get(req);
}

/** Last CN of a certificate's subject (Go keeps the last one). */
function commonName(cert: X509Certificate): string {
  return subjectValues(cert, 'CN').at(-1) ?? '';
}

/** Go's `url.PathUnescape`, falling back to the input when it is not valid percent-encoding. */
function unescapeExtraKey(key: string): string {
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
}

function values(req: IncomingMessage, header: string): string[] {
  return req.headersDistinct[header.toLowerCase()] ?? [];
}

function firstNonEmpty(req: IncomingMessage, headers: readonly string[]): string {
  for (const h of headers) {
    const v = values(req, h)[0] ?? '';
    if (v !== '') return v;
  }
  return '';
}

function extraOf(req: IncomingMessage, prefixes: readonly string[]): Record<string, string[]> {
  // Keys are the proxy's: a map without a prototype, so `constructor` or `__proto__` are plain keys.
  const extra = Object.create(null) as Record<string, string[]>;
  for (const prefix of prefixes.map((p) => p.toLowerCase())) {
    for (const [name, vs] of Object.entries(req.headersDistinct)) {
      if (!name.startsWith(prefix) || vs === undefined) continue;
      const key = unescapeExtraKey(name.slice(prefix.length));
      extra[key] = [...(extra[key] ?? []), ...vs];
    }
  }
  return extra;
}

/** Removes every header the settings name (exact names and prefixes), from all of node's views. */
export function clearRequestHeaders(req: IncomingMessage, config: Omit<RequestHeaderConfig, 'caBundle' | 'allowedNames'>): void {
  const exact = new Set([...config.usernameHeaders, ...(config.uidHeaders ?? []), ...config.groupHeaders].map((h) => h.toLowerCase()));
  const prefixes = config.extraHeaderPrefixes.map((p) => p.toLowerCase());
  const matches = (name: string) => exact.has(name) || prefixes.some((p) => name.startsWith(p));
  const distinct = req.headersDistinct;
  for (const name of Object.keys(req.headers)) if (matches(name)) delete req.headers[name];
  for (const name of Object.keys(distinct)) if (matches(name)) delete distinct[name];
  for (let i = req.rawHeaders.length - 2; i >= 0; i -= 2) {
    if (matches((req.rawHeaders[i] ?? '').toLowerCase())) req.rawHeaders.splice(i, 2);
  }
}

/** The user the request headers name, or null when no username header is set. */
function userFromHeaders(req: IncomingMessage, config: RequestHeaderConfig): UserInfo | null {
  const name = firstNonEmpty(req, config.usernameHeaders);
  if (name === '') return null;
  const groups = config.groupHeaders.flatMap((h) => values(req, h)).filter((g) => g !== '');
  const user: UserInfo = { name, groups };
  const uid = firstNonEmpty(req, config.uidHeaders ?? []);
  if (uid !== '') user.uid = uid;
  const extra = extraOf(req, config.extraHeaderPrefixes);
  if (Object.keys(extra).length > 0) user.extra = extra;
  return user;
}

/** A client certificate that does not chain to the request-header CA bundle. */
class UnverifiedCertificate extends AuthenticationError {}

/** Options of the front-proxy authenticator. */
export interface RequestHeaderOptions {
  /**
   * Reads the settings anew (rate-limited by the caller) when a client certificate does not chain to
   * the bundle: a rotated front-proxy CA published in the garden's ConfigMap then applies at the first
   * request that needs it, as kube-apiserver's informer applies it at once, not at the next periodic read.
   */
  refresh?(): Promise<void>;
}

/**
 * Verifies the front-proxy certificate: undefined when the client sent none; throws
 * {@link AuthenticationError} when it does not chain to the bundle or its CN is not allowed.
 */
function verifyFrontProxy(req: IncomingMessage, config: RequestHeaderConfig): X509Certificate[] | undefined {
  let chain: X509Certificate[] | undefined;
  try {
    chain = verifySocketCertificate(req.socket as TLSSocket, [config.caBundle]);
  } catch (e: unknown) {
    throw new UnverifiedCertificate(e instanceof Error ? e.message : String(e));
  }
  const leaf = chain?.[0];
  if (leaf === undefined) return undefined;
  if (config.allowedNames.length > 0) {
    const cn = commonName(leaf);
    if (!config.allowedNames.includes(cn)) throw new AuthenticationError(`x509: subject with cn=${cn} is not in the allowed list`);
  }
  return chain;
}

/**
 * The front-proxy authenticator. Per request: no settings or an empty CA bundle -> null; no client
 * certificate -> null; a certificate that fails verification or the allowed-names check ->
 * {@link AuthenticationError} (401 unless a later authenticator, e.g. x509 with the client CA,
 * establishes a user); no username header -> null. The `X-Remote-*` headers are removed in every case.
 */
export function requestHeaderAuthenticator(source: RequestHeaderSource, opts: RequestHeaderOptions = {}): Authenticator {
  const current = typeof source === 'function' ? source : () => source;
  return {
    async authenticate(req) {
      let config = current();
      if (config === undefined || config.caBundle.trim() === '') return null;
      if (typeof (req.socket as TLSSocket).getPeerCertificate !== 'function') {
        clearRequestHeaders(req, config);
        return null;
      }
      try {
        let leaf: X509Certificate | undefined;
        try {
          leaf = verifyFrontProxy(req, config)?.[0];
        } catch (e: unknown) {
          if (!(e instanceof UnverifiedCertificate) || opts.refresh === undefined) throw e;
          await opts.refresh();
          const fresh = current();
          if (fresh === undefined || fresh.caBundle.trim() === '' || fresh.caBundle === config.caBundle) throw e;
          config = fresh;
          leaf = verifyFrontProxy(req, config)?.[0];
        }
        const user = leaf === undefined ? null : userFromHeaders(req, config);
        if (user !== null && leaf !== undefined) frontProxies.set(req, commonName(leaf));
        return user;
      } finally {
        clearRequestHeaders(req, config);
      }
    },
  };
}
