/**
 * Side-by-side phases, interleaved so that the shared machine's noise hits both sides alike: a
 * paginated LIST of every object on etcd and on SQLite, and the create rate on etcd with a small and
 * with a large store.
 */
import { request } from 'node:https';
import { join } from 'node:path';
import { openEtcdBackend } from '../../storage/etcd3/backend.js';
import { openSqliteBackend } from '../../storage/sqlite/backend.js';
import { CpuMeter } from '../bench/cpu.js';
import { measure, median } from '../bench/stats.js';
import { expectStatus, payload } from '../bench/workload.js';
import { adminClient } from '../support/client.js';
import { startEtcd, type EtcdCluster } from '../support/etcd.js';
import { tempDir } from '../support/server.js';
import { etcdArgs, GROUP_PATH, LOAD_TOKEN, seed, type LoadEnv, type LoadServer } from './fixture.js';
import { figure, type Figure } from './report.js';
import { timedStart } from './startup.js';

const ROUNDS = 3;
/** Paginated rounds: even, so that each side goes first as often as the other. */
const PAGINATED_ROUNDS = 6;

function page(s: LoadServer, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, s.url), { ca: s.creds.ca, headers: { authorization: `Bearer ${LOAD_TOKEN}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks).toString('latin1')) : reject(new Error(`status ${res.statusCode ?? 0}`))));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Waits until the given processes are idle: each under 5% of a core over 2 s (etcd's snapshot after
 * the seeding, the servers' start-up collections), at most `maxMs`; returns the seconds waited. A
 * process still busy would slow whichever list runs next to it.
 */
async function settle(pids: readonly (number | undefined)[], maxMs = 120_000): Promise<number> {
  const t0 = performance.now();
  while (performance.now() - t0 < maxMs) {
    const meter = new CpuMeter(Object.fromEntries(pids.map((pid, i) => [String(i), pid]))).start();
    await new Promise((r) => setTimeout(r, 2000));
    // An unreadable process (NaN) does not hold the run up.
    if (pids.every((_, i) => !(meter.cpuMs(String(i)) >= 100))) break;
  }
  return (performance.now() - t0) / 1000;
}

/** Seconds to page through every InternalSecret with `limit=500` (consistent reads); checks the count. */
async function paginatedList(s: LoadServer, objects: number): Promise<number> {
  const t0 = performance.now();
  let token: string | undefined;
  let items = 0;
  do {
    const body = await page(s, `${GROUP_PATH}/internalsecrets?limit=500${token === undefined ? '' : `&continue=${token}`}`);
    for (let i = body.indexOf('"uid":"'); i >= 0; i = body.indexOf('"uid":"', i + 1)) items++;
    token = /"continue":"([^"]+)"/.exec(body.slice(0, 4096))?.[1];
  } while (token !== undefined);
  if (items !== objects) throw new Error(`paginated list returned ${items} items, expected ${objects}`);
  return (performance.now() - t0) / 1000;
}

async function seededEtcd(env: LoadEnv, objects: number): Promise<EtcdCluster> {
  const etcd = await startEtcd();
  const backend = openEtcdBackend({ endpoints: etcd.endpoints });
  await seed(backend, env, 0, objects).finally(() => backend.close());
  return etcd;
}

/** A paginated LIST of `objects` InternalSecrets on etcd and on SQLite, interleaved. */
export async function paginatedPhase(env: LoadEnv, objects: number, log: (line: string) => void): Promise<Figure[]> {
  log(`seeding ${objects} InternalSecrets into etcd and into SQLite`);
  const etcd = await seededEtcd(env, objects);
  const dataDir = tempDir('garden-apiserver-load-sqlite-');
  const sqlite = openSqliteBackend(join(dataDir, 'garden-apiserver.db'));
  await seed(sqlite, env, 0, objects).finally(() => sqlite.close());
  const onEtcd = (await timedStart(env, etcdArgs(env, etcd.endpoints))).server;
  const onSqlite = (await timedStart(env, [`--encryption-provider-config=${env.encryptionConfig}`], dataDir)).server;
  try {
    log(`idle after ${(await settle([onEtcd.pid, onSqlite.pid, ...etcd.pids])).toFixed(0)} s`);
    const times = { etcd: [] as number[], sqlite: [] as number[] };
    const servers = { etcd: onEtcd, sqlite: onSqlite };
    // The order alternates: the list that runs second meets the first server's collection of its garbage.
    for (let r = 0; r < PAGINATED_ROUNDS; r++) {
      log(`paginated LIST round ${r + 1}`);
      const order = r % 2 === 0 ? (['etcd', 'sqlite'] as const) : (['sqlite', 'etcd'] as const);
      for (const side of order) {
        const other = side === 'etcd' ? 'sqlite' : 'etcd';
        const cpu = new CpuMeter({ server: servers[side].pid, other: servers[other].pid, etcd: etcd.pids[0], client: process.pid }).start();
        const seconds = await paginatedList(servers[side], objects);
        times[side].push(seconds);
        log(`  ${side}: ${seconds.toFixed(2)} s, ${cpu.shares()}`);
      }
    }
    const e = median(times.etcd);
    const q = median(times.sqlite);
    const fmt = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(', ');
    return [
      figure(`paginated LIST of ${objects} (limit=500), etcd`, `${e.toFixed(2)} s median (${fmt(times.etcd)})`),
      figure(`paginated LIST of ${objects} (limit=500), SQLite`, `${q.toFixed(2)} s median (${fmt(times.sqlite)})`),
      figure('paginated LIST, SQLite time / etcd time', `${(q / e).toFixed(2)}x`, '>= 1.0x (etcd at least as fast)', q / e >= 1),
    ];
  } finally {
    await onEtcd.stop();
    await onSqlite.stop();
    await etcd.stop();
  }
}

/** Creates through the server per second at c=32 on two stores of different sizes, interleaved. */
export async function createPhase(env: LoadEnv, small: number, large: number, creates: number, log: (line: string) => void): Promise<Figure[]> {
  log(`seeding ${small} and ${large} InternalSecrets into two etcds`);
  const etcds = [await seededEtcd(env, small), await seededEtcd(env, large)];
  const servers: LoadServer[] = [];
  try {
    for (const etcd of etcds) servers.push((await timedStart(env, etcdArgs(env, etcd.endpoints))).server);
    const rates: number[][] = [[], []];
    for (let r = 0; r < ROUNDS; r++) {
      for (const [k, s] of servers.entries()) {
        log(`creates round ${r + 1} with ${k === 0 ? small : large} stored`);
        const client = adminClient(s.url, s.creds, 64);
        const f = await measure(creates, 32, (i) => expectStatus(client.send('POST', `${GROUP_PATH}/namespaces/load-create/internalsecrets`, payload(`c${r}-${i}`)), 201));
        client.close();
        rates[k]?.push(f.perSecond);
      }
    }
    const [a, b] = [median(rates[0] ?? []), median(rates[1] ?? [])];
    return [
      figure(`create rate on etcd (c=32), ${small} stored`, `${a.toFixed(0)}/s median of ${(rates[0] ?? []).map((x) => x.toFixed(0)).join(', ')}`),
      figure(`create rate on etcd (c=32), ${large} stored`, `${b.toFixed(0)}/s median of ${(rates[1] ?? []).map((x) => x.toFixed(0)).join(', ')}`),
      figure('create rate, large store / small store', `${(b / a).toFixed(2)}x`, '>= 0.9x', b / a >= 0.9),
    ];
  } finally {
    for (const s of servers) await s.stop();
    for (const etcd of etcds) await etcd.stop();
  }
}
