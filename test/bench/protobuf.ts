/**
 * Protobuf against JSON on the same server process, interleaved (JSON, protobuf, JSON, protobuf) so
 * that load from elsewhere on the machine hits both alike: Shoot create and get at c=16, list of 1,000
 * Shoots, and one change fanned out to 200 watchers. Request bodies are encoded before the clock
 * starts and responses are read but not decoded, so the figures are the server's (and the wire's),
 * not the benchmark client's codec. Each row shows the better of three runs per encoding and the ratio
 * protobuf/JSON (above 1: protobuf is faster); server CPU per operation is read from /proc.
 */
import { Agent, request } from 'node:https';
import { PROTOBUF_MEDIA_TYPE } from '../../apimachinery/protobuf/index.js';
import { normalizeDurations } from '../../registry/shoot/decode.js';
import { shootDefinitions, shootSchema } from '../../registry/shoot/schema/index.js';
import { exampleShoot } from '../support/shoot/fixtures.js';
import { CORE, pbBody, PROTOBUF_ACCEPT, readFrames } from '../support/protobuf.js';
import { CpuMeter } from './cpu.js';
import { measure, summarize, type Figures } from './stats.js';
import { benchServer, type BenchServer } from './workload.js';
import { projectFor, PROJECTS_PATH } from '../support/projects.js';

const GV = 'core.gardener.cloud/v1beta1';
const SHOOTS = (ns: string) => `/apis/core.gardener.cloud/v1beta1/namespaces/${ns}/shoots`;
/** A project namespace per scenario (`garden-<x>` of Project `<x>`): Shoots are only created in one. */
const NAMESPACE = (what: 'c' | 'w', enc: 'json' | 'protobuf', round: number) => `garden-${what}${enc[0]}${round}`;
const WATCHERS = 200;
const EVENTS = 50;
type Encoding = 'json' | 'protobuf';

/** The upstream example Shoot, every field enabled, as the server stores it. */
function shoot(name: string, ns: string): Record<string, unknown> {
  const s = exampleShoot(true) as unknown as Record<string, any>;
  s.spec.kubernetes.kubeAPIServer.serviceAccountConfig.maxTokenExpiration = '1080h';
  normalizeDurations(s, shootSchema, shootDefinitions, 'Shoot');
  s.metadata = { name, namespace: ns };
  return JSON.parse(JSON.stringify(s, (_k, v: unknown) => (v === null ? undefined : v))) as Record<string, unknown>;
}

function body(enc: Encoding, obj: Record<string, unknown>): Buffer {
  return enc === 'json' ? Buffer.from(JSON.stringify(obj)) : pbBody(`${CORE}.Shoot`, GV, 'Shoot', obj);
}

const headers = (enc: Encoding, withBody: boolean): Record<string, string> => ({
  accept: enc === 'json' ? 'application/json, */*' : PROTOBUF_ACCEPT,
  ...(withBody && { 'content-type': enc === 'json' ? 'application/json' : PROTOBUF_MEDIA_TYPE }),
});

/** Sends a request and reads the whole response without decoding it; insists on `want`. */
function send(s: BenchServer, agent: Agent, method: string, path: string, h: Record<string, string>, payload: Buffer | undefined, want: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, s.running.url), { method, agent, headers: h }, (res) => {
      res.on('data', () => {});
      res.on('end', () => (res.statusCode === want ? resolve() : reject(new Error(`${method} ${path}: ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

interface Result {
  f: Figures;
  /** Server CPU milliseconds per operation. */
  cpuMs: number;
}

async function timed(s: BenchServer, ops: number, run: () => Promise<Figures>): Promise<Result> {
  const cpu = new CpuMeter({ server: s.pid }).start();
  const f = await run();
  return { f, cpuMs: cpu.cpuMs('server') / ops };
}

/** Runs `run(enc, round)` JSON, protobuf, three times over; keeps the best run of each. */
async function interleaved(run: (enc: Encoding, round: number) => Promise<Result>): Promise<Record<Encoding, Result>> {
  const best: Partial<Record<Encoding, Result>> = {};
  for (let round = 0; round < 3; round++) {
    for (const enc of ['json', 'protobuf'] as const) {
      const r = await run(enc, round);
      const prev = best[enc];
      if (prev === undefined || r.f.perSecond > prev.f.perSecond) best[enc] = r;
    }
  }
  return best as Record<Encoding, Result>;
}

function rows(name: string, r: Record<Encoding, Result>, unit = '/s'): string[] {
  const fmt = (x: Result) => `${x.f.perSecond.toFixed(1).padStart(8)} ${unit}  p50 ${x.f.p50ms.toFixed(2).padStart(7)} ms  p99 ${x.f.p99ms.toFixed(2).padStart(7)} ms  server ${x.cpuMs.toFixed(3)} ms cpu/op`;
  return [
    `${`${name}, JSON`.padEnd(34)} ${fmt(r.json)}`,
    `${`${name}, protobuf`.padEnd(34)} ${fmt(r.protobuf)}  = ${(r.protobuf.f.perSecond / r.json.f.perSecond).toFixed(2)}x the rate, ${(r.json.cpuMs / r.protobuf.cpuMs).toFixed(2)}x less cpu`,
  ];
}

/** 200 watchers per encoding receive `EVENTS` creates; latency from the create's send to each receipt. */
async function fanOut(s: BenchServer, agent: Agent, enc: Encoding, round: number): Promise<Result> {
  const ns = NAMESPACE('w', enc, round);
  await send(s, agent, 'POST', PROJECTS_PATH, headers('json', true), Buffer.from(JSON.stringify(projectFor(ns))), 201);
  const latencies: number[] = [];
  const streams = await Promise.all(
    Array.from({ length: WATCHERS }, () =>
      new Promise<{ destroy(): void }>((resolve, reject) => {
        const req = request(new URL(`${SHOOTS(ns)}?watch=true`, s.running.url), { agent, headers: headers(enc, false) }, (res) => {
          let pending = Buffer.alloc(0);
          res.on('data', (chunk: Buffer) => {
            const now = performance.now();
            const { count, rest } = readFrames(enc, Buffer.concat([pending, chunk]));
            pending = Buffer.from(rest);
            for (let i = 0; i < count; i++) latencies.push(now);
          });
          resolve(req);
        });
        req.on('error', reject);
        req.end();
      }),
    ),
  );
  const bodies = Array.from({ length: EVENTS }, (_, i) => body(enc, shoot(`e${i}`, ns)));
  const cpu = new CpuMeter({ server: s.pid }).start();
  const start = performance.now();
  const delays: number[] = [];
  for (let i = 0; i < EVENTS; i++) {
    const before = latencies.length;
    const t0 = performance.now();
    await send(s, agent, 'POST', SHOOTS(ns), headers(enc, true), bodies[i], 201);
    while (latencies.length < before + WATCHERS) await new Promise((r) => setTimeout(r, 1));
    for (let k = before; k < before + WATCHERS; k++) delays.push((latencies[k] ?? t0) - t0);
  }
  const f = summarize(delays, (performance.now() - start) / 1000);
  const cpuMs = cpu.cpuMs('server') / EVENTS;
  for (const st of streams) st.destroy();
  return { f: { ...f, perSecond: (EVENTS * WATCHERS) / f.seconds }, cpuMs };
}

export async function benchProtobuf(n: number): Promise<string[]> {
  const s = await benchServer([]);
  const agent = new Agent({ keepAlive: true, maxSockets: WATCHERS + 64, ca: s.creds.ca, cert: s.creds.cert, key: s.creds.key });
  const creates = Math.min(n, 1000);
  try {
    const out: string[] = [];
    const create = await interleaved(async (enc, round) => {
      const ns = NAMESPACE('c', enc, round);
      await send(s, agent, 'POST', PROJECTS_PATH, headers('json', true), Buffer.from(JSON.stringify(projectFor(ns))), 201);
      const bodies = Array.from({ length: creates }, (_, i) => body(enc, shoot(`s${i}`, ns)));
      return timed(s, creates, () => measure(creates, 16, (i) => send(s, agent, 'POST', SHOOTS(ns), headers(enc, true), bodies[i], 201)));
    });
    out.push(...rows('create Shoot (c=16)', create));
    const get = await interleaved((enc) =>
      timed(s, creates, () => measure(creates, 16, (i) => send(s, agent, 'GET', `${SHOOTS(NAMESPACE('c', 'json', 0))}/s${i % creates}`, headers(enc, false), undefined, 200))),
    );
    out.push(...rows('get Shoot (c=16)', get));
    await send(s, agent, 'POST', PROJECTS_PATH, headers('json', true), Buffer.from(JSON.stringify(projectFor('garden-list'))), 201);
    for (let i = 0; i < 1000; i++) await send(s, agent, 'POST', SHOOTS('garden-list'), headers('json', true), body('json', shoot(`l${i}`, 'garden-list')), 201);
    const lists = 40;
    const list = await interleaved((enc) => timed(s, lists, () => measure(lists, 4, () => send(s, agent, 'GET', SHOOTS('garden-list'), headers(enc, false), undefined, 200))));
    out.push(...rows('list 1,000 Shoots (c=4)', list, 'lists/s'));
    const fan = await interleaved((enc, round) => fanOut(s, agent, enc, round));
    out.push(...rows(`watch, ${WATCHERS} watchers`, fan, 'events/s'));
    return out;
  } finally {
    agent.destroy();
    await s.stop();
  }
}
