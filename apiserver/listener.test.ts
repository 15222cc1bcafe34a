import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { createCA, createLeaf } from './standalone/pki.js';
import { listenBacklog, openListener, type Listener } from './listener.js';

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
});
