/**
 * `npm run load [-- phase...]`: the server under load, on loopback, every figure printed next to its
 * target. Not part of `npm test` (it takes minutes and measures, it does not assert). Phases:
 *
 * - `scale`: start-up empty and with LOAD_OBJECTS (100,000) InternalSecrets on etcd, RSS per 10,000
 *   objects, an unpaginated LIST of everything, LOAD_WATCHERS (20) watchers coming and going, a
 *   LIST flood (LOAD_LIST_CONNECTIONS, 500, paging with limit=500) and GET floods
 *   (LOAD_GET_CONNECTIONS, a comma-separated list of connection counts: 1,000 and 2,000, one flood each)
 *   of LOAD_FLOOD_SECONDS (20) each with probes on fresh connections;
 * - `paginated`: a paginated LIST of LOAD_OBJECTS on etcd and on SQLite, interleaved, two server
 *   processes per backend (their ratio is the run's noise floor);
 * - `creates`: LOAD_CREATES (2,000) creates at c=32 on etcd with LOAD_SMALL (28,000) and LOAD_LARGE
 *   (140,000) objects stored, interleaved.
 *
 * Servers run with the Node options of `deploy/base`'s Deployment (its heap limit). Every phase is
 * bounded by its counts and durations; LOAD_MAX_MINUTES (45) ends the run regardless.
 */
import { rmSync } from 'node:fs';
import { createPhase, paginatedPhase } from './compare.js';
import { loadEnv } from './fixture.js';
import { render, type Figure } from './report.js';
import { scalePhase } from './scale.js';

const num = (name: string, fallback: number): number => {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number`);
  return v;
};

/** A comma-separated list of positive numbers from the environment, or `fallback`. */
const nums = (name: string, fallback: number[]): number[] => {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const list = raw.split(',').map((x) => Number(x.trim()));
  if (list.some((v) => !Number.isFinite(v) || v <= 0)) throw new Error(`${name} must be positive numbers, comma-separated`);
  return list;
};

async function main(): Promise<void> {
  const objects = num('LOAD_OBJECTS', 100_000);
  const env = loadEnv();
  const t0 = performance.now();
  const log = (line: string) => process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
  const phases: Record<string, () => Promise<Figure[]>> = {
    scale: () =>
      scalePhase(
        env,
        {
          objects,
          watchers: num('LOAD_WATCHERS', 20),
          floodSeconds: num('LOAD_FLOOD_SECONDS', 20),
          listConnections: num('LOAD_LIST_CONNECTIONS', 500),
          getConnections: nums('LOAD_GET_CONNECTIONS', [1000, 2000]),
        },
        log,
      ),
    paginated: () => paginatedPhase(env, objects, log),
    creates: () => createPhase(env, num('LOAD_SMALL', 28_000), num('LOAD_LARGE', 140_000), num('LOAD_CREATES', 2000), log),
  };
  const wanted = process.argv.slice(2).filter((a) => a !== '--');
  const names = wanted.length > 0 ? wanted : Object.keys(phases);
  const watchdog = setTimeout(() => {
    process.stderr.write('load run exceeded LOAD_MAX_MINUTES\n');
    process.exit(2);
  }, num('LOAD_MAX_MINUTES', 45) * 60_000);
  process.stdout.write(`garden-apiserver load run, ${new Date().toISOString()}, ${objects} objects\n`);
  try {
    for (const name of names) {
      const phase = phases[name];
      if (phase === undefined) throw new Error(`unknown phase ${name}; known: ${Object.keys(phases).join(', ')}`);
      log(`phase ${name}`);
      process.stdout.write(`\n[${name}]\n${render(await phase())}\n`);
    }
  } finally {
    clearTimeout(watchdog);
    rmSync(env.dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
