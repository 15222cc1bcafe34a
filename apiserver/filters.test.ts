import assert from 'node:assert/strict';
import express from 'express';
import request from 'supertest';
import { errorWriter, withAuthentication, withAuthorization, withRequestInfo } from './filters.js';
import { healthRouter } from './health.js';
import { withTimeout } from './lifecycle.js';
import { ServerMetrics } from './metrics.js';
import type { Authenticator } from './authn/types.js';
import type { Authorizer } from './authz/types.js';

describe('filters: a request answered by its timeout before it was authorized', () => {
  it('is refused afterwards without another write and without an error in the log', async () => {
    const logged: string[] = [];
    let denied = (): void => undefined;
    const decided = new Promise<void>((resolve) => (denied = resolve));
    const authn: Authenticator = { authenticate: () => Promise.resolve({ name: 'alice', groups: ['system:authenticated'] }) };
    const authz: Authorizer = {
      authorize: () =>
        new Promise((resolve) =>
          setTimeout(() => {
            resolve({ decision: 'deny', reason: '' });
            setImmediate(denied);
          }, 200),
        ),
    };
    const app = express();
    app.use(withRequestInfo(), withAuthentication(authn, false), withTimeout(60_000, new ServerMetrics()), withAuthorization(authz));
    app.use((_req, res) => {
      res.json({ kind: 'Echo' });
    });
    app.use(errorWriter((msg, e) => logged.push(`${msg}: ${String(e)}`)));
    const res = await request(app).get('/apis/core.gardener.cloud/v1beta1/namespaces/x/internalsecrets?timeout=20ms');
    assert.equal(res.status, 504);
    await decided;
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(logged, []);
  });
});

describe('filters: a probe answered by its timeout before its checks had run', () => {
  it('writes nothing afterwards and logs no error', async () => {
    const logged: string[] = [];
    let checked = (): void => undefined;
    const done = new Promise<void>((resolve) => (checked = resolve));
    const slow = { name: 'etcd', check: () => new Promise<void>((resolve) => setTimeout(() => (resolve(), setImmediate(checked)), 200)) };
    const app = express();
    app.use(withRequestInfo(), withTimeout(60_000, new ServerMetrics()), healthRouter({ healthz: [slow], livez: [slow], readyz: [slow] }, '1.0.0'));
    app.use(errorWriter((msg, e) => logged.push(`${msg}: ${String(e)}`)));
    const res = await request(app).get('/readyz?timeout=20ms');
    assert.equal(res.status, 504);
    await done;
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(logged, []);
  });
});
