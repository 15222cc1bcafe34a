/**
 * Prometheus metrics (prom-client), named as kube-apiserver names them where there is an upstream
 * equivalent: request counts and latencies, long-running requests (watches), stored objects.
 */
import type { Request, RequestHandler, Response } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { KeyPoolStats } from '../registry/kubeconfig/keys.js';
import type { RequestInfo } from './requestinfo.js';
import { readTime } from './received.js';
import { switchedProtocols } from './upgrade.js';

const REQUEST_LABELS = ['verb', 'dry_run', 'group', 'version', 'resource', 'subresource', 'scope', 'component'] as const;

let processRegistry: Registry | undefined;

/**
 * The process's own metrics (`process_*`, `nodejs_*`: memory, CPU, garbage collection, event-loop
 * delay as p50/p99/max since the previous scrape), collected once per process however many servers
 * run in it.
 */
function processMetrics(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** The server's metric registry and instruments. */
export class ServerMetrics {
  readonly registry = new Registry();
  /**
   * Served `<group>/<version>/<resource>/<subresource>` combinations. Labels of other requests (404s,
   * probes of made-up paths) are blanked, so callers cannot create series without bound.
   */
  readonly knownResources = new Set<string>();
  readonly requests = new Counter({ name: 'apiserver_request_total', help: 'Requests by verb, resource and HTTP code.', labelNames: [...REQUEST_LABELS, 'code'], registers: [this.registry] });
  readonly duration = new Histogram({
    name: 'apiserver_request_duration_seconds',
    help: 'Response latency by verb and resource.',
    labelNames: [...REQUEST_LABELS],
    buckets: [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60],
    registers: [this.registry],
  });
  readonly longRunning = new Gauge({ name: 'apiserver_longrunning_requests', help: 'Long-running requests (watches) being served.', labelNames: [...REQUEST_LABELS], registers: [this.registry] });
  readonly inflight = new Gauge({ name: 'apiserver_current_inflight_requests', help: 'Requests being served, by kind of request.', labelNames: ['request_kind'], registers: [this.registry] });
  readonly rejected = new Counter({ name: 'apiserver_dropped_requests_total', help: 'Requests refused with 429 because of the in-flight limits.', labelNames: ['request_kind'], registers: [this.registry] });
  readonly storageLatency = new Histogram({
    name: 'garden_apiserver_storage_request_duration_seconds',
    help: 'Latency of storage backend calls by operation.',
    labelNames: ['backend', 'operation'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly deletedByCollection = new Counter({
    name: 'garden_apiserver_deletecollection_objects_total',
    help: 'Objects deleted (or marked for deletion) by deletecollection requests.',
    labelNames: ['resource'],
    registers: [this.registry],
  });
  readonly storageWatches = new Gauge({ name: 'garden_apiserver_storage_watches', help: 'Open watches on the storage backend.', labelNames: ['backend'], registers: [this.registry] });
  readonly kubeconfigsIssued = new Counter({
    name: 'garden_apiserver_kubeconfig_issued_total',
    help: 'Kubeconfigs issued through shoots/adminkubeconfig and shoots/viewerkubeconfig.',
    labelNames: ['kind', 'group'],
    registers: [this.registry],
  });

  readonly reencryptedObjects = new Counter({
    name: 'garden_apiserver_reencryption_objects_total',
    help: 'Objects rewritten by background re-encryption.',
    labelNames: ['resource'],
    registers: [this.registry],
  });

  /** Adds the RSA client key pool's level and counters, read when scraped. */
  keyPool(stats: () => KeyPoolStats): void {
    const gauge = (name: string, help: string, value: (s: KeyPoolStats) => number) =>
      new Gauge({ name, help, registers: [this.registry], collect() { this.set(value(stats())); } });
    const counter = (name: string, help: string, value: (s: KeyPoolStats) => number) =>
      new Counter({ name, help, registers: [this.registry], collect() { this.reset(); this.inc(value(stats())); } });
    gauge('garden_apiserver_kubeconfig_key_pool_keys', 'RSA client keys ready in the pool.', (s) => s.available);
    gauge('garden_apiserver_kubeconfig_key_pool_capacity', 'RSA client keys the pool keeps ready when full.', (s) => s.capacity);
    gauge('garden_apiserver_kubeconfig_key_pool_workers', 'Worker threads generating RSA client keys.', (s) => s.workers);
    counter('garden_apiserver_kubeconfig_key_pool_generated_total', 'RSA client keys generated.', (s) => s.generated);
    counter('garden_apiserver_kubeconfig_key_pool_waits_total', 'Kubeconfig requests that found the pool empty and waited for a key.', (s) => s.waited);
  }

  /** The Prometheus text exposition of the server's and the process's metrics. */
  async exposition(): Promise<string> {
    return `${await this.registry.metrics()}\n${await processMetrics().metrics()}`;
  }

  /** Adds a gauge of stored objects per resource, read when scraped. */
  storedObjects(count: () => Promise<Record<string, number>>): void {
    new Gauge({
      name: 'apiserver_storage_objects',
      help: 'Number of stored objects per resource.',
      labelNames: ['resource'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const [resource, n] of Object.entries(await count())) this.set({ resource }, n);
      },
    });
  }
}

/** Metric verb: GET/LIST/WATCH/POST/PUT/PATCH/APPLY/DELETE/DELETECOLLECTION, or the method. */
export function metricVerb(info: RequestInfo, method: string, contentType: string | undefined): string {
  if (!info.isResourceRequest) return method.toUpperCase();
  switch (info.verb) {
    case 'list':
      return 'LIST';
    case 'watch':
      return 'WATCH';
    case 'deletecollection':
      return 'DELETECOLLECTION';
    case 'patch':
      return (contentType ?? '').startsWith('application/apply-patch') ? 'APPLY' : 'PATCH';
    default:
      return method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  }
}

function scope(info: RequestInfo): string {
  if (!info.isResourceRequest) return '';
  if (info.name !== '') return 'resource';
  return info.namespace !== '' ? 'namespace' : 'cluster';
}

/** Labels of a request (without code). */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'LIST', 'WATCH', 'APPLY', 'DELETECOLLECTION']);

export function requestLabels(req: Request, info: RequestInfo, known?: ReadonlySet<string>): Record<(typeof REQUEST_LABELS)[number], string> {
  const dry = req.query.dryRun;
  const verb = metricVerb(info, req.method, req.headers['content-type']);
  const served = known === undefined || known.has(`${info.apiGroup}/${info.apiVersion}/${info.resource}/${info.subresource}`);
  return {
    verb: METHODS.has(verb) ? verb : 'other',
    dry_run: dry === 'All' || (Array.isArray(dry) && dry.includes('All')) ? 'All' : '',
    group: served ? info.apiGroup : '',
    version: served ? info.apiVersion : '',
    resource: served ? info.resource : '',
    subresource: served ? info.subresource : '',
    scope: scope(info),
    component: 'apiserver',
  };
}

/**
 * Leaves the request out of `apiserver_request_total` and its duration: kube-apiserver counts there
 * only what reaches its API handlers, not what authentication, impersonation or authorization refuse.
 */
export function unmetered(res: Response): void {
  res.locals.unmetered = true;
}

/** Records count and latency of every request once it finishes (or its connection closes), unless {@link unmetered}. */
export function withMetrics(metrics: ServerMetrics): RequestHandler {
  return (req: Request, res: Response, next) => {
    const start = readTime(req);
    let done = false;
    const record = () => {
      if (done) return;
      done = true;
      const info = res.locals.info as RequestInfo | undefined;
      if (info === undefined || res.locals.unmetered === true) return;
      const labels = requestLabels(req, info, metrics.knownResources);
      // A connection switched over (a watch over WebSocket) never had a status written: kube counts code 0.
      metrics.requests.inc({ ...labels, code: switchedProtocols(res) ? '0' : String(res.statusCode) });
      metrics.duration.observe(labels, (performance.now() - start) / 1000);
    };
    res.once('finish', record);
    res.once('close', record);
    next();
  };
}
