/**
 * The health port's worker thread: the answers of the API port's probes, given while the main thread
 * is blocked, and failing once the main thread has not produced results for too long.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { listenHealth, type HealthPort } from './health-port.js';
import type { HealthCheck, HealthChecks } from './health.js';
import { until } from '../test/support/wait.js';

const ping: HealthCheck = { name: 'ping', check: async () => {} };

function checks(storageOk: () => boolean): HealthChecks {
  const storage: HealthCheck = {
    name: 'etcd',
    check: async () => {
      if (!storageOk()) throw new Error('down');
    },
  };
  const sync: HealthCheck = { name: 'watch-cache-sync', check: async () => {}, detail: () => '3 of 3 loaded' };
  return { livez: [ping, storage], healthz: [ping, storage], readyz: [ping, storage, sync] };
}

async function get(port: number, path: string, method = 'GET'): Promise<{ status: number; text: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method });
  return { status: res.status, text: await res.text() };
}

/**
 * Fetches `path` from a separate Node process while this thread waits for it synchronously: the
 * main thread turns no event loop meanwhile. `delayMs` passes before the child's request.
 */
function fetchWhileBlocked(port: number, path: string, delayMs = 0): { status: number; text: string } {
  const script = `setTimeout(async () => { const r = await fetch('http://127.0.0.1:${port}${path}'); process.stdout.write(JSON.stringify({ status: r.status, text: await r.text() })); }, ${delayMs});`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 })) as { status: number; text: string };
}

describe('health port (worker thread)', function () {
  this.timeout(90_000);
  let hp: HealthPort | undefined;
  afterEach(async () => {
    await hp?.close();
    hp = undefined;
  });

  it('answers the probes as the API port does', async () => {
    let storageOk = true;
    hp = await listenHealth('127.0.0.1', 0, checks(() => storageOk), { publishMs: 20 });
    const port = hp.port;
    await until(async () => (await get(port, '/readyz')).status === 200, '/readyz to pass', 30_000);
    assert.deepEqual(await get(port, '/livez'), { status: 200, text: 'ok' });
    assert.deepEqual(await get(port, '/healthz/ping'), { status: 200, text: 'ok' });
    assert.deepEqual(await get(port, '/readyz?verbose'), {
      status: 200,
      text: '[+]ping ok\n[+]etcd ok\n[+]watch-cache-sync ok (3 of 3 loaded)\nreadyz check passed\n',
    });
    assert.equal((await get(port, '/livez', 'HEAD')).status, 200);
    for (const path of ['/livez/nonesuch', '/metrics', '/apis', '/']) {
      const r = await get(port, path);
      assert.equal(r.status, 404, path);
      assert.equal((JSON.parse(r.text) as { reason: string }).reason, 'NotFound', path);
    }
    assert.equal((await get(port, '/livez', 'POST')).status, 404);

    storageOk = false;
    await until(async () => (await get(port, '/livez')).status === 500, '/livez to fail', 30_000);
    assert.deepEqual(await get(port, '/livez'), { status: 500, text: '[+]ping ok\n[-]etcd failed: reason withheld\nlivez check failed\n' });
    assert.deepEqual(await get(port, '/livez?exclude=etcd'), { status: 200, text: 'ok' });
    assert.deepEqual(await get(port, '/livez?exclude=etcd&verbose'), { status: 200, text: '[+]ping ok\n[+]etcd excluded: ok\nlivez check passed\n' });
    assert.deepEqual(await get(port, '/livez?exclude=ping&exclude=etcd&exclude=nope&verbose'), {
      status: 200,
      text: '[+]ping excluded: ok\n[+]etcd excluded: ok\nwarn: some health checks cannot be excluded: no matches for "nope"\nlivez check passed\n',
    });
    assert.equal((await get(port, '/readyz/etcd')).status, 500);
    assert.equal((await get(port, '/readyz/watch-cache-sync')).status, 200);
  });

  it('answers while the main thread is blocked', async () => {
    hp = await listenHealth('127.0.0.1', 0, checks(() => true), { publishMs: 20, staleMs: 300_000 });
    const port = hp.port;
    await until(async () => (await get(port, '/readyz')).status === 200, '/readyz to pass', 30_000);
    // A probe served by the main thread could not be answered here: this thread waits for the child.
    assert.deepEqual(fetchWhileBlocked(port, '/livez'), { status: 200, text: 'ok' });
    assert.deepEqual(fetchWhileBlocked(port, '/readyz/etcd'), { status: 200, text: 'ok' });
  });

  it('fails every check once the main thread has posted nothing for staleMs', async () => {
    hp = await listenHealth('127.0.0.1', 0, checks(() => true), { publishMs: 20, staleMs: 200 });
    const port = hp.port;
    await until(async () => (await get(port, '/livez')).status === 200, '/livez to pass', 30_000);
    // The child asks after 1 s during which this thread (the one evaluating the checks) is stuck.
    assert.deepEqual(fetchWhileBlocked(port, '/livez', 1000), {
      status: 500,
      text: '[-]ping failed: reason withheld\n[-]etcd failed: reason withheld\nlivez check failed\n',
    });
    await until(async () => (await get(port, '/livez')).status === 200, '/livez to pass again once the thread turns', 30_000);
  });

  it('refuses to start on a port that is taken', async () => {
    hp = await listenHealth('127.0.0.1', 0, checks(() => true));
    await assert.rejects(listenHealth('127.0.0.1', hp.port, checks(() => true)), /EADDRINUSE/);
  });
});
