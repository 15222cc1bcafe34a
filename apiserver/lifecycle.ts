/**
 * Request lifecycle filters and graceful shutdown: in-flight limits (429 with Retry-After), request
 * timeouts (504), long-running request tracking, and SIGTERM handling that fails /readyz first, waits
 * `--shutdown-delay-duration`, lets in-flight requests finish and ends watches cleanly.
 */
import type { Server } from 'node:https';
import type { Request, RequestHandler, Response } from 'express';
import { DurationError, parseDuration } from '../apimachinery/duration.js';
import { badRequest, timeout, tooManyRequests } from '../apimachinery/errors.js';
import type { Status } from '../apimachinery/types.js';
import { deepFreeze } from '../storage/cacher/state.js';
import type { UserInfo } from '../registry/types.js';
import { isProbe, type HealthCheck } from './health.js';
import type { ServerMetrics } from './metrics.js';
import { requestLabels } from './metrics.js';
import { str } from './query.js';
import type { RequestInfo } from './requestinfo.js';
import { sendStatus } from './respond.js';
import { RetryAfter } from './retry-after.js';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function isLongRunning(info: RequestInfo): boolean {
  return info.verb === 'watch';
}


/** Tracks watches and shutdown state shared by the filters and handlers. */
export class Lifecycle {
  private stopping = false;
  private readonly watches = new Set<() => void>();

  get shuttingDown(): boolean {
    return this.stopping;
  }

  /** Registers a running watch's stop function; returns the function that unregisters it. */
  registerWatch(stop: () => void): () => void {
    this.watches.add(stop);
    return () => this.watches.delete(stop);
  }

  /** The `/readyz` check that fails as soon as shutdown starts. */
  readonly readyzCheck: HealthCheck = {
    name: 'shutdown',
    check: async () => {
      if (this.stopping) throw new Error('shutting down');
    },
  };

  /**
   * Graceful shutdown: /readyz fails, `delayMs` passes while serving goes on, then the listener closes,
   * watches end and in-flight requests finish (bounded by `drainMs`).
   */
  async shutdown(server: Server, delayMs: number, drainMs = 60_000): Promise<void> {
    this.stopping = true;
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    for (const stop of [...this.watches]) stop();
    const timer = setTimeout(() => server.closeAllConnections(), drainMs);
    await closed;
    clearTimeout(timer);
  }
}

/**
 * The Status of a request refused by the in-flight limits, one frozen object per Retry-After value: a
 * flood answers thousands of them a second, and building each as an error (with its stack trace) cost
 * ~2% of the server's CPU there.
 */
const refusals = new Map<number, Status>();
function tooManyRequestsStatus(retryAfterSeconds: number): Status {
  let status = refusals.get(retryAfterSeconds);
  if (status === undefined) {
    status = deepFreeze(tooManyRequests('Too many requests, please try again later.', retryAfterSeconds).status);
    refusals.set(retryAfterSeconds, status);
  }
  return status;
}

/**
 * Limits concurrent non-long-running requests, answering 429 at once beyond the limit, with a
 * Retry-After that grows while refusals go on ({@link RetryAfter}); `system:masters` and health probes
 * are exempt, as in Kubernetes (probes: the exempt priority level of the `probes` flow schema), so that
 * a kubelet learns the server's state even while every slot is taken.
 */
export function withInflightLimit(maxReadOnly: number, maxMutating: number, metrics: ServerMetrics): RequestHandler {
  const current = { readOnly: 0, mutating: 0 };
  const retryAfter = { readOnly: new RetryAfter(), mutating: new RetryAfter() };
  return (req: Request, res: Response, next) => {
    const info = res.locals.info as RequestInfo;
    const user = res.locals.user as UserInfo;
    if (isLongRunning(info) || user.groups.includes('system:masters') || isProbe(req.path)) {
      next();
      return;
    }
    const kind = MUTATING.has(req.method) ? 'mutating' : 'readOnly';
    const limit = kind === 'mutating' ? maxMutating : maxReadOnly;
    if (limit > 0 && current[kind] >= limit) {
      metrics.rejected.inc({ request_kind: kind });
      sendStatus(res, tooManyRequestsStatus(retryAfter[kind].refuse()));
      return;
    }
    current[kind]++;
    metrics.inflight.set({ request_kind: kind }, current[kind]);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      current[kind]--;
      metrics.inflight.set({ request_kind: kind }, current[kind]);
    };
    res.once('finish', release);
    res.once('close', release);
    next();
  };
}

/**
 * The `timeout` parameter in milliseconds, read as a Go duration as kube-apiserver reads it (client-go
 * sends `32s`, `1m0s`); undefined when absent.
 * @throws StatusError 400 with Go's parse error for a value that is no duration.
 */
function timeoutParam(req: Request): number | undefined {
  const v = str(req.query, 'timeout');
  if (v === undefined || v === '') return undefined;
  try {
    return Number(parseDuration(v) / 1_000_000n);
  } catch (e: unknown) {
    if (e instanceof DurationError) throw badRequest(`invalid timeout specified in the request URL - ${e.message}`);
    throw e;
  }
}

/**
 * Ends non-long-running requests that take longer than `defaultMs` (or a shorter `?timeout=`) with 504.
 * Long-running requests are counted in `apiserver_longrunning_requests` instead.
 */
export function withTimeout(defaultMs: number, metrics: ServerMetrics): RequestHandler {
  return (req: Request, res: Response, next) => {
    const info = res.locals.info as RequestInfo;
    if (isLongRunning(info)) {
      const labels = requestLabels(req, info, metrics.knownResources);
      metrics.longRunning.inc(labels);
      res.once('close', () => metrics.longRunning.dec(labels));
      next();
      return;
    }
    let requested: number | undefined;
    try {
      requested = timeoutParam(req);
    } catch (e: unknown) {
      next(e);
      return;
    }
    const ms = requested !== undefined && requested > 0 && requested < defaultMs ? requested : defaultMs;
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      sendStatus(res, timeout('request did not complete within the allotted timeout').status);
    }, ms);
    const clear = () => clearTimeout(timer);
    res.once('finish', clear);
    res.once('close', clear);
    next();
  };
}
