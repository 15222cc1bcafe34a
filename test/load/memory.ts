/**
 * Memory of the server as the kernel counts it (RSS), around an unpaginated LIST of everything and
 * around watchers that come, read every object, and go.
 */
import { request } from 'node:https';
import { GROUP_PATH, LOAD_TOKEN, mib, peakRss, resetPeak, rss, scrape, type LoadServer } from './fixture.js';
import { figure, type Figure } from './report.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Streams a GET as the load client, counting bytes and newlines (watch events) without keeping them. */
function stream(s: LoadServer, path: string, onLine?: (line: string) => boolean): Promise<{ status: number; bytes: number; lines: number }> {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    let lines = 0;
    let partial = '';
    const req = request(new URL(path, s.url), { ca: s.creds.ca, agent: false, headers: { authorization: `Bearer ${LOAD_TOKEN}` } }, (res) => {
      res.on('data', (c: Buffer) => {
        bytes += c.length;
        if (onLine === undefined) return;
        const text = partial + c.toString('latin1');
        const parts = text.split('\n');
        partial = parts.pop() ?? '';
        for (const line of parts) {
          lines++;
          if (!onLine(line)) {
            req.destroy();
            resolve({ status: res.statusCode ?? 0, bytes, lines });
            return;
          }
        }
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, lines }));
      res.on('error', reject);
    });
    req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
    req.end();
  });
}

/**
 * RSS of live memory: after a full garbage collection in the server (SIGUSR2, see gc-on-signal.mjs),
 * once it stops moving (two samples 500 ms apart within 1%), or after `maxMs`.
 */
export async function settledRss(pid: number, maxMs = 10_000): Promise<number> {
  process.kill(pid, 'SIGUSR2');
  const start = performance.now();
  let last = rss(pid);
  for (;;) {
    await sleep(500);
    const now = rss(pid);
    if (Math.abs(now - last) <= last * 0.01 || performance.now() - start > maxMs) return now;
    last = now;
  }
}

/** Peak RSS above the pre-request RSS during one unpaginated LIST of every InternalSecret. */
export async function listPeak(s: LoadServer, objects: number): Promise<Figure[]> {
  const before = await settledRss(s.pid);
  resetPeak(s.pid);
  const t0 = performance.now();
  const r = await stream(s, `${GROUP_PATH}/internalsecrets`);
  const seconds = (performance.now() - t0) / 1000;
  const raise = peakRss(s.pid) - before;
  return [
    figure(
      `unpaginated LIST of ${objects} InternalSecrets: peak RSS raise`,
      `${mib(raise)} (status ${r.status}, ${(r.bytes / 1e6).toFixed(0)} MB in ${seconds.toFixed(1)} s, RSS before ${mib(before)})`,
      '< 100 MB (needs the streamed LIST encoding)',
      raise < 100e6,
    ),
  ];
}

/** How long the watcher churn waits for RSS to come back after the watchers left. */
const RETURN_WAIT_MS = 180_000;

/** `watchers` watches that each read every InternalSecret (initial events) and leave; RSS before and after. */
export async function watcherChurn(s: LoadServer, watchers: number, objects: number): Promise<Figure[]> {
  const baseline = await settledRss(s.pid);
  const MEMORY = ['nodejs_heap_size_used_bytes', 'nodejs_heap_size_total_bytes', 'nodejs_external_memory_bytes'];
  const before = await scrape(s, MEMORY);
  const heapBefore = before.nodejs_heap_size_used_bytes ?? 0;
  const t0 = performance.now();
  const path = `${GROUP_PATH}/internalsecrets?watch=1&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan`;
  const results = await Promise.all(Array.from({ length: watchers }, () => stream(s, path, (line) => !line.includes('"k8s.io/initial-events-end"'))));
  const seconds = (performance.now() - t0) / 1000;
  const events = results.reduce((n, r) => n + r.lines, 0);
  const during = rss(s.pid);
  // The scrape before the watchers reset the server's delay histogram: this one covers their stay.
  const lag = await scrape(s, ['nodejs_eventloop_lag_p99_seconds', 'nodejs_eventloop_lag_max_seconds']);
  // No forced collection here: production has none. V8 collects the watchers' garbage and gives the
  // pages back on its own once the server is idle (its memory reducer), which can take a minute or two.
  const left = performance.now();
  let after = during;
  while ((after - baseline) / baseline > 0.1 && performance.now() - left < RETURN_WAIT_MS) {
    await sleep(2000);
    after = rss(s.pid);
  }
  const waited = (performance.now() - left) / 1000;
  const afterMemory = await scrape(s, MEMORY);
  const heapAfter = afterMemory.nodejs_heap_size_used_bytes ?? 0;
  const split = (m: Record<string, number>) => `heap used ${mib(m.nodejs_heap_size_used_bytes ?? 0)} of ${mib(m.nodejs_heap_size_total_bytes ?? 0)}, external ${mib(m.nodejs_external_memory_bytes ?? 0)}`;
  const growth = (after - baseline) / baseline;
  return [
    figure(`${watchers} watchers reading ${objects} objects each`, `${events} events in ${seconds.toFixed(1)} s; RSS ${mib(during)} right after`),
    figure(
      `${watchers} watchers reading ${objects} objects each: server event-loop delay`,
      `p99 ${((lag.nodejs_eventloop_lag_p99_seconds ?? 0) * 1000).toFixed(0)} ms, max ${((lag.nodejs_eventloop_lag_max_seconds ?? 0) * 1000).toFixed(0)} ms`,
      'no request holds it > ~50 ms',
    ),
    figure('memory of the server before / after the watchers', `${split(before)} / ${split(afterMemory)}`),
    figure(
      'RSS after the watchers left vs before',
      `${mib(after)} vs ${mib(baseline)} (${(100 * growth).toFixed(1)}%) ${waited.toFixed(0)} s after they left, without a forced collection; heap used ${mib(heapAfter)} vs ${mib(heapBefore)}`,
      `within 10% (waits up to ${RETURN_WAIT_MS / 1000} s)`,
      growth <= 0.1,
    ),
  ];
}
