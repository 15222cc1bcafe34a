/**
 * The real server sending audit events to a webhook (`--audit-webhook-config-file`), the way
 * kube-apiserver's webhook backend sends them. The receiver is a test stand-in that speaks the webhook
 * wire format (an HTTPS POST of an audit.k8s.io/v1 EventList, client certificate from the kubeconfig).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startAuditReceiver, type AuditReceiver } from '../support/audit-receiver.js';
import { startInProcess, tempDir, type InProcessServer } from '../support/server.js';
import { until } from '../support/wait.js';

const SECRETS = '/apis/core.gardener.cloud/v1beta1/namespaces/default/internalsecrets';
const POLICY = 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: RequestResponse\n';

describe('audit webhook end to end', function () {
  this.timeout(120_000);
  let receiver: AuditReceiver;
  let dir: string;

  before(async () => {
    receiver = await startAuditReceiver();
    dir = tempDir('garden-apiserver-audit-webhook-');
    writeFileSync(join(dir, 'policy.yaml'), POLICY);
  });
  after(async () => {
    await receiver?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = (kubeconfig: string, ...flags: string[]) =>
    startInProcess([`--audit-policy-file=${join(dir, 'policy.yaml')}`, `--audit-webhook-config-file=${kubeconfig}`, ...flags]);

  describe('batch mode', () => {
    let s: InProcessServer;
    before(async () => {
      s = await start(receiver.writeKubeconfig(join(dir, 'batch.kubeconfig')), '--audit-webhook-batch-max-wait=200ms');
    });
    after(async () => s?.stop());

    it('delivers every stage of a request, with InternalSecret data kept out', async () => {
      const marker = `marker-${randomBytes(8).toString('hex')}`;
      const res = await s
        .request('post', SECRETS)
        .send({ metadata: { name: 'audited' }, data: { token: Buffer.from(marker).toString('base64') } })
        .expect(201);
      const id = String(res.headers['audit-id']);
      await until(() => receiver.events().some((e) => e.auditID === id && e.stage === 'ResponseComplete'), 'the ResponseComplete event', 30_000);
      const mine = receiver.events().filter((e) => e.auditID === id);
      assert.deepEqual(
        mine.map((e) => e.stage),
        ['RequestReceived', 'ResponseComplete'],
      );
      for (const e of mine) {
        assert.equal(e.level, 'Metadata', 'InternalSecrets are capped at Metadata');
        assert.equal(e.verb, 'create');
        assert.deepEqual(e.objectRef, { resource: 'internalsecrets', namespace: 'default', apiGroup: 'core.gardener.cloud', apiVersion: 'v1beta1' });
      }
      assert.equal(mine.at(-1)?.responseStatus?.code, 201);
      const wire = receiver.posts.map((p) => p.body).join('\n');
      assert.ok(!wire.includes(marker) && !wire.includes(Buffer.from(marker).toString('base64')), 'no secret bytes reach the webhook');
      assert.equal(receiver.posts.at(-1)?.clientCN, 'garden-apiserver-audit');
    });

    it('records request and response objects where the policy asks for them', async () => {
      const res = await s.request('get', '/apis/core.gardener.cloud/v1beta1/namespaces/default/shoots').expect(200);
      const id = String(res.headers['audit-id']);
      await until(() => receiver.events().some((e) => e.auditID === id && e.stage === 'ResponseComplete'), 'the list event', 30_000);
      const done = receiver.events().find((e) => e.auditID === id && e.stage === 'ResponseComplete');
      assert.equal(done?.level, 'RequestResponse');
      assert.equal((done?.responseObject as { kind?: string } | undefined)?.kind, 'ShootList');
    });
  });

  it('sends the events still waiting for their batch when the server stops', async () => {
    const s = await start(receiver.writeKubeconfig(join(dir, 'stop.kubeconfig')), '--audit-webhook-batch-max-wait=1h');
    const res = await s.request('get', SECRETS).expect(200);
    const id = String(res.headers['audit-id']);
    assert.ok(!receiver.events().some((e) => e.auditID === id), 'a batch waits up to an hour');
    await s.stop();
    assert.ok(receiver.events().some((e) => e.auditID === id && e.stage === 'ResponseComplete'), 'delivered on stop');
  });

  describe('blocking-strict mode', () => {
    let s: InProcessServer;
    before(async () => {
      s = await start(receiver.writeKubeconfig(join(dir, 'strict.kubeconfig')), '--audit-webhook-mode=blocking-strict', '--audit-webhook-initial-backoff=1ms');
    });
    after(async () => {
      receiver.failing = undefined;
      await s?.stop();
    });

    it('answers only once the RequestReceived event is stored', async () => {
      const res = await s.request('get', SECRETS).expect(200);
      const id = String(res.headers['audit-id']);
      assert.ok(
        receiver.events().some((e) => e.auditID === id && e.stage === 'RequestReceived'),
        'the first event reached the webhook before the answer',
      );
    });

    it('fails requests whose RequestReceived event cannot be stored, as kube-apiserver does, with no event after', async () => {
      receiver.failing = () => 503;
      const res = await s.request('get', `${SECRETS}?limit=1&x=<b>`).expect(500);
      receiver.failing = undefined;
      assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
      assert.equal(res.text, `Internal Server Error: "${SECRETS}?limit=1&amp;x=%3Cb%3E": failed to store audit event\n`);
      const next = await s.request('get', SECRETS).expect(200);
      await until(() => receiver.events().some((e) => e.auditID === next.headers['audit-id'] && e.stage === 'ResponseComplete'), 'the next request\'s events', 30_000);
      assert.deepEqual(receiver.events().filter((e) => e.auditID === res.headers['audit-id']), [], 'nothing of the refused request');
    });
  });

  it('answers 504 at the request timeout while a blocking backend still tries to store the first event', async () => {
    const s = await start(receiver.writeKubeconfig(join(dir, 'blocking.kubeconfig')), '--audit-webhook-mode=blocking', '--audit-webhook-initial-backoff=2s', '--request-timeout=1s');
    receiver.failing = () => 503;
    try {
      // Five attempts would take 2 + 3 + 4.5 + 6.75 s; the request is answered at its timeout.
      const res = await s.request('get', SECRETS).expect(504);
      assert.equal(res.body.message, 'Timeout: request did not complete within the allotted timeout');
    } finally {
      receiver.failing = undefined;
      await s.stop();
    }
  });
});
