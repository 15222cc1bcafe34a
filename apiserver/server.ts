/**
 * Assembles the HTTP application (filters, health, discovery, OpenAPI, resources) and serves it over
 * HTTPS with client-certificate support. Nothing outside this folder knows about express.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { pathNotFound } from '../apimachinery/errors.js';
import type { AdmissionChain } from '../admission/chain.js';
import { withAudit, withAuditInit, withAuditPanic, type Auditor } from './audit/index.js';
import type { Authenticator } from './authn/types.js';
import type { Authorizer } from './authz/types.js';
import { discoveryHandlers } from './discovery.js';
import { errorWriter, withAuthentication, withAuthorization, withRequestInfo, withRequestLog } from './filters.js';
import type { SubresourceCreator } from './handlers/context.js';
import { withInflightLimit, withTimeout, type Lifecycle } from './lifecycle.js';
import { withMetrics, type ServerMetrics } from './metrics.js';
import { resourceHandler } from './handlers/index.js';
import { healthRouter, type HealthChecks } from './health.js';
import type { Logger } from './log.js';
import { openapiRouter } from './openapi.js';
import type { ResourceIndex } from './resources.js';

/** Largest accepted request body (Kubernetes' limit). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

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
  /** Create-only subresources (`shoots/adminkubeconfig`), keyed `<group>/<resource>/<subresource>`. */
  subresourceCreators?: ReadonlyMap<string, SubresourceCreator>;
  /** Audit logging; undefined when off (the Audit-Id header is still set). */
  auditor?: Auditor | undefined;
}

/** The express application with every route and filter. */
export function createApp(config: AppConfig): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('query parser', 'simple');
  app.use(withRequestInfo());
  app.use(withRequestLog(config.log, 2));
  for (const d of config.index.descriptors()) {
    for (const sub of ['', ...d.subresources.map((x) => x.name)]) config.metrics.knownResources.add(`${d.group}/${d.version}/${d.resource}/${sub}`);
  }
  app.use(withMetrics(config.metrics));
  app.use(withAuditInit(config.auditor));
  app.use(withAuthentication(config.authenticator, config.anonymousAuth));
  app.use(withAudit(config.auditor));
  app.use(withInflightLimit(config.limits.maxRequestsInflight, config.limits.maxMutatingRequestsInflight, config.metrics));
  app.use(withTimeout(config.limits.requestTimeoutMs, config.metrics));
  app.use(withAuthorization(config.authorizer));
  app.use(healthRouter(config.health, config.version));
  app.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', config.metrics.registry.contentType);
    res.end(await config.metrics.registry.metrics());
  });
  app.use(openapiRouter(config.index));
  const discovery = discoveryHandlers(config.index);
  app.get('/apis', discovery.apis);
  app.get('/apis/:group', discovery.group);
  app.get('/apis/:group/:version', discovery.groupVersion);
  app.use('/apis', express.raw({ type: () => true, limit: MAX_BODY_BYTES }), resourceHandler({
      index: config.index,
      admission: config.admission,
      lifecycle: config.lifecycle,
      metrics: config.metrics,
      log: config.log,
      ...(config.subresourceCreators !== undefined && { subresourceCreators: config.subresourceCreators }),
    }));
  app.use(() => {
    throw pathNotFound();
  });
  app.use(withAuditPanic());
  app.use(errorWriter((msg, e) => config.log.error(msg, { err: e })));
  return app;
}

/** TLS material for the listener. */
export interface TLSConfig {
  cert: string;
  key: string;
  /** CA bundle client certificates are verified against. */
  clientCA: string;
}

/** Serves `app` over HTTPS on `host:port` (port 0 picks a free one). */
export async function listen(app: Express, tls: TLSConfig, host: string, port: number): Promise<{ server: Server; port: number }> {
  const server = createServer({ cert: tls.cert, key: tls.key, ca: tls.clientCA, requestCert: true, rejectUnauthorized: false }, app);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { server, port: (server.address() as AddressInfo).port };
}
