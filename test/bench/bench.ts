/**
 * `npm run bench`: InternalSecret create, get, list (1,000 objects) and watch-event delivery through the
 * real HTTPS server, at concurrency 1 and 32, next to the raw better-sqlite3 insert rate measured in the
 * same run with the same durability settings. Prints figures and ratios; asserts nothing.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { silentLogger } from '../../apiserver/log.js';
import { parseOptions } from '../../apiserver/options.js';
import { runServer } from '../../apiserver/run.js';
import { adminClient } from '../support/client.js';
import { adminCredentials, tempDir } from '../support/server.js';
import { openWatch } from '../support/watch.js';
import { measure, row, summarize, type Figures } from './stats.js';

const N = Number(process.env.BENCH_N ?? 2000);
const BASE = '/apis/core.gardener.cloud/v1beta1/namespaces';
const payload = (name: string) => ({ metadata: { name, labels: { bench: 'yes' } }, type: 'Opaque', data: { 'ca.crt': Buffer.alloc(1200, 7).toString('base64'), 'ca.key': Buffer.alloc(1700, 9).toString('base64') } });

/** Raw better-sqlite3: one transaction per insert, WAL, synchronous=FULL (what one API write costs at most). */
async function rawSqlite(dir: string, total: number): Promise<Figures> {
  const db = new Database(join(dir, 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE kv (rev INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL, value BLOB NOT NULL)');
  const insert = db.prepare('INSERT INTO kv (key, value) VALUES (?, ?)');
  const value = Buffer.from(JSON.stringify(payload('x')));
  const f = await measure(total, 1, async (i) => {
    insert.run(`/registry-gardener/core.gardener.cloud/internalsecrets/raw/s${i}`, value);
  });
  db.close();
  return f;
}

async function main(): Promise<void> {
  const dir = tempDir('garden-apiserver-bench-');
  const server = await runServer(parseOptions(['--secure-port=0', `--data-dir=${dir}`]), silentLogger);
  const client = adminClient(server.url, adminCredentials(dir), 64);
  const ok = async (p: Promise<{ status: number }>, want: number) => {
    const r = await p;
    if (r.status !== want) throw new Error(`unexpected status ${r.status}`);
  };
  const lines: string[] = [];
  const raw = await rawSqlite(dir, N);
  lines.push(row('raw better-sqlite3 insert (c=1)', raw));
  for (const c of [1, 32]) {
    const create = await measure(N, c, (i) => ok(client.send('POST', `${BASE}/c${c}/internalsecrets`, payload(`s${i}`)), 201));
    lines.push(row(`create (c=${c})`, create, `= ${((100 * create.perSecond) / raw.perSecond).toFixed(0)}% of raw insert`));
    const get = await measure(N, c, (i) => ok(client.send('GET', `${BASE}/c${c}/internalsecrets/s${i % N}`), 200));
    lines.push(row(`get (c=${c})`, get));
  }
  for (let i = 0; i < 1000; i++) await ok(client.send('POST', `${BASE}/list1000/internalsecrets`, payload(`l${i}`)), 201);
  for (const c of [1, 32]) {
    const list = await measure(c === 1 ? 50 : 200, c, () => ok(client.send('GET', `${BASE}/list1000/internalsecrets`), 200));
    lines.push(row(`list 1,000 objects (c=${c})`, list, `= ${((list.perSecond * 1000) / 1e3).toFixed(0)}k objects/s`));
  }
  for (const c of [1, 32]) lines.push(row(`watch delivery (${c} writers)`, await watchDelivery(server.url, dir, client, c)));
  client.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write(`garden-apiserver benchmark, ${N} operations per row, ${new Date().toISOString()}\n${lines.join('\n')}\n`);
}

/** Time from sending a create to receiving its ADDED event on an open watch. */
async function watchDelivery(url: string, dir: string, client: ReturnType<typeof adminClient>, writers: number): Promise<Figures> {
  const ns = `watch${writers}`;
  const w = await openWatch(url, `${BASE}/${ns}/internalsecrets?watch=1`, adminCredentials(dir));
  const sent = new Map<string, number>();
  const latencies: number[] = [];
  const total = Math.min(N, 1000);
  const start = performance.now();
  const reader = (async () => {
    while (latencies.length < total) {
      const ev = await w.next(30_000);
      const name = String(ev.object.metadata?.name);
      const t0 = sent.get(name);
      if (t0 !== undefined) latencies.push(performance.now() - t0);
    }
  })();
  await measure(total, writers, async (i) => {
    sent.set(`w${i}`, performance.now());
    const r = await client.send('POST', `${BASE}/${ns}/internalsecrets`, payload(`w${i}`));
    if (r.status !== 201) throw new Error(`status ${r.status}`);
  });
  await reader;
  w.close();
  return summarize(latencies, (performance.now() - start) / 1000);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
