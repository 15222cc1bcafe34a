/**
 * Fuzz and robustness run against the real server process: at least 10,000 malformed or hostile
 * requests (bad JSON, huge and deep bodies, odd paths and names, bad selectors, parameters and
 * patches, forged identity headers and certificates, odd methods, encodings and framing), sent as the
 * admin, anonymously and with a forged client certificate.
 *
 * Afterwards: no answer was a 5xx (a 504 is accepted only where the request itself asked for a
 * `?timeout=`), no request hung or lost its connection, anonymous and forged callers got nothing but
 * the always-allowed health endpoints, the server is alive and ready, every stored object is
 * byte-identical (same resourceVersion, nothing added or removed, storage revision unchanged), the
 * request metrics stayed bounded and every watch was released, and the server's memory (resident,
 * and V8 heap plus external after forced garbage collections through its loopback inspector) returned
 * to near its warmed-up baseline. When the server dies, the requests in flight are named.
 *
 * Deterministic: request `i` is a function of the seed and `i` only. Environment:
 * `FUZZ_SEED` (default 20250601), `FUZZ_COUNT` (default 10000), `FUZZ_CONCURRENCY` (default 12),
 * `FUZZ_ONLY=<i>[,<i>...]` replays single requests of the seed and prints them in full,
 * `FUZZ_CATEGORY=<category>` draws every request from one category (see CATEGORIES in requests.ts),
 * `FUZZ_BACKEND=etcd` runs the server on etcd (Debian's, on free loopback ports) instead of SQLite.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { rmSync } from 'node:fs';
import { METHODS } from 'node:http';
import { createCA, createLeaf } from '../../apiserver/standalone/pki.js';
import { resourceVersionError } from '../../storage/resource-version.js';
import { adminClient } from '../support/client.js';
import { writeAescbcConfig } from '../support/encryption.js';
import { startEtcd, type EtcdCluster } from '../support/etcd.js';
import { adminCredentials, startChild, tempDir, type AdminCredentials, type ChildServer } from '../support/server.js';
import { writesSince } from './etcd-history.js';
import { endpoint, send, type Endpoint, type Outcome, type TlsIdentity } from './http.js';
import { inspectorUrl, memoryAfterGC, type MemoryUsage } from './inspector.js';
import { labelValues, mib, parseMetrics, rssBytes, sumOf, type Sample } from './observe.js';
import { CATEGORIES, generateRequest, isCategory, type Category, type FuzzContext, type FuzzRequest, type Identity } from './requests.js';
import { collectionPath, createKnownState, diffSnapshots, prepareDataDir, RESOURCES, takeSnapshot, type Snapshot } from './state.js';

/** A non-negative integer from the environment, or `fallback`. */
function envInt(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v.trim() === '') return fallback;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got ${JSON.stringify(v)}`);
  return n;
}

const SEED = envInt('FUZZ_SEED', 20250601) >>> 0;
const COUNT = envInt('FUZZ_COUNT', 10_000);
const CONCURRENCY = Math.max(1, envInt('FUZZ_CONCURRENCY', 12));
const BACKEND = process.env.FUZZ_BACKEND ?? 'sqlite';
if (BACKEND !== 'sqlite' && BACKEND !== 'etcd') throw new Error(`FUZZ_BACKEND must be sqlite or etcd, got ${JSON.stringify(BACKEND)}`);
const ONLY = (process.env.FUZZ_ONLY ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter((s) => s !== '')
  .map(Number);
const CATEGORY = ((): Category | undefined => {
  const v = process.env.FUZZ_CATEGORY;
  if (v === undefined || v === '') return undefined;
  if (!isCategory(v)) throw new Error(`FUZZ_CATEGORY must be one of ${CATEGORIES.join(', ')}`);
  return v;
})();
/** Client-side bound of every request. */
const REQUEST_TIMEOUT_MS = 10_000;
/**
 * Warm-up before the memory baseline is taken (a different seed stream): first some big bodies (so
 * the heap and the allocator have seen them), then the ordinary mix.
 */
const WARMUP_BOMBS = 50;
const WARMUP = Math.min(1000, Math.max(100, Math.floor(COUNT / 10)));
const WARMUP_SEED = (SEED ^ 0x5eed_f00d) >>> 0;
/** Longest wait for memory and gauges to settle after the run. */
const SETTLE_MS = 12_000;
/**
 * Allowed growth over the warmed-up baseline, both measured after forced full garbage collections in
 * the server (through its inspector). Resident memory: the larger of 64 MiB and half the baseline,
 * since the allocator keeps some freed memory and big bodies leave fragmentation. Retained memory
 * (V8 heap in use plus external memory such as Buffers): the larger of 32 MiB and a quarter of the
 * baseline; a leak of 3 KiB per request would exceed it over 10,000 requests.
 */
const RSS_SLACK = { bytes: 64 * 1024 * 1024, ratio: 0.5 };
const RETAINED_SLACK = { bytes: 32 * 1024 * 1024, ratio: 0.25 };
/** `base` plus the larger of the absolute and the relative slack. */
const limitOf = (base: number, slack: { bytes: number; ratio: number }) => base + Math.max(slack.bytes, slack.ratio * base);
/** Memory the process holds on to: V8 heap in use plus external (Buffers). */
const retained = (m: MemoryUsage) => m.heapUsed + m.external;

/** Always-allowed health paths and what system:public-info-viewer lets everyone read. */
const ALWAYS_ALLOWED = new Set(['/healthz', '/readyz', '/livez', '/version', '/version/']);
const KNOWN_GROUPS = new Set(['', ...RESOURCES.map((r) => r.group)]);
const KNOWN_VERSIONS = new Set(['', ...RESOURCES.map((r) => r.version)]);
const KNOWN_RESOURCES = new Set(['', ...RESOURCES.map((r) => r.resource)]);
const KNOWN_SUBRESOURCES = new Set(['', ...RESOURCES.flatMap((r) => r.subresources)]);
/** Request verbs as the metrics label them; methods outside HTTP's list count as `other`, as upstream. */
const KNOWN_VERBS = new Set(['LIST', 'WATCH', 'APPLY', 'DELETECOLLECTION', 'other', ...METHODS]);

/** A request as remembered for the report (bodies are not kept). */
interface Record_ {
  /** `badResourceVersion`: read from the whole path, which is kept cut at 2,000 characters. */
  req: Omit<FuzzRequest, 'body'> & { bodyBytes: number; bodyHead: string; badResourceVersion: boolean };
  out: Outcome;
  warmup: boolean;
}

/** `s` JSON-escaped (control characters visible) and cut at `max` characters. */
function printable(s: string, max: number): string {
  const t = JSON.stringify(s.length > max ? `${s.slice(0, max)}…(${s.length} chars)` : s);
  return t.slice(1, -1);
}

/** What is remembered of a request: everything but the body, of which only the start and size. */
function lite(req: FuzzRequest): Record_['req'] {
  const { body, ...rest } = req;
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(rest.headers)) headers[k] = Array.isArray(v) ? v.map((x) => printable(x, 120)) : printable(v, 120);
  return {
    ...rest,
    path: rest.path.length > 2000 ? `${rest.path.slice(0, 2000)}…(${rest.path.length} chars)` : rest.path,
    headers,
    bodyBytes: body?.length ?? 0,
    bodyHead: body === undefined ? '' : body.subarray(0, 300).toString('utf8'),
    badResourceVersion: badResourceVersion(rest.path),
  };
}

/** One line describing a request and its outcome, enough to reproduce it. */
function describeRecord(r: Record_): string {
  const q = r.req;
  const hs = Object.entries(q.headers)
    .filter(([k]) => k !== 'content-length')
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(' | ') : v}`)
    .join('; ');
  const body = q.bodyBytes > 0 ? ` body(${q.bodyBytes} B)=${printable(q.bodyHead, 160)}` : '';
  const answer = r.out.kind === 'response' || r.out.kind === 'stream' ? `${r.out.status} ${printable(r.out.bodyHead, 220)}` : `${r.out.kind}: ${r.out.error ?? ''}`;
  const warm = r.warmup ? ` (warm-up; replay: FUZZ_SEED=${WARMUP_SEED}${q.index < WARMUP_BOMBS ? ' FUZZ_CATEGORY=bomb' : ''} FUZZ_ONLY=${q.index})` : '';
  return `#${q.index}${warm} [${q.identity}/${q.category}/${q.guard}] ${q.method} ${printable(q.path, 300)}${hs ? ` {${hs}}` : ''}${body} -> ${answer} [${q.notes.join(',')}]`;
}

/** Whether a non-admin caller may see a success here: only health and version, anonymously. */
function allowedForNonAdmin(identity: Identity, path: string): boolean {
  if (identity !== 'anonymous') return false;
  try {
    return ALWAYS_ALLOWED.has(new URL(path, 'https://placeholder').pathname);
  } catch (e: unknown) {
    void e; // not a URL the server could route either
    return false;
  }
}

/**
 * A large upload the server answered early (401, 403, 413) and then stopped reading: it may close the
 * connection while the client is still writing (RFC 9112 §9.6), and the client may not get to read
 * the answer. Acceptable for bodies above 256 KiB (Go's server, too, reads at most that much of an
 * unwanted body before closing).
 */
function refusedUpload(r: Record_): boolean {
  return r.out.kind === 'dropped' && r.req.bodyBytes > 256 * 1024 && /EPIPE|ECONNRESET/.test(r.out.error ?? '');
}

/** Whether a request path names a resourceVersion Go cannot read as a uint64. */
function badResourceVersion(path: string): boolean {
  const query = path.includes('?') ? path.slice(path.indexOf('?') + 1) : '';
  const rv = new URLSearchParams(query).get('resourceVersion');
  return rv !== null && resourceVersionError(rv) !== undefined;
}

/**
 * Requests kube-apiserver refuses with a 500 without reason, and so does the server, on purpose: a
 * create naming a resourceVersion, a write naming one Go cannot parse, a read or watch from the watch
 * cache at such a resourceVersion (the versioner's error), an apply setting fields the kind's Go type
 * does not declare or list items it cannot key (the typed conversion's error).
 */
function refusedVersion(r: Record_): boolean {
  if (r.out.status !== 500) return false;
  if (r.req.method === 'POST' && r.out.bodyHead.includes('"message":"resourceVersion should not be set on objects to be created"')) return true;
  // In every format (JSON, YAML, protobuf) and on whatever method reached a read or watch.
  if (r.out.bodyHead.includes('resourceVersion: Invalid value: ') && r.req.badResourceVersion) return true;
  // A HEAD is a GET without the body: its resourceVersion tells.
  if (r.req.method === 'HEAD' && r.req.badResourceVersion) return true;
  if (r.req.method === 'PATCH' && r.out.bodyHead.includes('"message":"failed to create typed patch object (')) return true;
  return ['PUT', 'PATCH'].includes(r.req.method) && r.out.bodyHead.includes('"message":"strconv.ParseUint: parsing ');
}

/** Problems of one outcome, by kind. */
function problemsOf(r: Record_): { kind: 'server-error' | 'privilege' | 'hang' | 'dropped' | 'client'; line: string }[] {
  const out: { kind: 'server-error' | 'privilege' | 'hang' | 'dropped' | 'client'; line: string }[] = [];
  const { req, out: o } = r;
  if (o.kind === 'timeout') out.push({ kind: 'hang', line: describeRecord(r) });
  if (o.kind === 'dropped' && !req.mayDrop && !refusedUpload(r)) out.push({ kind: 'dropped', line: describeRecord(r) });
  if (o.kind === 'client-error') out.push({ kind: 'client', line: describeRecord(r) });
  if ((o.kind === 'response' || o.kind === 'stream') && o.status >= 500 && !(o.status === 504 && req.clientDeadline) && !refusedVersion(r)) {
    out.push({ kind: 'server-error', line: describeRecord(r) });
  }
  if ((o.kind === 'response' || o.kind === 'stream') && req.identity !== 'admin' && o.status > 0 && o.status < 400 && !allowedForNonAdmin(req.identity, req.path)) {
    out.push({ kind: 'privilege', line: describeRecord(r) });
  }
  return out;
}

/** Counts items by key, keys sorted. */
function countBy<T>(items: readonly T[], key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of items) m.set(key(t), (m.get(key(t)) ?? 0) + 1);
  return new Map([...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
}

/** `key: n, key: n` */
function fmtCounts(m: Map<string, number>): string {
  return [...m.entries()].map(([k, v]) => `${k}: ${v}`).join(', ');
}

/** Indented lines, at most `max` of them. */
function listOf(lines: readonly string[], max = 400): string {
  const shown = lines.slice(0, max).map((l) => `  ${l}`);
  if (lines.length > max) shown.push(`  … and ${lines.length - max} more`);
  return shown.join('\n');
}

/** Resolves after `ms`. */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A client certificate with the admin's subject, from a CA that has the real CA's name but not its key. */
function forgedIdentity(creds: AdminCredentials): TlsIdentity {
  const caName = /CN=([^\n,]+)/.exec(new X509Certificate(creds.ca).subject)?.[1] ?? 'garden-apiserver-ca';
  const admin = new X509Certificate(creds.cert).subject;
  const cn = /CN=([^\n]+)/.exec(admin)?.[1] ?? 'system:admin';
  const orgs = [...admin.matchAll(/O=([^\n]+)/g)].map((m) => m[1] ?? '');
  const ca = createCA(caName);
  const leaf = createLeaf(ca, { commonName: cn, organizations: orgs.length > 0 ? orgs : ['system:masters'], usage: 'client' });
  return { ca: creds.ca, cert: leaf.cert, key: leaf.key };
}

/** Headers that claim an identity; without a front-proxy certificate they must change nothing. */
const FORGED_HEADERS: Record<string, string | string[]> = {
  'x-remote-user': 'admin',
  'x-remote-group': ['system:masters', 'system:authenticated'],
  'x-remote-extra-scopes': 'all',
  authorization: 'Bearer junk',
};
/** Impersonation: honoured only for who may impersonate (kube-apiserver's rule), refused to anyone else. */
const IMPERSONATION: Record<string, string> = { 'impersonate-user': 'admin', 'impersonate-group': 'system:masters' };

/**
 * Fixed checks of the identity rules (aggregation.md §2-§3): forged identity headers give an anonymous
 * caller nothing, a client certificate from a look-alike CA is refused, the admin stays the admin
 * whatever identity headers it sends, and impersonation is for who may impersonate only. Returns the
 * violations.
 */
async function identityChecks(eps: Record<Identity, Endpoint>): Promise<string[]> {
  const list = '/apis/core.gardener.cloud/v1beta1/internalsecrets';
  const bad: string[] = [];
  const check = async (who: Identity, path: string, headers: Record<string, string | string[]>, ok: (o: Outcome) => boolean, what: string) => {
    const o = await send(eps[who], { method: 'GET', path, headers, body: undefined, isolate: false }, REQUEST_TIMEOUT_MS);
    if (!ok(o)) bad.push(`${who} GET ${path} with ${Object.keys(headers).join(', ') || 'no extra headers'}: expected ${what}, got ${o.kind} ${o.status} ${printable(o.bodyHead, 200)}`);
  };
  const anonymousDenied = (o: Outcome) => o.status === 401 || (o.status === 403 && o.bodyHead.includes('system:anonymous'));
  await check('anonymous', list, FORGED_HEADERS, anonymousDenied, '403 for system:anonymous (or 401)');
  await check('anonymous', `${list}?watch=1`, FORGED_HEADERS, anonymousDenied, '403 for system:anonymous (or 401)');
  await check('anonymous', '/apis', { 'x-remote-group': 'system:masters' }, anonymousDenied, '403 for system:anonymous (or 401)');
  await check('anonymous', '/healthz', FORGED_HEADERS, (o) => o.status === 200, '200 (always allowed)');
  await check('anonymous', list, { ...FORGED_HEADERS, ...IMPERSONATION }, anonymousDenied, '403 for system:anonymous (or 401)');
  await check('anonymous', '/healthz', IMPERSONATION, anonymousDenied, '403: system:anonymous may not impersonate');
  await check('forged', list, {}, (o) => o.status === 401, '401 for a certificate from another CA');
  await check('forged', list, { ...FORGED_HEADERS, ...IMPERSONATION }, (o) => o.status === 401, '401 for a certificate from another CA');
  await check('admin', list, { 'x-remote-user': 'nobody', 'x-remote-group': 'nobody', authorization: 'Bearer junk' }, (o) => o.status === 200, '200 (still the admin)');
  await check('admin', list, { 'impersonate-user': 'nobody' }, (o) => o.status === 403 && o.bodyHead.includes('nobody'), '403 for nobody, whom the admin impersonates');
  return bad;
}

describe('fuzz: hostile requests against the server process', function () {
  this.timeout(300_000);

  let dataDir = '';
  let server: ChildServer | undefined;
  let etcd: EtcdCluster | undefined;
  let client: ReturnType<typeof adminClient> | undefined;
  let endpoints: Record<Identity, Endpoint> | undefined;
  let ctx: FuzzContext = { objects: [], continueTokens: [] };
  let snapBefore: Snapshot | undefined;
  let afterSnap: Snapshot | undefined;
  const records: Record_[] = [];
  let baseline: MemoryUsage | undefined;
  let settled: MemoryUsage | undefined;
  let peakRss = 0;
  let memTrace: string[] = [];
  let inspector: string | undefined;
  let runMs = 0;
  let metricsBefore: Sample[] = [];
  let metricsAfter: Sample[] = [];
  /** Requests on their way, to name the suspects when the server dies. */
  const inflight = new Map<string, Record_>();
  let death: { signal: string; code: number | null; inflight: string[] } | undefined;
  let identityProblems: string[] = [];

  /** Memory of the server after forced GCs (RSS from /proc only, when there is no inspector). */
  async function measureMemory(pid: number): Promise<MemoryUsage> {
    if (inspector !== undefined) {
      try {
        return await memoryAfterGC(inspector);
      } catch (e: unknown) {
        console.log(`    (inspector unavailable: ${e instanceof Error ? e.message : String(e)})`);
        inspector = undefined;
      }
    }
    return { rss: rssBytes(pid) ?? 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
  }

  /** The memory figures of the run, one line. */
  function memoryLine(): string {
    if (baseline === undefined || settled === undefined) return '  memory: not measured';
    return (
      `  memory after forced GC: resident ${mib(baseline.rss)} -> ${mib(settled.rss)} (limit ${mib(limitOf(baseline.rss, RSS_SLACK))}, peak during the run ${mib(peakRss)}), ` +
      `retained heap+external ${mib(retained(baseline))} -> ${mib(retained(settled))} (limit ${mib(limitOf(retained(baseline), RETAINED_SLACK))}); rss/retained trace ${memTrace.join(' ')}`
    );
  }

  /** The server's metrics as the admin reads them (empty when it cannot be reached). */
  async function metrics(): Promise<Sample[]> {
    if (client === undefined) return [];
    try {
      const r = await client.send('GET', '/metrics');
      return parseMetrics(typeof r.body === 'string' ? r.body : '');
    } catch (e: unknown) {
      console.log(`    (/metrics failed: ${e instanceof Error ? e.message : String(e)})`);
      return [];
    }
  }

  /** Sends requests `indices` of `seed` (all of `category` when given) with bounded concurrency. */
  async function run(seed: number, indices: readonly number[], warmup: boolean, category?: Category): Promise<void> {
    const eps = endpoints;
    if (eps === undefined) throw new Error('not set up');
    let next = 0;
    const worker = async () => {
      for (;;) {
        const i = next++;
        const index = indices[i];
        if (index === undefined || death !== undefined) return;
        const req = generateRequest(seed, index, ctx, category);
        const key = `${seed}/${index}`;
        const pendingRecord: Record_ = { req: lite(req), out: { kind: 'dropped', status: 0, headers: {}, bodyHead: '', bodyBytes: 0, ms: 0 }, warmup };
        inflight.set(key, pendingRecord);
        const out = await send(eps[req.identity], req, REQUEST_TIMEOUT_MS);
        inflight.delete(key);
        records.push({ req: pendingRecord.req, out, warmup });
        if (ONLY.length > 0) {
          console.log(`\n--- request #${index} of seed ${seed}\n${req.method} ${req.path}`);
          for (const [k, v] of Object.entries(req.headers)) console.log(`${k}: ${printable(Array.isArray(v) ? v.join(', ') : v, 2000)}`);
          console.log(`\n${req.body === undefined ? '(no body)' : printable(req.body.subarray(0, 4000).toString('utf8'), 4000)} (${req.body?.length ?? 0} bytes)`);
          console.log(`=> ${out.kind} ${out.status} ${JSON.stringify(out.headers)}\n${out.bodyHead}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  }

  before(async function () {
    console.log(`    fuzz seed ${SEED} (FUZZ_SEED), ${COUNT} requests (FUZZ_COUNT), concurrency ${CONCURRENCY}${ONLY.length > 0 ? `, only #${ONLY.join(',')}` : ''}${CATEGORY ? `, category ${CATEGORY}` : ''}, on ${BACKEND}`);
    dataDir = tempDir('garden-apiserver-fuzz-');
    const { clientCA } = prepareDataDir(dataDir);
    if (BACKEND === 'etcd') etcd = await startEtcd();
    // No compaction on etcd: the check of stored data reads etcd's history of the run.
    const backendArgs =
      etcd === undefined
        ? []
        : ['--storage-backend=etcd3', `--etcd-servers=${etcd.endpoints.join(',')}`, `--encryption-provider-config=${writeAescbcConfig(dataDir)}`, '--etcd-compaction-interval=0'];
    // The inspector (loopback only) lets the test force garbage collections in the server.
    const nodeOptions = process.env.NODE_OPTIONS;
    process.env.NODE_OPTIONS = [nodeOptions, '--inspect=127.0.0.1:0'].filter((x) => x !== undefined && x !== '').join(' ');
    const starting = startChild(dataDir, backendArgs);
    if (nodeOptions === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = nodeOptions;
    server = await starting;
    inspector = inspectorUrl(server.output());
    server.proc.once('exit', (code, signal) => {
      death = { code, signal: signal ?? '', inflight: [...inflight.values()].map(describeRecord) };
    });
    const creds = adminCredentials(dataDir);
    client = adminClient(server.url, creds);
    await createKnownState(client, clientCA);
    snapBefore = await takeSnapshot(client);
    const tokens: string[] = [];
    for (const r of RESOURCES) {
      const page = await client.send('GET', `${collectionPath(r)}?limit=1`);
      const token = (page.body as { metadata?: { continue?: string } }).metadata?.continue;
      if (token) tokens.push(token);
    }
    ctx = { objects: snapBefore.known, continueTokens: tokens };
    endpoints = {
      admin: endpoint(server.url, creds, CONCURRENCY),
      anonymous: endpoint(server.url, { ca: creds.ca }, CONCURRENCY),
      forged: endpoint(server.url, forgedIdentity(creds), CONCURRENCY),
    };
    const pid = server.proc.pid;
    if (pid === undefined) throw new Error('server has no pid');
    identityProblems = await identityChecks(endpoints);

    if (ONLY.length > 0) {
      await run(SEED, ONLY, false, CATEGORY);
    } else {
      await run(WARMUP_SEED, Array.from({ length: WARMUP_BOMBS }, (_, i) => i), true, 'bomb');
      await run(WARMUP_SEED, Array.from({ length: WARMUP }, (_, i) => WARMUP_BOMBS + i), true);
      await sleep(500);
      baseline = await measureMemory(pid);
      metricsBefore = await metrics();

      const sampler = setInterval(() => {
        peakRss = Math.max(peakRss, rssBytes(pid) ?? 0);
      }, 200);
      const t0 = performance.now();
      await run(SEED, Array.from({ length: COUNT }, (_, i) => i), false, CATEGORY);
      runMs = Math.round(performance.now() - t0);
      clearInterval(sampler);
    }

    // Let go of every connection, then give the server time to close watches and collect garbage.
    for (const ep of Object.values(endpoints)) ep.agent.destroy();
    const settleStart = performance.now();
    memTrace = [];
    for (;;) {
      await sleep(1000);
      const now = await measureMemory(pid);
      settled = now;
      memTrace.push(`${mib(now.rss)}/${mib(retained(now))}`);
      if (baseline === undefined || now.rss === 0) break;
      if (now.rss <= limitOf(baseline.rss, RSS_SLACK) && retained(now) <= limitOf(retained(baseline), RETAINED_SLACK)) break;
      if (performance.now() - settleStart >= SETTLE_MS) break;
    }
    metricsAfter = await metrics();
    for (let i = 0; i < 10 && sumOf(metricsAfter, 'apiserver_longrunning_requests') > 0; i++) {
      await sleep(300);
      metricsAfter = await metrics();
    }
    try {
      afterSnap = await takeSnapshot(client);
    } catch (e: unknown) {
      console.log(`    (snapshot after the run failed: ${e instanceof Error ? e.message : String(e)})`);
    }

    const main = records.filter((r) => !r.warmup);
    const statusOf = (r: Record_) => (r.out.kind === 'response' ? String(r.out.status) : r.out.kind === 'stream' ? `${r.out.status}(stream)` : refusedUpload(r) ? 'refused-upload' : r.out.kind);
    const lines = [
      ...(death === undefined ? [] : [`THE SERVER DIED (exit code ${death.code ?? '-'}, signal ${death.signal || '-'}); see "is still alive and ready"`]),
      `fuzz summary (seed ${SEED}): ${main.length} requests in ${(runMs / 1000).toFixed(1)} s (${WARMUP_BOMBS + WARMUP} warm-up requests before)`,
      `  by status: ${fmtCounts(countBy(main, statusOf))}`,
      `  by identity: ${fmtCounts(countBy(main, (r) => r.req.identity))}`,
      `  by category: ${fmtCounts(countBy(main, (r) => r.req.category))}`,
      `  admin guards: ${fmtCounts(countBy(main.filter((r) => r.req.identity === 'admin'), (r) => r.req.guard))}`,
      ...[...countBy(main, (r) => r.req.category).keys()].map((c) => `  admin ${c}: ${fmtCounts(countBy(main.filter((r) => r.req.identity === 'admin' && r.req.category === c), statusOf))}`),
      `  slowest: ${[...main].sort((a, b) => b.out.ms - a.out.ms).slice(0, 3).map((r) => `#${r.req.index} ${r.out.ms} ms`).join(', ')}`,
      memoryLine(),
    ];
    const statusTypes = /^application\/(json|yaml|vnd\.kubernetes\.protobuf)\b/;
    const nonStatus = main.filter((r) => r.out.kind === 'response' && r.out.status >= 400 && r.out.bodyBytes > 0 && !statusTypes.test(String(r.out.headers['content-type'] ?? '')));
    if (nonStatus.length > 0) {
      lines.push(`  note: ${nonStatus.length} error answers were not Status objects (JSON, YAML or protobuf), e.g.:`);
      const groups = new Map<string, Record_[]>();
      for (const r of nonStatus) {
        const k = `${r.out.status} ${String(r.out.headers['content-type'] ?? '')} ${printable(r.out.bodyHead.replace(/\s+/g, ' '), 80)}`;
        groups.set(k, [...(groups.get(k) ?? []), r]);
      }
      for (const [k, rs] of groups) lines.push(`    ${rs.length}x ${k} (e.g. #${rs[0]?.req.index ?? '?'}: ${rs[0]?.req.method ?? ''} ${printable(rs[0]?.req.path ?? '', 120)})`);
    }
    const warnings = server.output().split('\n').filter((l) => /Warning|unhandled error|Unhandled|uncaught/i.test(l));
    if (warnings.length > 0) {
      lines.push(`  server log: ${warnings.length} warning/error lines, distinct:`);
      for (const [k, v] of countBy(warnings, (l) => l.replace(/"ts":"[^"]*",?/, '').replace(/\(node:\d+\)/, '(node)').slice(0, 200))) lines.push(`    ${v}x ${k}`);
    }
    console.log(lines.map((l) => `    ${l}`).join('\n'));
  });

  after(async () => {
    client?.close();
    for (const ep of Object.values(endpoints ?? {})) ep.agent.destroy();
    await server?.stop();
    await etcd?.stop();
    if (dataDir !== '') rmSync(dataDir, { recursive: true, force: true });
  });

  /** Problem lines of one kind, in the order the requests were sent (warm-up first). */
  const problems = (kind: ReturnType<typeof problemsOf>[number]['kind']) =>
    [...records]
      .sort((a, b) => Number(b.warmup) - Number(a.warmup) || a.req.index - b.req.index)
      .flatMap(problemsOf)
      .filter((p) => p.kind === kind)
      .map((p) => p.line);

  it(`sends at least ${COUNT} requests`, function () {
    if (ONLY.length > 0) this.skip();
    const sent = records.filter((r) => !r.warmup).length;
    assert.ok(sent >= COUNT, `only ${sent} requests were sent${death === undefined ? '' : ' (the server died)'}`);
    assert.deepEqual(problems('client'), [], 'requests the client could not even send (a generator bug)');
  });

  it('answers no request with a 5xx', () => {
    const bad = problems('server-error');
    const causes = countBy(
      records.filter((r) => problemsOf(r).some((p) => p.kind === 'server-error')),
      (r) => `${r.out.status} ${(/"message":"((?:[^"\\]|\\.){0,90})/.exec(r.out.bodyHead)?.[1] ?? printable(r.out.bodyHead, 90)).replace(/'[^']*'|\\"[^"\\]*\\"/g, '…')}`,
    );
    const summary = [...causes.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => `  ${v}x ${k}`).join('\n');
    assert.equal(bad.length, 0, `${bad.length} requests got a 5xx, by cause:\n${summary}\nthe requests (replay one with FUZZ_SEED=${SEED} FUZZ_ONLY=<#>):\n${listOf(bad, 150)}`);
  });

  it('answers every request in time and never drops a connection', () => {
    const hung = problems('hang');
    const dropped = problems('dropped');
    const dead = death === undefined ? '' : `the server died (signal ${death.signal || '-'}); `;
    assert.equal(hung.length + dropped.length, 0, `${dead}${hung.length} requests got no complete answer within ${REQUEST_TIMEOUT_MS} ms, ${dropped.length} lost their connection without an answer (in the order sent; when many hang together, the first usually blocked the server):\n${listOf([...hung, ...dropped], 100)}`);
  });

  it('ignores forged identity headers and look-alike client certificates', () => {
    assert.deepEqual(identityProblems, []);
  });

  it('grants anonymous and forged callers nothing beyond the always-allowed health paths', () => {
    const bad = problems('privilege');
    assert.equal(bad.length, 0, `${bad.length} non-admin requests succeeded:\n${listOf(bad)}`);
  });

  it('is still alive and ready', async () => {
    assert.ok(server !== undefined && client !== undefined);
    if (death !== undefined) {
      const fatal = server.output().split('\n').filter((l) => /FATAL|Error|error|Warning/.test(l)).slice(-15);
      assert.fail(
        `the server died (exit code ${death.code ?? '-'}, signal ${death.signal || '-'}) while these requests were in flight:\n${listOf(death.inflight)}\n` +
          `last log lines:\n${fatal.join('\n')}\n\noutput tail:\n${server.output().slice(-3000)}`,
      );
    }
    const ready = await client.send('GET', '/readyz');
    assert.equal(ready.status, 200, `/readyz: ${JSON.stringify(ready.body)}`);
    assert.equal(ready.body, 'ok');
    const live = await client.send('GET', '/livez');
    assert.equal(live.status, 200);
  });

  it('changed no stored data', async () => {
    assert.ok(snapBefore !== undefined && afterSnap !== undefined, 'the stored data could not be listed after the run');
    const diff = diffSnapshots(snapBefore, afterSnap, { revisions: etcd === undefined });
    if (etcd !== undefined) {
      // Writes to the served resources that left no trace in the lists (created and deleted again).
      const since = Math.max(...[...snapBefore.listRVs.values()].map(Number));
      const prefixes = [...new Set(RESOURCES.map((r) => `/registry-gardener/${r.group}/`))];
      diff.push(...(await writesSince(etcd.endpoints, prefixes, since)).map((w) => `written: ${w}`));
    }
    assert.deepEqual(diff, [], `stored data changed:\n${diff.join('\n')}`);
  });

  it('releases every watch and keeps request metrics bounded', function () {
    if (ONLY.length > 0) this.skip();
    assert.ok(death === undefined && metricsAfter.length > 0, 'the metrics could not be read after the run');
    const problemsFound: string[] = [];
    const watches = sumOf(metricsAfter, 'apiserver_longrunning_requests');
    if (watches !== 0) problemsFound.push(`apiserver_longrunning_requests is ${watches} after all clients went away`);
    const inflight = sumOf(metricsAfter, 'apiserver_current_inflight_requests');
    if (inflight !== 0) problemsFound.push(`apiserver_current_inflight_requests is ${inflight} after all clients went away`);
    const check = (label: string, allowed: (v: string) => boolean) => {
      const odd = [...labelValues(metricsAfter, 'apiserver_request_total', label)].filter((v) => !allowed(v));
      if (odd.length > 0) problemsFound.push(`apiserver_request_total has ${odd.length} client-chosen values of label "${label}", e.g. ${odd.slice(0, 8).map((v) => JSON.stringify(v.slice(0, 60))).join(', ')}`);
    };
    check('group', (v) => KNOWN_GROUPS.has(v));
    check('version', (v) => KNOWN_VERSIONS.has(v));
    check('resource', (v) => KNOWN_RESOURCES.has(v));
    check('subresource', (v) => KNOWN_SUBRESOURCES.has(v));
    check('verb', (v) => KNOWN_VERBS.has(v));
    check('dry_run', (v) => v === '' || v === 'All');
    const series = (s: Sample[]) => s.filter((x) => x.name.startsWith('apiserver_request_')).length;
    assert.deepEqual(problemsFound, [], `${problemsFound.join('\n')}\n(request metric series: ${series(metricsBefore)} after warm-up, ${series(metricsAfter)} after the run)`);
  });

  it('returns to near its warmed-up memory baseline', function () {
    if (ONLY.length > 0) this.skip();
    assert.ok(death === undefined, 'the server died; nothing to measure');
    assert.ok(baseline !== undefined && settled !== undefined && baseline.rss > 0 && settled.rss > 0, 'memory could not be measured');
    const rssLimit = limitOf(baseline.rss, RSS_SLACK);
    assert.ok(settled.rss <= rssLimit, `resident memory ${mib(settled.rss)} after the run and settling exceeds the warmed-up baseline ${mib(baseline.rss)} + slack (limit ${mib(rssLimit)}):\n${memoryLine()}`);
    if (inspector === undefined) return; // no heap figures without the inspector; RSS is all we have
    const retainedLimit = limitOf(retained(baseline), RETAINED_SLACK);
    assert.ok(retained(settled) <= retainedLimit, `retained memory (heap used + external) ${mib(retained(settled))} exceeds the warmed-up baseline ${mib(retained(baseline))} + slack (limit ${mib(retainedLimit)}):\n${memoryLine()}`);
  });
});
