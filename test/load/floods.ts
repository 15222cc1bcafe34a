/**
 * Floods with probes: a flood worker process hammers the server while this process sends a health
 * probe on a fresh connection (as a kubelet does) every {@link PROBE_INTERVAL_MS}, and the server's
 * event-loop delay over the flood is read from its metrics (monitorEventLoopDelay, reset per scrape).
 */
import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { request } from 'node:https';
import { join } from 'node:path';
import { CpuMeter } from '../bench/cpu.js';
import { REPO_ROOT } from '../support/server.js';
import { GROUP_PATH, LOAD_TOKEN, mib, peakRss, resetPeak, rss, scrape, type LoadServer } from './fixture.js';
import type { FloodConfig, FloodResult } from './flood-worker.js';
import { figure, type Figure } from './report.js';
import { ThreadMeter } from './schedstat.js';

const PROBE_INTERVAL_MS = 100;
const PROBE_TIMEOUT_MS = 10_000;
const PROBE_PATHS = ['/livez', '/readyz', '/healthz'];

/** One probe: how long until the whole answer was read, and its status (0: failed or timed out). */
interface ProbeResult {
  ms: number;
  status: number;
}

/** A GET on a fresh connection (no keep-alive), as the kubelet probes. */
function probe(base: string, ca: string, path: string): Promise<ProbeResult> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const done = (status: number) => resolve({ ms: performance.now() - t0, status });
    const url = new URL(path, base);
    const req = (url.protocol === 'http:' ? httpRequest : request)(url, { ca, agent: false }, (res) => {
      res.resume();
      res.on('end', () => done(res.statusCode ?? 0));
      res.on('error', () => done(0));
    });
    req.setTimeout(PROBE_TIMEOUT_MS, () => req.destroy(new Error('probe timed out')));
    req.on('error', () => done(0));
    req.end();
  });
}

/** Probes `base` every interval until `stop` resolves; every probe is awaited before returning. */
async function probeUntil(base: string, ca: string, stop: Promise<unknown>): Promise<ProbeResult[]> {
  const pending: Array<Promise<ProbeResult>> = [];
  let stopped = false;
  void stop.then(() => (stopped = true));
  for (let i = 0; !stopped; i++) {
    pending.push(probe(base, ca, PROBE_PATHS[i % PROBE_PATHS.length] ?? '/livez'));
    await new Promise((r) => setTimeout(r, PROBE_INTERVAL_MS));
  }
  return Promise.all(pending);
}

/** `answered within 1 s` figure of a series of probes. */
function probeFigure(name: string, probes: readonly ProbeResult[], target: string | undefined): Figure {
  const ms = probes.map((p) => p.ms).sort((a, b) => a - b);
  const answered = probes.filter((p) => p.status !== 0 && p.ms <= 1000).length;
  const value = `${((100 * answered) / probes.length).toFixed(1)}% of ${probes.length}; p50 ${percentile(ms, 50).toFixed(0)} ms, p99 ${percentile(ms, 99).toFixed(0)} ms, max ${(ms.at(-1) ?? 0).toFixed(0)} ms`;
  return target === undefined ? figure(name, value) : figure(name, value, target, answered === probes.length);
}

function runWorker(cfg: FloodConfig): Promise<FloodResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'test/load/flood-worker.ts'), JSON.stringify(cfg)], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (b: Buffer) => (out += b.toString()));
    proc.stderr.on('data', (b: Buffer) => (err += b.toString()));
    proc.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as FloodResult) : reject(new Error(`flood worker exited with ${code}: ${err}`))));
  });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

/** What a flood is: `list` pages through every InternalSecret, `get` reads single ones. */
export interface FloodSpec {
  name: string;
  mode: 'list' | 'get';
  connections: number;
  durationMs: number;
  /** Seeded objects (the `get` flood picks among them). */
  objects: number;
}

/** Runs one flood with probes; returns its figures. */
export async function floodWithProbes(s: LoadServer, spec: FloodSpec, others: Record<string, number | undefined>): Promise<Figure[]> {
  await scrape(s, ['nodejs_eventloop_lag_max_seconds']); // resets the server's delay histogram
  const rssBefore = rss(s.pid);
  resetPeak(s.pid);
  const cpu = new CpuMeter({ server: s.pid, ...others }).start();
  const mainThread = new ThreadMeter(s.pid).start();
  const worker = runWorker({
    url: s.url,
    ca: s.creds.ca,
    token: LOAD_TOKEN,
    mode: spec.mode,
    connections: spec.connections,
    durationMs: spec.durationMs,
    limit: 500,
    objects: spec.objects,
    listPath: `${GROUP_PATH}/internalsecrets`,
  });
  const [health, api] = await Promise.all([probeUntil(s.healthUrl, s.creds.ca, worker), probeUntil(s.url, s.creds.ca, worker)]);
  const result = await worker;
  const shares = cpu.shares();
  const thread = mainThread.shares();
  const lag = await scrape(s, ['nodejs_eventloop_lag_p99_seconds', 'nodejs_eventloop_lag_max_seconds']);
  const statuses = Object.entries(result.statuses).map(([code, n]) => `${code}: ${n}`).join(', ');
  const label = `${spec.name} (${spec.connections} connections, ${(spec.durationMs / 1000).toFixed(0)} s)`;
  return [
    figure(`${label}: requests`, `${(result.requests / result.seconds).toFixed(0)}/s (${statuses}; ${result.errors} errors${result.firstError ? `: ${result.firstError}` : ''}); ${(result.bytes / result.seconds / 1e6).toFixed(1)} MB/s; ${shares}`),
    probeFigure(`${label}: probes on the health port answered within 1 s`, health, '100%'),
    probeFigure(`${label}: probes on the API port answered within 1 s`, api, undefined),
    figure(`${label}: server RSS`, `peak ${mib(peakRss(s.pid))} (${mib(rssBefore)} before)`),
    figure(`${label}: server event-loop delay`, `p99 ${((lag.nodejs_eventloop_lag_p99_seconds ?? 0) * 1000).toFixed(0)} ms, max ${((lag.nodejs_eventloop_lag_max_seconds ?? 0) * 1000).toFixed(0)} ms${thread === '' ? '' : `; main thread ${thread} of the flood`}`, 'no request holds it > ~50 ms'),
  ];
}
