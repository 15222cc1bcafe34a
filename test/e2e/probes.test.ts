/**
 * Health probes and readiness of the real server: probes are never refused by the in-flight limits
 * (on fresh and on kept-alive connections), the requests that are refused get a Retry-After that grows
 * while refusals go on, and `/readyz` names the caches that have not loaded yet (on a real etcd, paused
 * so that they cannot load) until they have.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { Agent, request, type RequestOptions } from 'node:https';
import { join } from 'node:path';
import { writeAescbcConfig } from '../support/encryption.js';
import { freePort, startEtcd, type EtcdCluster } from '../support/etcd.js';
import { REPO_ROOT, startInProcess, tempDir, type InProcessServer } from '../support/server.js';
import { until } from '../support/wait.js';

const SHOOTS = '/apis/core.gardener.cloud/v1beta1/namespaces/garden-dev/shoots';
const PROBES = ['/livez', '/readyz', '/healthz', '/readyz?verbose', '/livez?exclude=etcd'];

interface Reply {
  status: number;
  text: string;
  retryAfter?: string | undefined;
}

function send(s: InProcessServer, path: string, opts: RequestOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, s.running.url), { ca: s.creds.ca, ...opts }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, retryAfter: res.headers['retry-after'] }));
    });
    req.on('error', reject);
    req.end();
  });
}

function plainGet(url: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    httpGet(url, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    }).on('error', reject);
  });
}

const asBob = { headers: { authorization: 'Bearer token-bob' } };
const asAdmin = (s: InProcessServer): RequestOptions => ({ cert: s.creds.cert, key: s.creds.key });

async function inflight(s: InProcessServer, kind: string): Promise<number> {
  const metrics = (await send(s, '/metrics', asAdmin(s))).text;
  const m = new RegExp(`^apiserver_current_inflight_requests\\{request_kind="${kind}"\\} (\\d+)$`, 'm').exec(metrics);
  return Number(m?.[1] ?? 0);
}

/** A read that holds the only read-only slot: its body arrives only when `finish` is called. */
function holdReadSlot(s: InProcessServer): { held: Promise<Reply>; finish: () => void } {
  let finish: () => void = () => undefined;
  const held = new Promise<Reply>((resolve, reject) => {
    const req = request(new URL(SHOOTS, s.running.url), { ca: s.creds.ca, headers: { ...asBob.headers, 'content-type': 'application/json', 'content-length': '2' } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.write('{');
    finish = () => req.end('}');
  });
  return { held, finish };
}

describe('health probes under a saturated in-flight limit', function () {
  this.timeout(60_000);
  let s: InProcessServer;
  let dir: string;
  let healthPort: number;

  before(async () => {
    dir = tempDir();
    writeFileSync(join(dir, 'tokens.csv'), 'token-bob,bob,u2\n');
    healthPort = await freePort();
    s = await startInProcess([
      `--health-port=${healthPort}`,
      '--max-requests-inflight=1',
      '--max-mutating-requests-inflight=1',
      `--token-auth-file=${join(dir, 'tokens.csv')}`,
      `--authorization-policy-file=${join(REPO_ROOT, 'deploy/policy/gardener-roles.yaml')}`,
    ]);
  });
  after(async () => {
    await s?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers /livez, /readyz and /healthz while every slot is taken, and refuses the rest with 429', async () => {
    const { held, finish } = holdReadSlot(s);
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 1, ca: s.creds.ca });
    try {
      await until(async () => (await inflight(s, 'readOnly')) === 1, 'the held request to take the read-only slot', 10_000);
      assert.equal((await send(s, SHOOTS, asBob)).status, 429, 'the limit is saturated');
      for (const path of PROBES) {
        const ways: Array<[string, RequestOptions]> = [['anonymous', {}], ['bob', asBob], ['kept-alive', { agent: keepAlive }], ['kept-alive again', { agent: keepAlive }]];
        for (const [how, opts] of ways) {
          const r = await send(s, path, opts);
          assert.equal(r.status, 200, `${path} (${how}): ${r.status} ${r.text}`);
        }
      }
      // The health port answers the same checks, and nothing else.
      const onHealthPort = (path: string) => plainGet(`http://127.0.0.1:${healthPort}${path}`);
      // Its worker thread answers from results the main thread posts every half second.
      await until(async () => (await onHealthPort('/readyz')).status === 200, 'the health port to see the checks pass', 30_000);
      for (const path of PROBES) assert.equal((await onHealthPort(path)).status, 200, `${path} on the health port`);
      const verbose = (await onHealthPort('/readyz?verbose')).text;
      assert.match(verbose, /^\[\+\]watch-cache-sync ok$/m);
      for (const path of ['/apis', '/metrics', '/version', '/livez/ping/x']) assert.equal((await onHealthPort(path)).status, 404, `${path} on the health port`);
    } finally {
      keepAlive.destroy();
      finish();
    }
    assert.equal((await held).status, 200);
    await until(async () => (await inflight(s, 'readOnly')) === 0, 'the slot to be free');
    assert.equal((await send(s, SHOOTS, asBob)).status, 200);
  });

  it('raises the Retry-After of refused requests while refusals go on', async () => {
    const { held, finish } = holdReadSlot(s);
    const seen = new Set<string>();
    try {
      await until(async () => (await inflight(s, 'readOnly')) === 1, 'the held request to take the read-only slot', 10_000);
      // Three or more refusals in a second double the next second's Retry-After (API Priority and
      // Fairness' rule), however slowly this machine answers them.
      await until(
        async () => {
          const burst = await Promise.all(Array.from({ length: 4 }, () => send(s, SHOOTS, asBob)));
          for (const r of burst) {
            assert.equal(r.status, 429, r.text);
            assert.equal((JSON.parse(r.text) as { details: { retryAfterSeconds: number } }).details.retryAfterSeconds, Number(r.retryAfter), 'the body says what the header says');
            seen.add(r.retryAfter ?? '');
          }
          return seen.has('2');
        },
        'a refusal with Retry-After: 2',
        30_000,
      );
      assert.ok(seen.has('1'), `first refusals wait one second: ${[...seen].join(', ')}`);
    } finally {
      finish();
    }
    assert.equal((await held).status, 200);
  });
});

describe('readiness before the caches are loaded (etcd)', function () {
  this.timeout(120_000);
  let etcd: EtcdCluster;
  let dir: string;
  let encryptionConfig: string;

  before(async () => {
    etcd = await startEtcd();
    dir = tempDir();
    encryptionConfig = writeAescbcConfig(dir, Buffer.alloc(32, 7));
  });
  after(async () => {
    await etcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports watch-cache-sync not ready until the caches have loaded', async () => {
    const args = ['--storage-backend=etcd3', `--etcd-servers=${etcd.endpoints.join(',')}`, `--encryption-provider-config=${encryptionConfig}`, '--etcd-request-timeout=2s'];
    const seeding = await startInProcess(args);
    await seeding.request('post', '/apis/core.gardener.cloud/v1beta1/namespaces/garden-dev/internalsecrets').send({ metadata: { name: 'shoot-a.ca-client' }, data: { 'ca.crt': 'eA==' } }).expect(201);
    await seeding.stop();
    // etcd frozen: the server starts and listens, but its caches cannot load.
    await etcd.pauseMember(0);
    let s: InProcessServer | undefined;
    try {
      s = await startInProcess(args);
      const server = s;
      const verbose = await server.request('get', '/readyz?verbose').expect(500);
      assert.match(verbose.text, /^\[-\]watch-cache-sync failed: reason withheld$/m);
      const withoutEtcd = await server.request('get', '/readyz?verbose&exclude=etcd').expect(500);
      assert.match(withoutEtcd.text, /^\[-\]watch-cache-sync failed/m, 'the caches alone keep the server unready');
      await server.request('get', '/readyz/watch-cache-sync').expect(500);
      const livez = await server.request('get', '/livez?verbose');
      assert.doesNotMatch(livez.text, /cache-sync/, 'loading caches do not make the server look dead');
      etcd.resumeMember(0);
      await until(async () => (await server.request('get', '/readyz')).status === 200, 'the server to become ready', 60_000);
      const ready = await server.request('get', '/readyz?verbose').expect(200);
      assert.match(ready.text, /^\[\+\]watch-cache-sync ok$/m);
    } finally {
      etcd.resumeMember(0);
      await s?.stop();
    }
  });
});
