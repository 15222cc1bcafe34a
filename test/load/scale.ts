/**
 * The scale phase: one etcd, start-up empty and with the seeded store, memory per object, the
 * unpaginated LIST, watcher churn, and the LIST and GET floods with probes.
 */
import { openEtcdBackend } from '../../storage/etcd3/backend.js';
import { startEtcd } from '../support/etcd.js';
import { etcdArgs, mib, rss, seed, type LoadEnv } from './fixture.js';
import { floodWithProbes } from './floods.js';
import { listPeak, settledRss, watcherChurn } from './memory.js';
import { figure, type Figure } from './report.js';
import { timedStart, type StartupTimes } from './startup.js';

/** Sizes of the scale phase. */
export interface ScaleOptions {
  objects: number;
  watchers: number;
  floodSeconds: number;
  listConnections: number;
  /** One GET flood per entry, with that many connections. */
  getConnections: number[];
}

function startupFigures(label: string, t: StartupTimes, withTarget: boolean): Figure[] {
  const notReady = t.notReady === undefined ? 'never seen (ready at once)' : t.notReady.split('\n').filter((l) => l.startsWith('[-]')).join(', ');
  return [
    figure(`start-up ${label}: port open`, `${t.portMs.toFixed(0)} ms`, withTarget ? '< 2000 ms' : undefined, withTarget ? t.portMs < 2000 : undefined),
    figure(`start-up ${label}: server in place / ready`, `${t.servingMs.toFixed(0)} ms / ${t.readyMs.toFixed(0)} ms; /readyz before: ${notReady}`),
  ];
}

/** Runs the scale phase and returns its figures; `log` reports progress. */
export async function scalePhase(env: LoadEnv, o: ScaleOptions, log: (line: string) => void): Promise<Figure[]> {
  const etcd = await startEtcd();
  const figures: Figure[] = [];
  try {
    const args = etcdArgs(env, etcd.endpoints);
    log('start-up with an empty store');
    const empty = await timedStart(env, args);
    const emptyRss = await settledRss(empty.server.pid);
    await empty.server.stop();
    figures.push(...startupFigures('empty', empty.times, false));
    log(`seeding ${o.objects} InternalSecrets into etcd`);
    const backend = openEtcdBackend({ endpoints: etcd.endpoints });
    const rate = await seed(backend, env, 0, o.objects).finally(() => backend.close());
    figures.push(figure('seeding straight into etcd (object store, aescbc, c=64)', `${rate.toFixed(0)}/s`));
    log(`start-up with ${o.objects} objects`);
    const { server, times } = await timedStart(env, args);
    try {
      figures.push(...startupFigures(`with ${o.objects} objects`, times, true));
      const loaded = await settledRss(server.pid);
      figures.push(figure('RSS per 10,000 InternalSecrets (ready, over the empty server)', `${mib(((loaded - emptyRss) * 10_000) / o.objects)} (empty ${mib(emptyRss)}, with ${o.objects}: ${mib(loaded)})`));
      log('unpaginated LIST');
      figures.push(...(await listPeak(server, o.objects)));
      log(`${o.watchers} watchers come and go`);
      figures.push(...(await watcherChurn(server, o.watchers, o.objects)));
      const others = Object.fromEntries(etcd.pids.map((pid) => ['etcd', pid]));
      log('LIST flood');
      figures.push(...(await floodWithProbes(server, { name: 'LIST flood (limit=500)', mode: 'list', connections: o.listConnections, durationMs: o.floodSeconds * 1000, objects: o.objects }, others)));
      for (const connections of o.getConnections) {
        log(`GET flood, ${connections} connections`);
        figures.push(...(await floodWithProbes(server, { name: 'GET flood', mode: 'get', connections, durationMs: o.floodSeconds * 1000, objects: o.objects }, others)));
      }
      figures.push(figure('RSS after the floods', mib(rss(server.pid))));
    } finally {
      await server.stop();
    }
  } finally {
    await etcd.stop();
  }
  return figures;
}
