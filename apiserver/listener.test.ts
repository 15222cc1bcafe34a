import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { connect } from 'node:net';
import { until } from '../test/support/wait.js';
import { createCA, createLeaf } from './standalone/pki.js';
import { listenBacklog, openListener, type Listener } from './listener.js';
import { readTime } from './received.js';

interface Reply {
  status: number;
  text: string;
  headers: Record<string, string | string[] | undefined>;
}

function get(listener: Listener, ca: string, path: string, agent?: Agent): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: listener.port, path, ca, ...(agent !== undefined && { agent }) }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('listener', () => {
  const ca = createCA('listener-test-ca');
  const serving = createLeaf(ca, { commonName: 'localhost', ipAddresses: ['127.0.0.1'], usage: 'server' });
  let listener: Listener;

  beforeEach(async () => {
    listener = await openListener({ ...serving, clientCA: ca.cert }, '127.0.0.1', 0);
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => listener.server.close(() => resolve()));
  });

  it('listens with the kernel somaxconn as backlog, as Go does, also once its accept copies listen', async () => {
    assert.ok((await listener.acceptCopies) > 0);
    const somaxconn = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8').trim());
    assert.equal(listenBacklog(), Math.min(somaxconn, 65_535));
    // For a listening socket, ss reports the backlog in the Send-Q column.
    const line = execFileSync('ss', ['-ltnH', `sport = :${listener.port}`], { encoding: 'utf8' }).trim();
    assert.equal(Number(line.split(/\s+/)[2]), listenBacklog(), line);
  });

  it('closes connections that never sent a TLS hello when all connections are closed, so that close ends', async () => {
    // Accepted (not just queued in the kernel): the server has seen the connection.
    const accepted = new Promise<void>((resolve) => listener.server.once('connection', () => resolve()));
    const idle = connect({ host: '127.0.0.1', port: listener.port });
    const gone = new Promise<void>((resolve) => idle.once('close', () => resolve()));
    await accepted;
    let closed = false;
    listener.server.close(() => (closed = true));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(closed, false, 'close waits for the open connection');
    listener.server.closeAllConnections();
    await gone;
    await until(() => closed, 'the server to close', 30_000);
    listener = await openListener({ ...serving, clientCA: ca.cert }, '127.0.0.1', 0);
  });

  it('answers at once while the server is starting: probes fail the startup check, requests get 503 with Retry-After', async () => {
    for (const probe of ['livez', 'readyz', 'healthz']) {
      const r = await get(listener, ca.cert, `/${probe}?verbose`);
      assert.equal(r.status, 500);
      assert.equal(r.text, `[-]startup failed: reason withheld\n${probe} check failed\n`);
      assert.equal(r.headers.connection, 'close');
    }
    const r = await get(listener, ca.cert, '/apis/core.gardener.cloud/v1beta1/internalsecrets');
    assert.equal(r.status, 503);
    assert.equal(r.headers['retry-after'], '1');
    assert.equal(r.headers.connection, 'close', 'no connection outlives the starting phase');
    assert.deepEqual(JSON.parse(r.text), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'the server is starting, please try again later',
      reason: 'ServiceUnavailable',
      details: { retryAfterSeconds: 1 },
      code: 503,
    });
  });

  it('hands every later request to the server, on new and kept-alive connections', async () => {
    const agent = new Agent({ keepAlive: true, ca: ca.cert });
    try {
      listener.serve((req, res) => res.end(`served ${req.url ?? ''}`), { ...serving, clientCA: ca.cert });
      for (let i = 0; i < 3; i++) assert.equal((await get(listener, ca.cert, `/readyz?i=${i}`, agent)).text, `served /readyz?i=${i}`);
      assert.equal((await get(listener, ca.cert, '/livez')).text, 'served /livez');
    } finally {
      agent.destroy();
    }
  });

  it('starts requests within a budget per turn, the rest in later turns, and answers probes at once', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 12, ca: ca.cert });
    const started: string[] = [];
    const waitedMs: number[] = [];
    let mostWaiting = 0;
    try {
      listener.serve((req, res) => {
        started.push(req.url ?? '');
        waitedMs.push(performance.now() - readTime(req));
        mostWaiting = Math.max(mostWaiting, listener.requestsWaiting);
        // Each slow request holds the event loop for 6 ms: two fit in the 10 ms budget of a turn.
        if (req.url?.startsWith('/slow') === true) for (const end = performance.now() + 6; performance.now() < end; );
        res.end(`served ${req.url ?? ''}`);
      }, { ...serving, clientCA: ca.cert });
      // Twelve connections, handshaken and kept alive, so that the burst below arrives in one turn.
      await Promise.all(Array.from({ length: 12 }, (_, i) => get(listener, ca.cert, `/warm/${i}`, agent)));
      started.length = 0;
      const slow = Array.from({ length: 11 }, (_, i) => get(listener, ca.cert, `/slow/${i}`, agent));
      const probe = get(listener, ca.cert, '/livez', agent);
      const replies = await Promise.all([...slow, probe]);
      assert.deepEqual(replies.map((r) => r.status), Array.from({ length: 12 }, () => 200));
      assert.ok(mostWaiting >= 5, `at most ${mostWaiting} requests waited`);
      // Read times are taken before the wait: the last requests started at least one slow request after being read.
      assert.ok(Math.max(...waitedMs) >= 6, `longest wait from read to start: ${Math.max(...waitedMs).toFixed(1)} ms`);
      assert.equal(listener.requestsWaiting, 0);
      const probeAt = started.indexOf('/livez');
      assert.ok(probeAt >= 0 && probeAt < started.length - 5, `the probe was started ${probeAt + 1}th of ${started.length}: ${started.join(' ')}`);
    } finally {
      agent.destroy();
    }
  });
});
