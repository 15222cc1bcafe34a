/**
 * 1,000 concurrent watches of one resource on one server: event delivery latency (create sent -> event
 * received, every watcher) and the number of backend watches behind them, read from /metrics.
 */
import { request } from 'node:https';
import { Agent } from 'node:https';
import { rmSync } from 'node:fs';
import { adminClient } from '../support/client.js';
import { adminCredentials, startChild, tempDir } from '../support/server.js';
import { CpuMeter } from './cpu.js';
import { measure, row, summarize } from './stats.js';
import { expectStatus, NS_PATH, payload } from './workload.js';

const WATCHERS = 1000;
const EVENTS = 100;
/** Pause between creates: events are paced (5/s, i.e. 5,000 deliveries/s) so latency is not queueing. */
const PACE_MS = 200;

function metric(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(name));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

export async function benchWatches(_n: number): Promise<string[]> {
  // The server runs in its own process, as it would for 1,000 kubectl clients.
  const dataDir = tempDir('garden-apiserver-bench-');
  const child = await startChild(dataDir);
  const creds = adminCredentials(dataDir);
  const s = { running: { url: child.url }, client: adminClient(child.url, creds) };
  const agent = new Agent({ keepAlive: true, maxSockets: WATCHERS + 10, ca: creds.ca, cert: creds.cert, key: creds.key });
  const sent = new Map<string, number>();
  const latencies: number[] = [];
  let received = 0;
  const streams: { destroy(): void }[] = [];
  try {
    await Promise.all(
      Array.from({ length: WATCHERS }, () =>
        new Promise<void>((resolve, reject) => {
          const req = request(new URL(`${NS_PATH}/watched/internalsecrets?watch=1`, s.running.url), { agent }, (res) => {
            let buf = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              buf += chunk;
              let nl: number;
              while ((nl = buf.indexOf('\n')) >= 0) {
                const ev = JSON.parse(buf.slice(0, nl)) as { object: { metadata: { name: string } } };
                buf = buf.slice(nl + 1);
                const t0 = sent.get(ev.object.metadata.name);
                if (t0 !== undefined) latencies.push(performance.now() - t0);
                received++;
              }
            });
            resolve();
          });
          req.on('error', reject);
          req.end();
          streams.push(req);
        }),
      ),
    );
    const start = performance.now();
    const cpu = new CpuMeter({ server: child.proc.pid, client: process.pid }).start();
    await measure(EVENTS, 1, async (i) => {
      sent.set(`e${i}`, performance.now());
      await expectStatus(s.client.send('POST', `${NS_PATH}/watched/internalsecrets`, payload(`e${i}`)), 201);
      await new Promise((r) => setTimeout(r, PACE_MS));
    });
    const deadline = Date.now() + 60_000;
    while (received < WATCHERS * EVENTS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const shares = cpu.shares();
    const text = (await s.client.send('GET', '/metrics')).body as string;
    const f = summarize(latencies, (performance.now() - start) / 1000);
    return [
      row(`watch delivery, ${WATCHERS} watchers`, f, `${received}/${WATCHERS * EVENTS} events, one create per ${PACE_MS} ms; ${shares}`),
      `client watches served                ${metric(text, 'apiserver_longrunning_requests{').toFixed(0).padStart(9)}`,
      `backend watches open                 ${metric(text, 'garden_apiserver_storage_watches{').toFixed(0).padStart(9)}`,
    ];
  } finally {
    for (const r of streams) r.destroy();
    agent.destroy();
    s.client.close();
    await child.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
