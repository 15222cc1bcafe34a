/**
 * The listener of `--health-port`: plain HTTP, like the kubelet's and kube-proxy's health ports,
 * answering `/livez`, `/readyz` and `/healthz` (with `?verbose`, `?exclude=` and per-check paths) to
 * anyone and 404 to everything else; it reads no credentials and serves nothing the API port does not
 * serve to anonymous probes.
 *
 * It runs in a worker thread of its own, so that nothing the main thread does (thousands of TLS
 * handshakes in a connection flood, a large response being encoded, a garbage collection) stands
 * between a kubelet's probe and its answer. The main thread evaluates the checks every
 * {@link HealthPortOptions.publishMs} and posts each result, stamped with the time it was obtained;
 * the worker answers from the latest results and counts one older than
 * {@link HealthPortOptions.staleMs} as failed. A main thread that stops turning (a deadlock, an
 * endless loop) therefore fails `/livez` after that long, as a kube-apiserver that cannot run its
 * checks fails its probes.
 */
import { Worker } from 'node:worker_threads';
import { evaluate, type HealthCheck, type HealthChecks } from './health.js';
import { listenBacklog } from './listener.js';
import { pathNotFound } from '../apimachinery/errors.js';

/** Tuning of the health port; the defaults suit kubelet probes with second-scale timeouts. */
export interface HealthPortOptions {
  /** How often the main thread evaluates and posts the checks (default 500 ms). */
  publishMs?: number;
  /** Age beyond which a posted result counts as failed (default 10 s). */
  staleMs?: number;
}

/** A running health port. */
export interface HealthPort {
  /** The port it listens on (useful when 0 was asked for). */
  readonly port: number;
  /** Stops listening and ends the worker thread with its connections. */
  close(): Promise<void>;
}

/** One check's latest result as posted to the worker. */
interface PostedResult {
  name: string;
  ok: boolean;
  /** `Date.now()` when the result was obtained. */
  at: number;
  detail?: string;
}

const PUBLISH_MS = 500;
const STALE_MS = 10_000;

/**
 * The worker: an HTTP server answering probes from the results the main thread posts. The answer
 * texts are those of `health.ts` (the API port's probes), check for check.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createServer } = require('node:http');
const { host, port, backlog, endpoints, staleMs, notFound } = workerData;
const PROBE = /^\\/(livez|readyz|healthz)(?:\\/([^/]*))?$/;
const results = new Map();
parentPort.on('message', (posted) => {
  for (const r of posted) results.set(r.name, r);
});
function send(res, status, type, body) {
  res.writeHead(status, { 'Content-Type': type, 'X-Content-Type-Options': 'nosniff', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
function answer(req, res) {
  let url;
  try {
    url = new URL(req.url || '/', 'http://probe');
  } catch {
    return send(res, 404, 'application/json', notFound);
  }
  const m = PROBE.exec(url.pathname);
  if (m === null || (req.method !== 'GET' && req.method !== 'HEAD')) return send(res, 404, 'application/json', notFound);
  const endpoint = m[1];
  const excluded = new Set(url.searchParams.getAll('exclude'));
  const all = endpoints[endpoint];
  let selected = all.filter((n) => !excluded.has(n));
  if (m[2] !== undefined && m[2] !== '') {
    let only;
    try {
      only = decodeURIComponent(m[2]);
    } catch {
      only = m[2];
    }
    selected = selected.filter((n) => n === only);
    if (selected.length === 0) return send(res, 404, 'application/json', notFound);
  }
  const now = Date.now();
  const lineOf = new Map();
  let failed = false;
  for (const name of selected) {
    const r = results.get(name);
    const ok = r !== undefined && r.ok && now - r.at < staleMs;
    if (!ok) failed = true;
    lineOf.set(name, ok ? '[+]' + name + ' ok' + (r.detail ? ' (' + r.detail + ')' : '') : '[-]' + name + ' failed: reason withheld');
  }
  const type = 'text/plain; charset=utf-8';
  if (!failed && !url.searchParams.has('verbose')) return send(res, 200, type, 'ok');
  // In the checks' order, exclusions in place, then those that match nothing (as apiserver/health.ts).
  const names = selected.length === 1 && m[2] ? selected : all;
  const lines = [];
  for (const n of names) {
    if (excluded.has(n)) lines.push('[+]' + n + ' excluded: ok');
    else if (lineOf.has(n)) lines.push(lineOf.get(n));
  }
  const unmatched = [...excluded].filter((x) => !names.includes(x)).sort();
  if (unmatched.length > 0) lines.push('warn: some health checks cannot be excluded: no matches for ' + unmatched.map((x) => JSON.stringify(x)).join(','));
  lines.push(endpoint + (failed ? ' check failed' : ' check passed'));
  send(res, failed ? 500 : 200, type, lines.join('\\n') + '\\n');
}
const server = createServer(answer);
server.on('error', (err) => parentPort.postMessage({ error: err.message }));
server.listen({ host, port, backlog }, () => parentPort.postMessage({ port: server.address().port }));
`;

/** Each check once (the endpoints share some), by name. */
function distinctChecks(checks: HealthChecks): HealthCheck[] {
  const byName = new Map<string, HealthCheck>();
  for (const c of [...checks.livez, ...checks.readyz, ...checks.healthz]) byName.set(c.name, c);
  return [...byName.values()];
}

/** Starts the worker and waits until it listens. @throws Error when it cannot listen. */
function startWorker(host: string, port: number, checks: HealthChecks, staleMs: number): Promise<{ worker: Worker; port: number }> {
  const names = (list: HealthCheck[]) => list.map((c) => c.name);
  const workerData = {
    host,
    port,
    backlog: listenBacklog(),
    endpoints: { livez: names(checks.livez), readyz: names(checks.readyz), healthz: names(checks.healthz) },
    staleMs,
    notFound: JSON.stringify(pathNotFound().status),
  };
  const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData });
  return new Promise((resolve, reject) => {
    const failed = (err: Error) => {
      void worker.terminate();
      reject(err);
    };
    worker.once('error', failed);
    worker.once('message', (msg: { port?: number; error?: string }) => {
      worker.off('error', failed);
      if (msg.port !== undefined) resolve({ worker, port: msg.port });
      else failed(new Error(`health port ${host}:${port}: ${msg.error ?? 'cannot listen'}`));
    });
  });
}

/**
 * Listens on `host:port` for probes, answered in a worker thread from the checks' latest results.
 * @throws Error when the port cannot be listened on.
 */
export async function listenHealth(host: string, port: number, checks: HealthChecks, opts: HealthPortOptions = {}): Promise<HealthPort> {
  const { worker, port: bound } = await startWorker(host, port, checks, opts.staleMs ?? STALE_MS);
  worker.unref();
  const all = distinctChecks(checks);
  const post = (results: PostedResult[]) => worker.postMessage(results);
  const pending = new Set<HealthCheck>();
  const publish = () => {
    for (const check of all) {
      if (pending.has(check)) continue; // a slow check ages until it answers
      pending.add(check);
      void evaluate(check).then((ok) => {
        pending.delete(check);
        const detail = check.detail?.();
        post([{ name: check.name, ok, at: Date.now(), ...(detail ? { detail } : {}) }]);
      });
    }
  };
  publish();
  const timer = setInterval(publish, opts.publishMs ?? PUBLISH_MS);
  timer.unref();
  return {
    port: bound,
    async close() {
      clearInterval(timer);
      await worker.terminate();
    },
  };
}
