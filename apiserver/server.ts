/**
 * Assembles the HTTP application (filters, health, discovery, OpenAPI, resources) and serves it over
 * HTTPS with client-certificate support. Nothing outside this folder knows about express.
 */
import type { Server } from 'node:https';
import express, { type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { pathNotFound } from '../apimachinery/errors.js';
import type { AdmissionChain } from '../admission/chain.js';
import { withAudit, withAuditInit, withAuditPanic, type Auditor } from './audit/index.js';
import type { Authenticator } from './authn/types.js';
import type { Authorizer } from './authz/types.js';
import { discoveryHandlers, type StaticGroup } from './discovery.js';
import { coreV1Router, type ReadOnlyResource } from './standalone/corev1.js';
import { AUTHORIZATION_GROUP, selfSubjectAccessReviewHandler, SSAR_PATH } from './standalone/ssar.js';
import { errorWriter, withAuthentication, withAuthorization, withRequestInfo, withRequestLog } from './filters.js';
import { withImpersonation } from './impersonation.js';
import type { RequestInfo } from './requestinfo.js';
import { protobufMessage, type RegistrySettings } from '../registry/types.js';
import type { SubresourceCreator } from './handlers/context.js';
import { withInflightLimit, withTimeout, type Lifecycle } from './lifecycle.js';
import { withMetrics, type ServerMetrics } from './metrics.js';
import { resourceHandler } from './handlers/index.js';
export type { TLSConfig } from './listener.js';
import { healthRouter, type HealthChecks } from './health.js';
import { MAX_BODY_BYTES } from './decode.js';
import type { Logger } from './log.js';
import { openListener, type TLSConfig } from './listener.js';
import { withExecutionSeats } from './seats.js';
import { openapiRouter } from './openapi.js';
import { parseQuery } from './query.js';
import type { ResourceIndex } from './resources.js';

/** What the application is built from. */
export interface AppConfig {
  index: ResourceIndex;
  admission: AdmissionChain;
  authenticator: Authenticator;
  authorizer: Authorizer;
  anonymousAuth: boolean;
  health: HealthChecks;
  version: string;
  log: Logger;
  metrics: ServerMetrics;
  lifecycle: Lifecycle;
  limits: { maxRequestsInflight: number; maxMutatingRequestsInflight: number; requestTimeoutMs: number };
  /** Settings the kinds' strategies read (flags such as `--shoot-credentials-rotation-interval`). */
  settings?: RegistrySettings;
  /** Create-only subresources (`shoots/adminkubeconfig`), keyed `<group>/<resource>/<subresource>`. */
  subresourceCreators?: ReadonlyMap<string, SubresourceCreator>;
  /** Audit logging; undefined when off (the Audit-Id header is still set). */
  auditor?: Auditor | undefined;
  /**
   * Standalone mode's stand-in for the garden cluster: read-only `v1` resources (discovered at `/api`)
   * and SelfSubjectAccessReviews answered by `authorizer`. Absent in aggregated mode.
   */
  standalone?: { coreV1: readonly ReadOnlyResource[] };
}

/** Routes of standalone mode's `/api` and SelfSubjectAccessReview; the static groups they add to discovery. */
function standaloneRoutes(app: Express, config: AppConfig, discovery: ReturnType<typeof discoveryHandlers>): void {
  if (config.standalone === undefined) return;
  app.get('/api', discovery.legacy);
  app.get('/api/:version', discovery.legacyVersion);
  app.use('/api/v1', coreV1Router(config.standalone.coreV1));
  app.post(SSAR_PATH, express.raw({ type: () => true, limit: MAX_BODY_BYTES }), selfSubjectAccessReviewHandler(config.authorizer));
}

function staticGroups(config: AppConfig): StaticGroup[] {
  if (config.standalone === undefined) return [];
  return [{ group: '', version: 'v1', resources: [...config.standalone.coreV1] }, AUTHORIZATION_GROUP];
}

/**
 * `Cache-Control: no-cache, private` on every answer unless its handler sets another (discovery,
 * OpenAPI), as kube-apiserver's WithCacheControl filter does: no cache between client and server keeps
 * one user's objects or errors for another.
 */
function withCacheControl(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Cache-Control', 'no-cache, private');
  next();
}

/**
 * `router` entered only for paths that start with one of `prefixes` (compared in lower case, as
 * express matches routes case-insensitively); every other request goes straight on. The same answers
 * as mounting `router` for every path when each of its routes starts with one of the prefixes: it
 * spares the other requests (every resource request) a pass through the router, which costs a
 * dispatch and an event-loop turn (`setImmediate`) on the way out.
 */
function onlyUnder(prefixes: readonly string[], router: RequestHandler): RequestHandler {
  return (req, res, next) => {
    const path = req.path.toLowerCase();
    if (prefixes.some((p) => path.startsWith(p))) return router(req, res, next);
    next();
  };
}

/** The express application with every route and filter. */
export function createApp(config: AppConfig): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('query parser', parseQuery);
  app.use(withCacheControl);
  app.use(withRequestInfo());
  app.use(withRequestLog(config.log, 2));
  for (const d of config.index.descriptors()) {
    for (const sub of ['', ...d.subresources.map((x) => x.name)]) config.metrics.knownResources.add(`${d.group}/${d.version}/${d.resource}/${sub}`);
  }
  const extra = staticGroups(config);
  for (const g of extra) for (const r of g.resources) config.metrics.knownResources.add(`${g.group}/${g.version}/${r.name}/`);
  app.use(withMetrics(config.metrics));
  app.use(withAuditInit(config.auditor));
  app.use(withAuthentication(config.authenticator, config.anonymousAuth));
  // Outside the audit filter, as kube-apiserver's: a blocking audit backend's wait counts too.
  app.use(withTimeout(config.limits.requestTimeoutMs, config.metrics));
  app.use(withAudit(config.auditor));
  app.use(withInflightLimit(config.limits.maxRequestsInflight, config.limits.maxMutatingRequestsInflight, config.metrics));
  app.use(withImpersonation(config.authorizer));
  app.use(withAuthorization(config.authorizer));
  app.use(withExecutionSeats());
  app.use(onlyUnder(['/healthz', '/livez', '/readyz', '/version'], healthRouter(config.health, config.version)));
  app.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', config.metrics.registry.contentType);
    res.end(await config.metrics.exposition());
  });
  app.use(onlyUnder(['/openapi/'], openapiRouter(config.index)));
  const discovery = discoveryHandlers(config.index, extra);
  standaloneRoutes(app, config, discovery);
  app.get('/apis', discovery.apis);
  app.get('/apis/:group', discovery.group);
  app.get('/apis/:group/:version', discovery.groupVersion);
  app.use('/apis', express.raw({ type: () => true, limit: MAX_BODY_BYTES }), resourceHandler({
      index: config.index,
      admission: config.admission,
      authorizer: config.authorizer,
      lifecycle: config.lifecycle,
      metrics: config.metrics,
      log: config.log,
      ...(config.subresourceCreators !== undefined && { subresourceCreators: config.subresourceCreators }),
      ...(config.settings !== undefined && { settings: config.settings }),
    }));
  app.use(() => {
    throw pathNotFound();
  });
  app.use(withAuditPanic());
  const speaksProtobuf = (info: RequestInfo): boolean => {
    const d = config.index.get(info.apiGroup, info.apiVersion, info.resource)?.descriptor;
    return d !== undefined && protobufMessage(d, d.subresources.find((s) => s.name === info.subresource)) !== undefined;
  };
  app.use(errorWriter((msg, e) => config.log.error(msg, { err: e }), speaksProtobuf));
  return app;
}

/**
 * Serves `app` over HTTPS on `host:port` (port 0 picks a free one): {@link openListener} handing every
 * request to `app` from the start.
 */
export async function listen(app: Express, tls: TLSConfig, host: string, port: number): Promise<{ server: Server; port: number }> {
  const listener = await openListener(tls, host, port);
  listener.serve(app, tls);
  return { server: listener.server, port: listener.port };
}
