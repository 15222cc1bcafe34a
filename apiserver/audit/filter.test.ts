import assert from 'node:assert/strict';
import express, { type Express } from 'express';
import supertest from 'supertest';
import { badRequest, forbiddenMessage, unauthorized } from '../../apimachinery/errors.js';
import type { UserInfo } from '../../registry/types.js';
import { errorWriter, withRequestInfo } from '../filters.js';
import { withImpersonation } from '../impersonation.js';
import { markRead } from '../received.js';
import { sendJson } from '../respond.js';
import { switchProtocols } from '../upgrade.js';
import { Auditor } from './auditor.js';
import { takeBody } from './body.js';
import { setAuthorizationDecision, withAudit, withAuditInit, withAuditPanic } from './filter.js';
import { parseAuditPolicy } from './policy.js';
import type { AuditEvent, AuditSink } from './types.js';

const G = '/apis/core.gardener.cloud/v1beta1/namespaces/ns';
const MARKER = 'c2VjcmV0LW1hcmtlci0xMjM0NQ';
const MICRO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

class MemorySink implements AuditSink {
  events: AuditEvent[] = [];
  write(e: AuditEvent): void {
    this.events.push(JSON.parse(JSON.stringify(e)) as AuditEvent);
  }
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}

function policy(level: string, extra = ''): string {
  return `apiVersion: audit.k8s.io/v1\nkind: Policy\n${extra}rules:\n- level: ${level}\n`;
}

/** The server's filter order with stand-ins for authentication, authorization and handlers. */
function app(auditor: Auditor | undefined): Express {
  const a = express();
  a.set('query parser', 'simple');
  a.use(withRequestInfo());
  // A request the listener read a while ago and held back (request pacer).
  a.use((req, _res, next) => {
    const waited = Number(req.headers['x-test-waited-ms'] ?? 0);
    if (waited > 0) markRead(req, performance.now() - waited);
    next();
  });
  a.use(withAuditInit(auditor));
  a.use((req, res, next) => {
    const name = req.headers['x-test-user'];
    if (name === 'bad') return next(unauthorized());
    res.locals.user = { name: typeof name === 'string' ? name : 'alice', uid: 'u1', groups: ['devs', 'system:authenticated'], extra: { scope: ['x'] } } satisfies UserInfo;
    next();
  });
  a.use(withAudit(auditor));
  a.use(withImpersonation({ authorize: async () => ({ decision: 'allow' }) }));
  a.use((_req, res, next) => {
    const denied = (res.locals.user as UserInfo).name === 'mallory';
    setAuthorizationDecision(res, { decision: denied ? 'deny' : 'allow', reason: denied ? 'no RBAC policy matched' : '' });
    next(denied ? forbiddenMessage('forbidden: mallory') : undefined);
  });
  a.get('/boom', () => {
    throw new Error('kaboom');
  });
  a.get(`${G}/shoots`, async (_req, res) => {
    res.status(200).setHeader('Content-Type', 'application/json');
    res.flushHeaders();
    res.write('{"type":"ADDED"}\n');
    await new Promise((r) => setTimeout(r, 20));
    res.end();
  });
  // A watch over WebSocket: the connection switches protocols, then the client goes away.
  a.get(`${G}/internalsecrets`, (req, res) => {
    switchProtocols(res);
    setTimeout(() => req.socket.destroy(), 20);
  });
  a.get(`${G}/shoots/circular`, (_req, res) => {
    const body: Record<string, unknown> = { kind: 'Shoot' };
    body.self = body;
    res.locals.responseBody = body;
    res.status(200).end('{}');
  });
  a.get(`${G}/shoots/s`, (_req, res) => sendJson(res, 200, { kind: 'Shoot', metadata: { name: 's', managedFields: [{ manager: 'm' }] }, spec: { x: 1 } }));
  a.post(`${G}/unserved`, express.raw({ type: () => true }), (_req, res) => sendJson(res, 404, { kind: 'Status', code: 404 }));
  a.use('/apis', express.raw({ type: () => true }), (req, res) => {
    const text = takeBody(req).toString();
    if (text.startsWith('{bad')) throw badRequest(`couldn't get version/kind; json parse error: ${text}`);
    const kubeconfig = Buffer.from(`client-key-data: ${MARKER}`).toString('base64');
    sendJson(res, 201, req.path.endsWith('kubeconfig') ? { kind: 'AdminKubeconfigRequest', status: { kubeconfig } } : JSON.parse(text));
  });
  a.use(withAuditPanic());
  a.use(errorWriter(() => {}));
  return a;
}

function setup(policyText: string, onError?: (e: unknown) => void): { sink: MemorySink; request: supertest.Agent } {
  const sink = new MemorySink();
  return { sink, request: supertest.agent(app(new Auditor(parseAuditPolicy(policyText), sink, onError))) };
}

async function settle(sink: MemorySink, count: number): Promise<AuditEvent[]> {
  for (let i = 0; i < 100 && sink.events.length < count; i++) await new Promise((r) => setTimeout(r, 5));
  return sink.events;
}

describe('audit filter', () => {
  it('dates requestReceivedTimestamp from when the listener read the request', async () => {
    const { sink, request } = setup(policy('Metadata'));
    await request.get(`${G}/shoots/s`).set('X-Test-Waited-Ms', '400').expect(200);
    const [received] = await settle(sink, 2);
    assert.ok(received);
    const waited = Date.parse(received.stageTimestamp) - Date.parse(received.requestReceivedTimestamp);
    assert.ok(waited >= 399 && waited < 5000, `RequestReceived ${waited} ms after the request was read`);
  });

  it('writes RequestReceived and ResponseComplete with user, verb, objectRef, code and the audit ID', async () => {
    const { sink, request } = setup(policy('Metadata'));
    const res = await request.get(`${G}/shoots/s?pretty=1`).set('User-Agent', 'kubectl/v1.32').set('X-Forwarded-For', '10.1.2.3, bogus, 10.4.5.6').expect(200);
    const [received, complete] = await settle(sink, 2);
    assert.equal(sink.events.length, 2);
    assert.ok(received && complete);
    assert.equal(received.stage, 'RequestReceived');
    assert.equal(complete.stage, 'ResponseComplete');
    assert.equal(complete.auditID, res.headers['audit-id']);
    assert.equal(received.auditID, complete.auditID);
    assert.match(complete.auditID, /^[0-9a-f-]{36}$/);
    assert.deepEqual(complete.user, { username: 'alice', uid: 'u1', groups: ['devs', 'system:authenticated'], extra: { scope: ['x'] } });
    assert.equal(complete.verb, 'get');
    assert.equal(complete.requestURI, `${G}/shoots/s?pretty=1`);
    assert.deepEqual(complete.objectRef, { resource: 'shoots', namespace: 'ns', name: 's', apiGroup: 'core.gardener.cloud', apiVersion: 'v1beta1' });
    assert.deepEqual(complete.responseStatus, { metadata: {}, code: 200 });
    assert.equal(received.responseStatus, undefined);
    assert.deepEqual(complete.sourceIPs?.slice(0, 2), ['10.1.2.3', '10.4.5.6']);
    assert.equal(complete.userAgent, 'kubectl/v1.32');
    assert.match(complete.requestReceivedTimestamp, MICRO);
    assert.match(complete.stageTimestamp, MICRO);
    assert.ok(complete.stageTimestamp >= complete.requestReceivedTimestamp);
    assert.deepEqual(complete.annotations, { 'authorization.k8s.io/decision': 'allow' });
    assert.equal(complete.requestObject, undefined);
    assert.equal(complete.responseObject, undefined);
  });

  it('records the requester as user and whom it impersonates as impersonatedUser', async () => {
    const { sink, request } = setup(policy('Metadata'));
    await request.get(`${G}/shoots/s`).set('Impersonate-User', 'bob').set('Impersonate-Group', 'team-b').expect(200);
    const [, complete] = await settle(sink, 2);
    assert.equal(complete?.user.username, 'alice');
    assert.deepEqual(complete?.impersonatedUser, { username: 'bob', groups: ['team-b', 'system:authenticated'] });
  });

  it('echoes a usable incoming Audit-ID and replaces an unusable one', async () => {
    const { sink, request } = setup(policy('Metadata'));
    const res = await request.get(`${G}/shoots/s`).set('Audit-ID', 'my-id-1').expect(200);
    assert.equal(res.headers['audit-id'], 'my-id-1');
    assert.equal((await settle(sink, 2))[1]?.auditID, 'my-id-1');
    const long = await request.get(`${G}/shoots/s`).set('Audit-ID', 'x'.repeat(300)).expect(200);
    assert.match(String(long.headers['audit-id']), /^[0-9a-f-]{36}$/);
  });

  it('records bodies at Request and RequestResponse, without managedFields when asked', async () => {
    const { sink, request } = setup(policy('RequestResponse', 'omitManagedFields: true\n'));
    await request.post(`${G}/shoots`).set('Content-Type', 'application/json').send({ kind: 'Shoot', metadata: { name: 'n' } }).expect(201);
    await request.get(`${G}/shoots/s`).expect(200);
    const [, created, , got] = await settle(sink, 4);
    assert.deepEqual(created?.requestObject, { kind: 'Shoot', metadata: { name: 'n' } });
    assert.deepEqual(created?.responseObject, { kind: 'Shoot', metadata: { name: 'n' } });
    assert.deepEqual(got?.responseObject, { kind: 'Shoot', metadata: { name: 's' }, spec: { x: 1 } });
    const req = setup(policy('Request'));
    await req.request.post(`${G}/shoots`).set('Content-Type', 'application/json').send({ a: 1 }).expect(201);
    const [, onlyRequest] = await settle(req.sink, 2);
    assert.deepEqual(onlyRequest?.requestObject, { a: 1 });
    assert.equal(onlyRequest?.responseObject, undefined);
    // A body no handler took up (a path nothing serves) is never recorded.
    const unserved = setup(policy('RequestResponse'));
    await unserved.request.post(`${G}/unserved`).set('Content-Type', 'application/json').send({ a: MARKER }).expect(404);
    const [, notTaken] = await settle(unserved.sink, 2);
    assert.equal(notTaken?.requestObject, undefined);
  });

  for (const [name, path] of [
    ['InternalSecrets', `${G}/internalsecrets`],
    ['adminkubeconfig', `${G}/shoots/s/adminkubeconfig`],
    ['viewerkubeconfig', `${G}/shoots/s/viewerkubeconfig`],
  ] as const) {
    it(`caps ${name} at Metadata under a RequestResponse policy`, async () => {
      const { sink, request } = setup(policy('RequestResponse'));
      const body = { metadata: { name: 'x' }, data: { key: MARKER }, stringData: { k: MARKER } };
      await request.post(path).set('Content-Type', 'application/json').send(body).expect(201);
      await request.post(path).set('Content-Type', 'application/json').send(`{bad ${MARKER}`).expect(400);
      const events = await settle(sink, 4);
      assert.equal(events.length, 4);
      for (const e of events) {
        assert.equal(e.level, 'Metadata');
        assert.equal(e.requestObject, undefined);
        assert.equal(e.responseObject, undefined);
      }
      assert.deepEqual(events[3]?.responseStatus, { metadata: {}, code: 400, status: 'Failure', reason: 'BadRequest' });
      const text = JSON.stringify(events);
      assert.ok(!text.includes(MARKER), 'no secret bytes');
      assert.ok(!text.includes(Buffer.from(MARKER).toString('base64')));
    });
  }

  it('audits a failed authentication as upstream: one ResponseStarted event with 401 and the credentials tried', async () => {
    const { sink, request } = setup(policy('Metadata'));
    const res = await request.get(`${G}/shoots/s`).set('X-Test-User', 'bad').expect(401);
    const events = await settle(sink, 1);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(sink.events.length, 1);
    assert.equal(events[0]?.stage, 'ResponseStarted');
    assert.equal(events[0]?.auditID, res.headers['audit-id']);
    assert.deepEqual(events[0]?.user, {});
    assert.deepEqual(events[0]?.responseStatus, { metadata: {}, code: 401, message: 'Authentication failed, no credentials provided' });
    await request.get(`${G}/shoots/s`).set('X-Test-User', 'bad').set('Authorization', 'Bearer not-a-token').expect(401);
    const [, bearer] = await settle(sink, 2);
    assert.deepEqual(bearer?.responseStatus, { metadata: {}, code: 401, message: 'Authentication failed, attempted: bearer' });
    // A watch is long-running, and still gets the one event.
    const watch = await request.get(`${G}/shoots?watch=true`).set('X-Test-User', 'bad').expect(401);
    await settle(sink, 3);
    await new Promise((r) => setTimeout(r, 20));
    const mine = sink.events.filter((e) => e.auditID === watch.headers['audit-id']);
    assert.deepEqual(mine.map((e) => [e.stage, e.responseStatus?.message]), [['ResponseStarted', 'Authentication failed, no credentials provided']]);
  });

  it('annotates the authorization decision and reason of a denied request', async () => {
    const { sink, request } = setup(policy('Metadata'));
    await request.get(`${G}/shoots/s`).set('X-Test-User', 'mallory').expect(403);
    const [received, complete] = await settle(sink, 2);
    assert.equal(received?.annotations, undefined, 'decided after RequestReceived');
    assert.deepEqual(complete?.annotations, { 'authorization.k8s.io/decision': 'forbid', 'authorization.k8s.io/reason': 'no RBAC policy matched' });
    assert.equal(complete?.responseStatus?.code, 403);
    assert.equal(complete?.responseStatus?.message, 'forbidden: mallory');
  });

  it('writes ResponseStarted and ResponseComplete for a watch, without the stream', async () => {
    const { sink, request } = setup(policy('RequestResponse'));
    await request.get(`${G}/shoots?watch=1`).expect(200);
    const events = await settle(sink, 3);
    assert.deepEqual(events.map((e) => e.stage), ['RequestReceived', 'ResponseStarted', 'ResponseComplete']);
    assert.deepEqual(events.map((e) => e.verb), ['watch', 'watch', 'watch']);
    assert.deepEqual(events[1]?.responseStatus, { metadata: {}, code: 200 });
    assert.equal(events[2]?.responseObject, undefined);
    assert.ok((events[2]?.stageTimestamp ?? '') >= (events[1]?.stageTimestamp ?? ''));
  });

  it('records a watch whose connection switched protocols with status 101, as a hijacked connection', async () => {
    const { sink, request } = setup(policy('RequestResponse'));
    await assert.rejects(request.get(`${G}/internalsecrets?watch=1`));
    const events = await settle(sink, 3);
    assert.deepEqual(events.map((e) => e.stage), ['RequestReceived', 'ResponseStarted', 'ResponseComplete']);
    assert.deepEqual(events[1]?.responseStatus, { metadata: {}, code: 101 });
    assert.deepEqual(events[2]?.responseStatus, { metadata: {}, code: 101 });
  });

  it('turns an error that is not a Status into a Panic event', async () => {
    const { sink, request } = setup(policy('Metadata'));
    await request.get('/boom').expect(500);
    const events = await settle(sink, 2);
    assert.deepEqual(events.map((e) => e.stage), ['RequestReceived', 'Panic']);
    assert.deepEqual(events[1]?.responseStatus, { metadata: {}, code: 500, status: 'Failure', reason: 'InternalError', message: "APIServer panic'd: kaboom" });
    assert.equal(events[1]?.objectRef, undefined, 'non-resource request');
    assert.equal(events[1]?.verb, 'get');
  });

  it('honours omitStages and level None, and still sets Audit-Id', async () => {
    const omit = setup(policy('Metadata', 'omitStages: [RequestReceived]\n'));
    await omit.request.get(`${G}/shoots/s`).expect(200);
    assert.deepEqual((await settle(omit.sink, 1)).map((e) => e.stage), ['ResponseComplete']);
    const none = setup(policy('None'));
    const res = await none.request.get(`${G}/shoots/s`).expect(200);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(none.sink.events.length, 0);
    assert.ok(res.headers['audit-id']);
    const off = await supertest(app(undefined)).get(`${G}/shoots/s`).expect(200);
    assert.match(String(off.headers['audit-id']), /^[0-9a-f-]{36}$/);
  });

  it('drops an event it cannot encode, reports it, and keeps serving', async () => {
    const errors: unknown[] = [];
    const { sink, request } = setup(policy('RequestResponse'), (e) => errors.push(e));
    await request.get(`${G}/shoots/circular`).expect(200);
    await request.get(`${G}/shoots/s`).expect(200);
    const events = await settle(sink, 3);
    assert.deepEqual(events.map((e) => e.stage), ['RequestReceived', 'RequestReceived', 'ResponseComplete']);
    assert.equal(errors.length, 1);
  });
});
