/**
 * A stand-in for the garden cluster's kube-apiserver, over HTTPS and with the real wire format, for the
 * code paths that call it: TokenReview, SubjectAccessReview, and list/get/watch of ConfigMaps, Secrets
 * and Namespaces in the core API (including `kube-system/extension-apiserver-authentication`).
 * Programmable at runtime (tokens, SAR decisions, objects, injected faults) and counting requests.
 * Callers authenticate with a client certificate from `clientCA` or the bearer `callerToken`.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { stringify } from 'yaml';
import { createCA, createLeaf, type CertKeyPair } from '../../apiserver/standalone/pki.js';

/** The user a token stands for (TokenReview `status.user`). */
export interface StandInUser {
  username: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

/** A SubjectAccessReview spec as received. */
export interface SARSpec {
  user?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
  resourceAttributes?: Record<string, string>;
  nonResourceAttributes?: { path?: string; verb?: string };
}

/** A SubjectAccessReview status to answer with. */
export interface SARStatus {
  allowed: boolean;
  denied?: boolean;
  reason?: string;
  evaluationError?: string;
}

/** A stored core object (ConfigMap, Secret, Namespace). */
export interface CoreObject {
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; resourceVersion?: string; [k: string]: unknown };
  [k: string]: unknown;
}

/** An injected failure: answer with `status` (and a Status body), or wait `delayMs` first. */
export type Fault = { status: number; message?: string } | { delayMs: number };

/** One request the stand-in saw. */
export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  caller: string;
  body?: unknown;
}

type Resource = 'configmaps' | 'secrets' | 'namespaces';
const KINDS: Record<Resource, string> = { configmaps: 'ConfigMap', secrets: 'Secret', namespaces: 'Namespace' };

/** The running stand-in. */
export interface GardenStandIn {
  url: string;
  /** CA of the serving certificate (a kubeconfig's `certificate-authority-data`). */
  ca: string;
  /** CA whose client certificates the stand-in accepts. */
  clientCA: CertKeyPair;
  /** Bearer token the stand-in accepts from callers. */
  callerToken: string;
  /** TokenReview: token -> user (absent tokens are not authenticated). */
  tokens: Map<string, StandInUser>;
  /** SubjectAccessReview decision; default: no opinion (`allowed: false`). */
  authorize: (spec: SARSpec) => SARStatus | Promise<SARStatus>;
  /** Fault injection per request (checked before anything else). */
  fault: ((req: { method: string; path: string }) => Fault | undefined) | undefined;
  /**
   * While set, watches are answered 200 and then ended at once: `close` cleanly, `error` after an
   * ERROR event with a 500 Status (as kube-apiserver reports an internal watch error).
   */
  endWatches: 'close' | 'error' | undefined;
  /** Every request, in order. */
  requests: SeenRequest[];
  /** Requests whose path contains `fragment` (e.g. `tokenreviews`, `configmaps`). */
  count(fragment: string, method?: string): number;
  /**
   * Creates or replaces an object (bumping its resourceVersion; watchers see ADDED/MODIFIED, unless
   * `unwatched`: then only reads find it, as with an informer that lags).
   */
  setObject(resource: Resource, obj: CoreObject, opts?: { unwatched?: boolean }): CoreObject;
  deleteObject(resource: Resource, namespace: string, name: string): void;
  getObject(resource: Resource, namespace: string, name: string): CoreObject | undefined;
  /** Sets the data of `kube-system/extension-apiserver-authentication`. */
  setAuthenticationConfigMap(data: Record<string, string>): void;
  /** Writes a kubeconfig for the stand-in: a client certificate (CN/O) or the caller token. Returns `path`. */
  writeKubeconfig(path: string, auth?: { commonName: string; groups?: string[] } | 'token'): string;
  close(): Promise<void>;
}

interface Watcher {
  resource: Resource;
  namespace: string;
  name: string | undefined;
  res: ServerResponse;
}

function status(code: number, reason: string, message: string, details?: object): object {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details && { details }), code };
}

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
}

function matchesSelectors(obj: CoreObject, q: URLSearchParams, name: string | undefined): boolean {
  if (name !== undefined && obj.metadata.name !== name) return false;
  const labels = obj.metadata.labels ?? {};
  for (const term of (q.get('labelSelector') ?? '').split(',').filter((t) => t !== '')) {
    const m = /^\s*([^!=\s]+)\s*(!=|==|=)?\s*(.*?)\s*$/.exec(term);
    if (!m) return false;
    const [, key = '', op, value] = m;
    if (op === undefined ? !(key in labels) : op === '!=' ? labels[key] === value : labels[key] !== value) return false;
  }
  return true;
}

function fieldName(q: URLSearchParams): string | undefined {
  const m = /(?:^|,)metadata\.name==?([^,]*)/.exec(q.get('fieldSelector') ?? '');
  return m?.[1];
}

const keyOf = (r: Resource, ns: string, name: string) => `${r}/${r === 'namespaces' ? '' : ns}/${name}`;

class StandIn implements GardenStandIn {
  url = '';
  readonly servingCA = createCA('garden-standin-ca');
  readonly ca = this.servingCA.cert;
  readonly clientCA = createCA('garden-standin-client-ca');
  readonly callerToken = randomBytes(16).toString('hex');
  readonly tokens = new Map<string, StandInUser>();
  authorize: GardenStandIn['authorize'] = () => ({ allowed: false });
  fault: GardenStandIn['fault'] = undefined;
  endWatches: GardenStandIn['endWatches'] = undefined;
  readonly requests: SeenRequest[] = [];
  readonly #store = new Map<string, CoreObject>();
  readonly #watchers = new Set<Watcher>();
  #rv = 100;
  readonly server: Server;

  constructor() {
    const serving = createLeaf(this.servingCA, { commonName: 'garden-standin', usage: 'server', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    const tls = { cert: serving.cert, key: serving.key, ca: this.clientCA.cert, requestCert: true, rejectUnauthorized: false };
    this.server = createServer(tls, (req, res) => {
      this.#handle(req, res).catch((e: unknown) => send(res, 500, status(500, 'InternalError', e instanceof Error ? e.message : String(e))));
    });
  }

  count(fragment: string, method?: string): number {
    return this.requests.filter((r) => r.path.includes(fragment) && (method === undefined || r.method === method)).length;
  }

  #notify(resource: Resource, type: string, obj: CoreObject): void {
    for (const w of this.#watchers) {
      if (w.resource !== resource || (w.namespace !== '' && obj.metadata.namespace !== w.namespace)) continue;
      if (w.name !== undefined && w.name !== obj.metadata.name) continue;
      w.res.write(`${JSON.stringify({ type, object: obj })}\n`);
    }
  }

  setObject(resource: Resource, obj: CoreObject, opts: { unwatched?: boolean } = {}): CoreObject {
    const k = keyOf(resource, obj.metadata.namespace ?? '', obj.metadata.name);
    const existed = this.#store.has(k);
    const metadata = { ...structuredClone(obj.metadata), resourceVersion: String(++this.#rv) };
    if (resource === 'namespaces') delete metadata.namespace;
    const stored: CoreObject = { apiVersion: 'v1', kind: KINDS[resource], ...structuredClone(obj), metadata };
    this.#store.set(k, stored);
    if (opts.unwatched !== true) this.#notify(resource, existed ? 'MODIFIED' : 'ADDED', stored);
    return stored;
  }

  deleteObject(resource: Resource, namespace: string, name: string): void {
    const k = keyOf(resource, namespace, name);
    const obj = this.#store.get(k);
    if (obj === undefined) return;
    this.#store.delete(k);
    this.#notify(resource, 'DELETED', { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.#rv) } });
  }

  getObject(resource: Resource, namespace: string, name: string): CoreObject | undefined {
    return this.#store.get(keyOf(resource, namespace, name));
  }

  setAuthenticationConfigMap(data: Record<string, string>): void {
    this.setObject('configmaps', { metadata: { name: 'extension-apiserver-authentication', namespace: 'kube-system' }, data });
  }

  writeKubeconfig(path: string, auth: { commonName: string; groups?: string[] } | 'token' = { commonName: 'garden-apiserver' }): string {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    let user: Record<string, string>;
    if (auth === 'token') user = { token: this.callerToken };
    else {
      const leaf = createLeaf(this.clientCA, { commonName: auth.commonName, organizations: auth.groups ?? [], usage: 'client' });
      user = { 'client-certificate-data': b64(leaf.cert), 'client-key-data': b64(leaf.key) };
    }
    const config = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'garden', cluster: { server: this.url, 'certificate-authority-data': b64(this.ca) } }],
      users: [{ name: 'garden', user }],
      contexts: [{ name: 'garden', context: { cluster: 'garden', user: 'garden' } }],
      'current-context': 'garden',
      preferences: {},
    };
    writeFileSync(path, stringify(config), { mode: 0o600 });
    return path;
  }

  async close(): Promise<void> {
    for (const w of this.#watchers) w.res.end();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  #callerOf(req: IncomingMessage): string | undefined {
    const socket = req.socket as TLSSocket;
    if (socket.authorized) {
      const cn = socket.getPeerCertificate().subject?.CN;
      return `cert:${Array.isArray(cn) ? cn.join(',') : (cn ?? '')}`;
    }
    return req.headers.authorization === `Bearer ${this.callerToken}` ? 'token' : undefined;
  }

  #reviewToken(body: Record<string, unknown>): object {
    const spec = (body.spec ?? {}) as { token?: string; audiences?: string[] };
    const user = this.tokens.get(spec.token ?? '');
    const st = user === undefined ? { user: {}, error: 'invalid bearer token' } : { authenticated: true, user, ...(spec.audiences && { audiences: spec.audiences }) };
    return { kind: 'TokenReview', apiVersion: 'authentication.k8s.io/v1', metadata: { creationTimestamp: null }, spec, status: st };
  }

  async #reviewAccess(body: Record<string, unknown>): Promise<object> {
    const spec = (body.spec ?? {}) as SARSpec;
    const st = await this.authorize(spec);
    return { kind: 'SubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec, status: st };
  }

  #watch(res: ServerResponse, items: CoreObject[], url: URL, w: Omit<Watcher, 'res'>): void {
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    if (this.endWatches !== undefined) {
      if (this.endWatches === 'error') res.write(`${JSON.stringify({ type: 'ERROR', object: status(500, 'InternalError', 'watch failed') })}\n`);
      res.end();
      return;
    }
    const since = Number(url.searchParams.get('resourceVersion') ?? '0');
    for (const o of items) if (since === 0 || Number(o.metadata.resourceVersion) > since) res.write(`${JSON.stringify({ type: 'ADDED', object: o })}\n`);
    const watcher: Watcher = { ...w, res };
    this.#watchers.add(watcher);
    res.on('close', () => this.#watchers.delete(watcher));
  }

  #serveCore(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const seg = url.pathname.split('/').filter((s) => s !== '').slice(2); // after api/v1
    const namespaced = seg[0] === 'namespaces' && seg.length >= 3;
    const namespace = namespaced ? (seg[1] ?? '') : '';
    const rest = namespaced ? seg.slice(2) : seg;
    const resource = rest[0] as Resource;
    if (!(resource in KINDS) || rest.length > 2 || req.method !== 'GET') {
      send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
      return;
    }
    const name = rest[1];
    if (name !== undefined) {
      const obj = this.getObject(resource, namespace, name);
      if (obj === undefined) send(res, 404, status(404, 'NotFound', `${resource} "${name}" not found`, { name, kind: resource }));
      else send(res, 200, obj);
      return;
    }
    const wanted = fieldName(url.searchParams);
    const items = [...this.#store.values()].filter(
      (o) => o.kind === KINDS[resource] && (namespace === '' || o.metadata.namespace === namespace) && matchesSelectors(o, url.searchParams, wanted),
    );
    const watch = url.searchParams.get('watch');
    if (watch === 'true' || watch === '1') this.#watch(res, items, url, { resource, namespace, name: wanted });
    else send(res, 200, { kind: `${KINDS[resource]}List`, apiVersion: 'v1', metadata: { resourceVersion: String(this.#rv) }, items });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://standin');
    const method = req.method ?? 'GET';
    const fault = this.fault?.({ method, path: url.pathname });
    const caller = this.#callerOf(req);
    // Recorded as it arrives: a delayed answer to a client that gave up must not show up in a later test.
    const body = method === 'POST' ? await readJson(req).catch(() => undefined) : undefined;
    this.requests.push({ method, path: url.pathname, query: url.searchParams, caller: caller ?? 'anonymous', ...(body !== undefined && { body }) });
    if (fault !== undefined && 'delayMs' in fault) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault !== undefined && 'status' in fault) return send(res, fault.status, status(fault.status, 'InternalError', fault.message ?? 'injected fault'));
    if (caller === undefined) return send(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
    const post = (p: string) => method === 'POST' && url.pathname === p;
    const review = (body ?? {}) as Record<string, unknown>;
    if (post('/apis/authentication.k8s.io/v1/tokenreviews')) return send(res, 201, this.#reviewToken(review));
    if (post('/apis/authorization.k8s.io/v1/subjectaccessreviews')) return send(res, 201, await this.#reviewAccess(review));
    if (url.pathname.startsWith('/api/v1/')) return this.#serveCore(req, res, url);
    return send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
  }
}

/** Starts the stand-in on a free loopback port. */
export async function startGardenStandIn(): Promise<GardenStandIn> {
  const standIn = new StandIn();
  await new Promise<void>((resolve) => standIn.server.listen(0, '127.0.0.1', resolve));
  standIn.url = `https://127.0.0.1:${(standIn.server.address() as AddressInfo).port}`;
  return standIn;
}
