/** The shared HTTP workload of the benchmark: a real server and its admin client. */
import { rmSync } from 'node:fs';
import { adminClient } from '../support/client.js';
import { adminCredentials, startChild, tempDir, type AdminCredentials } from '../support/server.js';
import { openWatch } from '../support/watch.js';
import { CpuMeter } from './cpu.js';
import { measure, row, summarize, type Figures } from './stats.js';

export const NS_PATH = '/apis/core.gardener.cloud/v1beta1/namespaces';

/** An InternalSecret as gardenlet writes it (a CA certificate and key). */
export function payload(name: string): Record<string, unknown> {
  return { metadata: { name, labels: { bench: 'yes' } }, type: 'Opaque', data: { 'ca.crt': Buffer.alloc(1200, 7).toString('base64'), 'ca.key': Buffer.alloc(1700, 9).toString('base64') } };
}

/** A running benchmark server (its own process, like the server clients talk to in practice). */
export interface BenchServer {
  running: { url: string };
  /** Process id of the server. */
  pid: number | undefined;
  dataDir: string;
  creds: AdminCredentials;
  client: ReturnType<typeof adminClient>;
  stop(): Promise<void>;
}

export async function benchServer(args: string[]): Promise<BenchServer> {
  const dataDir = tempDir('garden-apiserver-bench-');
  const child = await startChild(dataDir, args);
  const creds = adminCredentials(dataDir);
  const client = adminClient(child.url, creds, 64);
  return {
    running: { url: child.url },
    pid: child.proc.pid,
    dataDir,
    creds,
    client,
    async stop() {
      client.close();
      await child.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Sends a request and insists on the status. */
export async function expectStatus(p: Promise<{ status: number }>, want: number): Promise<void> {
  const r = await p;
  if (r.status !== want) throw new Error(`unexpected status ${r.status} (wanted ${want})`);
}

/**
 * create/get/merge patch at c=1 and c=32, list of 1,000 objects, watch delivery; ratios against
 * `baseline`/s.
 * Create rows also show the CPU shares of the server, the benchmark client and `others` (e.g. etcd).
 */
export async function crudRows(s: BenchServer, n: number, baseline: number, baselineName: string, others: Record<string, number | undefined> = {}, ns = 'b'): Promise<string[]> {
  const lines: string[] = [];
  for (const c of [1, 32]) {
    const cpu = new CpuMeter({ server: s.pid, client: process.pid, ...others }).start();
    const create = await measure(n, c, (i) => expectStatus(s.client.send('POST', `${NS_PATH}/${ns}${c}/internalsecrets`, payload(`s${i}`)), 201));
    lines.push(row(`create (c=${c})`, create, `= ${((100 * create.perSecond) / baseline).toFixed(0)}% of ${baselineName}; ${cpu.shares()}`));
    const get = await measure(n, c, (i) => expectStatus(s.client.send('GET', `${NS_PATH}/${ns}${c}/internalsecrets/s${i % n}`), 200));
    lines.push(row(`get (c=${c})`, get));
    const patchCpu = new CpuMeter({ server: s.pid }).start();
    const patch = await measure(n, c, (i) =>
      expectStatus(s.client.send('PATCH', `${NS_PATH}/${ns}${c}/internalsecrets/s${i % n}`, { metadata: { labels: { p: `p${i}` } } }, 'application/merge-patch+json'), 200),
    );
    lines.push(row(`merge patch (c=${c})`, patch, `server ${(patchCpu.cpuMs('server') / n).toFixed(2)} ms CPU per patch`));
  }
  for (let i = 0; i < 1000; i++) await expectStatus(s.client.send('POST', `${NS_PATH}/${ns}list/internalsecrets`, payload(`l${i}`)), 201);
  for (const c of [1, 32]) {
    const list = await measure(c === 1 ? 50 : 200, c, () => expectStatus(s.client.send('GET', `${NS_PATH}/${ns}list/internalsecrets`), 200));
    lines.push(row(`list 1,000 objects (c=${c})`, list, `= ${((list.perSecond * 1000) / 1e3).toFixed(0)}k objects/s`));
  }
  for (const c of [1, 32]) lines.push(row(`watch delivery (${c} writers)`, await watchDelivery(s, n, c, `${ns}w${c}`)));
  return lines;
}

/** Time from sending a create to receiving its ADDED event on an open watch. */
async function watchDelivery(s: BenchServer, n: number, writers: number, ns: string): Promise<Figures> {
  const w = await openWatch(s.running.url, `${NS_PATH}/${ns}/internalsecrets?watch=1`, s.creds);
  const sent = new Map<string, number>();
  const latencies: number[] = [];
  const total = Math.min(n, 1000);
  const start = performance.now();
  const reader = (async () => {
    while (latencies.length < total) {
      const ev = await w.next(30_000);
      const t0 = sent.get(String(ev.object.metadata?.name));
      if (t0 !== undefined) latencies.push(performance.now() - t0);
    }
  })();
  await measure(total, writers, async (i) => {
    sent.set(`w${i}`, performance.now());
    await expectStatus(s.client.send('POST', `${NS_PATH}/${ns}/internalsecrets`, payload(`w${i}`)), 201);
  });
  await reader;
  w.close();
  return summarize(latencies, (performance.now() - start) / 1000);
}
