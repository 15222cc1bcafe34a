/**
 * Side-by-side phases, interleaved so that the shared machine's noise hits both sides alike: a
 * paginated LIST of every object on etcd and on SQLite, and the create rate on etcd with a small and
 * with a large store.
 */
import { cpSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { permutationTest } from 'simple-statistics';
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

/** Counted rounds of the create comparison (after one warm-up round per server). */
const CREATE_ROUNDS = 5;
/** Paginated rounds: even, so that each side goes first as often as the other. */
const PAGINATED_ROUNDS = 6;
/**
 * Below this one-sided p-value the etcd lists count as slower than the SQLite ones. Both backends'
 * consistent lists are served by the watch cache, so their medians differ by the run's noise either
 * way; the verdict asks whether etcd's times are longer beyond it.
 */
const SLOWER_P = 0.05;
const PERMUTATIONS = 20_000;

function page(s: LoadServer, path: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, s.url), { ca: s.creds.ca, headers: { authorization: `Bearer ${LOAD_TOKEN}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`status ${res.statusCode ?? 0}`))));
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

const UID_FIELD = Buffer.from('"uid":"');

/**
 * Seconds to page through every InternalSecret with `limit=500` (consistent reads); checks the count.
 * Items are counted in the bytes as they came (no text decoding): the client's own work would
 * otherwise take longer than the server's and hide the difference between two servers.
 */
async function paginatedList(s: LoadServer, objects: number): Promise<number> {
  const t0 = performance.now();
  let token: string | undefined;
  let items = 0;
  do {
    const body = await page(s, `${GROUP_PATH}/internalsecrets?limit=500${token === undefined ? '' : `&continue=${token}`}`);
    for (let i = body.indexOf(UID_FIELD); i >= 0; i = body.indexOf(UID_FIELD, i + 1)) items++;
    token = /"continue":"([^"]+)"/.exec(body.subarray(0, 4096).toString('latin1'))?.[1];
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

type Side = 'etcd' | 'sqlite';

/** One server process of the paginated phase and the times its lists took. */
interface Lister {
  side: Side;
  label: string;
  server: LoadServer;
  times: number[];
  /** Server CPU milliseconds of each list. */
  cpu: number[];
}

/** A copy of a seeded SQLite data directory, for a second server on the same data. */
function copyDataDir(from: string): string {
  const to = tempDir('garden-apiserver-load-sqlite-');
  cpSync(from, to, { recursive: true });
  return to;
}

/**
 * A paginated LIST of `objects` InternalSecrets on etcd and on SQLite, interleaved. Each backend is
 * served by two server processes (the same etcd; two copies of the SQLite data): how fast one
 * process lists depends on its own heap as much as on the backend, and the ratio of a backend's two
 * processes, printed as well, is the run's noise floor for the etcd/SQLite ratio.
 */
export async function paginatedPhase(env: LoadEnv, objects: number, log: (line: string) => void): Promise<Figure[]> {
  log(`seeding ${objects} InternalSecrets into etcd and into SQLite`);
  const etcd = await seededEtcd(env, objects);
  const dataDir = tempDir('garden-apiserver-load-sqlite-');
  const sqlite = openSqliteBackend(join(dataDir, 'garden-apiserver.db'));
  await seed(sqlite, env, 0, objects).finally(() => sqlite.close());
  const secondDataDir = copyDataDir(dataDir);
  const listers: Lister[] = [];
  try {
    for (const label of ['A', 'B']) {
      listers.push({ side: 'etcd', label: `etcd ${label}`, server: (await timedStart(env, etcdArgs(env, etcd.endpoints))).server, times: [], cpu: [] });
    }
    for (const [label, dir] of [['A', dataDir], ['B', secondDataDir]] as const) {
      listers.push({ side: 'sqlite', label: `SQLite ${label}`, server: (await timedStart(env, [`--encryption-provider-config=${env.encryptionConfig}`], dir)).server, times: [], cpu: [] });
    }
    log(`idle after ${(await settle([...listers.map((l) => l.server.pid), ...etcd.pids])).toFixed(0)} s`);
    // The order rotates (and reverses every other round): the list that runs after another meets that
    // server's collection of its garbage.
    for (let r = 0; r < PAGINATED_ROUNDS; r++) {
      log(`paginated LIST round ${r + 1}`);
      const shift = r % listers.length;
      const order = [...listers.slice(shift), ...listers.slice(0, shift)];
      if (r % 2 === 1) order.reverse();
      for (const l of order) {
        const cpu = new CpuMeter({ server: l.server.pid, etcd: etcd.pids[0], client: process.pid }).start();
        const seconds = await paginatedList(l.server, objects);
        l.times.push(seconds);
        l.cpu.push(cpu.cpuMs('server'));
        log(`  ${l.label}: ${seconds.toFixed(2)} s, ${cpu.shares()}`);
      }
    }
    const of = (side: Side) => listers.filter((l) => l.side === side);
    const detail = (side: Side) => of(side).map((l) => `${l.label}: ${l.times.map((x) => x.toFixed(2)).join(', ')}`).join('; ');
    const pooled = (side: Side) => median(of(side).flatMap((l) => l.times));
    const floor = (side: Side) => {
      const medians = of(side).map((l) => median(l.times));
      return `${(Math.min(...medians) / Math.max(...medians)).toFixed(2)}x (${medians.map((m) => `${m.toFixed(2)} s`).join(', ')})`;
    };
    const [e, q] = [pooled('etcd'), pooled('sqlite')];
    const [ec, qc] = [median(of('etcd').flatMap((l) => l.cpu)), median(of('sqlite').flatMap((l) => l.cpu))];
    const [et, qt] = [of('etcd').flatMap((l) => l.times), of('sqlite').flatMap((l) => l.times)];
    // The share of random relabellings of the pooled times whose mean etcd - SQLite difference is at
    // least the measured one.
    const p = permutationTest(et, qt, 'greater', PERMUTATIONS);
    return [
      figure(`paginated LIST of ${objects} (limit=500), etcd`, `${e.toFixed(2)} s median (${detail('etcd')})`),
      figure(`paginated LIST of ${objects} (limit=500), SQLite`, `${q.toFixed(2)} s median (${detail('sqlite')})`),
      figure(
        'paginated LIST, SQLite time / etcd time',
        `${(q / e).toFixed(2)}x; etcd slower: p = ${p.toFixed(3)} (one-sided permutation test of the ${et.length} etcd and ${qt.length} SQLite times)`,
        `>= 1.0x (etcd at least as fast: met unless etcd's times are longer beyond the run's spread, p < ${SLOWER_P})`,
        p >= SLOWER_P,
      ),
      figure('noise floor: faster / slower process of the same backend', `etcd ${floor('etcd')}; SQLite ${floor('sqlite')}`),
      figure('server CPU per paginated LIST, median', `etcd ${ec.toFixed(0)} ms, SQLite ${qc.toFixed(0)} ms (SQLite / etcd ${(qc / ec).toFixed(2)}x)`),
    ];
  } finally {
    for (const l of listers) await l.server.stop();
    rmSync(secondDataDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
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
    const run = async (s: LoadServer, name: string, n: number): Promise<number> => {
      const client = adminClient(s.url, s.creds, 64);
      try {
        return (await measure(n, 32, (i) => expectStatus(client.send('POST', `${GROUP_PATH}/namespaces/load-create/internalsecrets`, payload(`${name}-${i}`)), 201))).perSecond;
      } finally {
        client.close();
      }
    };
    // A first round per server warms its code and heap; it is not counted.
    for (const [k, s] of servers.entries()) {
      log(`warm-up creates with ${k === 0 ? small : large} stored`);
      await run(s, 'warm', creates);
    }
    const rates: number[][] = [[], []];
    for (let r = 0; r < CREATE_ROUNDS; r++) {
      for (const [k, s] of servers.entries()) {
        log(`creates round ${r + 1} with ${k === 0 ? small : large} stored`);
        rates[k]?.push(await run(s, `c${r}`, creates));
      }
    }
    const [a, b] = [median(rates[0] ?? []), median(rates[1] ?? [])];
    // Each round's pair ran back to back: the median of their ratios leaves out the machine's drift.
    const paired = median((rates[1] ?? []).map((x, i) => x / (rates[0]?.[i] ?? x)));
    return [
      figure(`create rate on etcd (c=32), ${small} stored`, `${a.toFixed(0)}/s median of ${(rates[0] ?? []).map((x) => x.toFixed(0)).join(', ')}`),
      figure(`create rate on etcd (c=32), ${large} stored`, `${b.toFixed(0)}/s median of ${(rates[1] ?? []).map((x) => x.toFixed(0)).join(', ')}`),
      figure('create rate, large store / small store', `${paired.toFixed(2)}x (median of the rounds' ratios; ratio of the medians ${(b / a).toFixed(2)}x)`, '>= 0.9x', paired >= 0.9),
    ];
  } finally {
    for (const s of servers) await s.stop();
    for (const etcd of etcds) await etcd.stop();
  }
}
