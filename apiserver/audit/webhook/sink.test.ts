import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAuditReceiver, type AuditReceiver } from '../../../test/support/audit-receiver.js';
import { until } from '../../../test/support/wait.js';
import { Auditor, teeSinks } from '../auditor.js';
import { parseAuditPolicy } from '../policy.js';
import type { AuditEvent, AuditSink, Level } from '../types.js';
import { webhookPost, type WebhookPost } from './post.js';
import { AuditWebhookSink, type AuditWebhookOptions } from './sink.js';

function event(id: string, level: Level = 'Metadata', extra: Partial<AuditEvent> = {}): AuditEvent {
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level,
    auditID: id,
    stage: 'ResponseComplete',
    requestURI: '/apis/core.gardener.cloud/v1beta1/namespaces/a/shoots',
    verb: 'list',
    user: { username: 'alice' },
    requestReceivedTimestamp: '2026-12-07T10:00:00.000000Z',
    stageTimestamp: '2026-12-07T10:00:00.000100Z',
    ...extra,
  };
}

type SinkOptions = Omit<AuditWebhookOptions, 'configFile' | 'userAgent'>;

function options(over: Partial<Omit<SinkOptions, 'batch' | 'truncate'>> & { batch?: Partial<SinkOptions['batch']>; truncate?: Partial<SinkOptions['truncate']> } = {}): SinkOptions & { errors: string[] } {
  const errors: string[] = [];
  return {
    mode: 'batch',
    initialBackoffMs: 1,
    onError: (e) => errors.push(e instanceof Error ? e.message : String(e)),
    ...over,
    batch: { bufferSize: 10_000, maxBatchSize: 400, maxBatchWaitMs: 3_600_000, throttleEnable: false, throttleQPS: 10, throttleBurst: 15, ...over.batch },
    truncate: { enabled: false, maxEventSize: 102_400, maxBatchSize: 10_485_760, ...over.truncate },
    errors,
  };
}

/** A POST that records the EventLists it was given and fails while `fail` says so. */
function recordingPost(fail: (attempt: number) => boolean = () => false): WebhookPost & { lists: Array<{ kind: string; apiVersion: string; metadata: object; items: AuditEvent[] }>; attempts: number } {
  const post = Object.assign(
    async (body: string) => {
      post.attempts++;
      if (fail(post.attempts)) throw new Error('the server responded with HTTP 503: down');
      post.lists.push(JSON.parse(body) as (typeof post.lists)[number]);
    },
    { lists: [] as Array<{ kind: string; apiVersion: string; metadata: object; items: AuditEvent[] }>, attempts: 0 },
  );
  return post;
}

const ids = (post: ReturnType<typeof recordingPost>) => post.lists.map((l) => l.items.map((e) => e.auditID));

describe('audit webhook backend', () => {
  describe('batch mode', () => {
    it('sends a batch as soon as max-size events wait, as an audit.k8s.io/v1 EventList', async () => {
      const post = recordingPost();
      const sink = new AuditWebhookSink(options({ batch: { maxBatchSize: 2 } }), post);
      for (const id of ['a', 'b', 'c']) sink.write(event(id));
      await until(() => post.lists.length === 1, 'the first batch');
      assert.deepEqual(ids(post), [['a', 'b']], 'the third event waits for its batch');
      assert.deepEqual(Object.keys(post.lists[0] ?? {}), ['kind', 'apiVersion', 'metadata', 'items']);
      assert.equal(post.lists[0]?.kind, 'EventList');
      assert.equal(post.lists[0]?.apiVersion, 'audit.k8s.io/v1');
      assert.deepEqual(post.lists[0]?.items[0], event('a'));
      await sink.close();
      assert.deepEqual(ids(post), [['a', 'b'], ['c']], 'closing sends what waits');
    });

    it('sends a partial batch once its oldest event waited max-wait', async () => {
      const post = recordingPost();
      const sink = new AuditWebhookSink(options({ batch: { maxBatchWaitMs: 30 } }), post);
      sink.write(event('lonely'));
      await until(() => post.lists.length === 1, 'the batch after max-wait', 10_000);
      assert.deepEqual(ids(post), [['lonely']]);
      await sink.close();
    });

    it('drops events beyond the buffer and says so, while the throttle holds batches back', async () => {
      const post = recordingPost();
      const o = options({ batch: { maxBatchSize: 1, bufferSize: 2, throttleEnable: true, throttleQPS: 0.001, throttleBurst: 1 } });
      const sink = new AuditWebhookSink(o, post);
      for (const id of ['1', '2', '3', '4', '5']) sink.write(event(id));
      await until(() => o.errors.length === 1, 'the drop report');
      assert.equal(o.errors[0], 'audit webhook: dropped 2 events: audit buffer queue blocked');
      assert.deepEqual(ids(post), [['1']], 'one batch within the burst');
      await sink.close();
      assert.deepEqual(ids(post), [['1'], ['2'], ['3']], 'the buffered ones are sent on close');
    });

    it('tries a failed POST again, five attempts in all, then reports the events it dropped', async () => {
      const flaky = recordingPost((n) => n <= 2);
      const sink = new AuditWebhookSink(options({ batch: { maxBatchSize: 1 } }), flaky);
      sink.write(event('x'));
      await sink.flush();
      assert.equal(flaky.attempts, 3);
      assert.deepEqual(ids(flaky), [['x']]);
      await sink.close();

      const down = recordingPost(() => true);
      const o = options({ batch: { maxBatchSize: 2 } });
      const broken = new AuditWebhookSink(o, down);
      broken.write(event('y'));
      broken.write(event('z'));
      await broken.flush();
      assert.equal(down.attempts, 5);
      assert.deepEqual(o.errors, ['audit webhook: dropped 2 events after 5 attempts: the server responded with HTTP 503: down']);
      await broken.close();
    });

    it('does not wait out retry backoffs when closing', async () => {
      const down = recordingPost(() => true);
      const sink = new AuditWebhookSink(options({ initialBackoffMs: 3_600_000, batch: { maxBatchSize: 1 } }), down);
      sink.write(event('q'));
      await until(() => down.attempts === 1, 'the first attempt');
      await sink.close();
      assert.equal(down.attempts, 5, 'the remaining attempts ran at once');
    });
  });

  describe('truncation', () => {
    const big = { data: 'x'.repeat(5_000) };

    it('drops the objects of an oversized event, annotated, and drops what stays too large', async () => {
      const post = recordingPost();
      const o = options({ batch: { maxBatchSize: 1 }, truncate: { enabled: true, maxEventSize: 2_000 } });
      const sink = new AuditWebhookSink(o, post);
      sink.write(event('objects', 'RequestResponse', { requestObject: big, responseObject: big, annotations: { a: 'b' } }));
      sink.write(event('metadata', 'Metadata', { annotations: { huge: 'y'.repeat(5_000) } }));
      sink.write(event('small', 'RequestResponse', { requestObject: { data: 'ok' } }));
      await sink.close();
      const sent = post.lists.flatMap((l) => l.items);
      assert.deepEqual(
        sent.map((e) => e.auditID),
        ['objects', 'small'],
      );
      assert.equal(sent[0]?.requestObject, undefined);
      assert.equal(sent[0]?.responseObject, undefined);
      assert.deepEqual(sent[0]?.annotations, { a: 'b', 'audit.k8s.io/truncated': 'true' });
      assert.deepEqual(sent[1]?.requestObject, { data: 'ok' });
      assert.deepEqual(o.errors, ['audit webhook: dropped 1 event (audit ID metadata): event is too large even after truncating']);
    });
  });

  describe('blocking modes', () => {
    it('sends each event on its own; writeAndWait says whether it was stored', async () => {
      const post = recordingPost((n) => n >= 2);
      const sink = new AuditWebhookSink(options({ mode: 'blocking-strict' }), post);
      assert.equal(sink.strict, true);
      assert.equal(await sink.writeAndWait?.(event('first')), true);
      assert.equal(await sink.writeAndWait?.(event('second')), false);
      assert.deepEqual(ids(post), [['first']]);
      await sink.close();
      assert.equal(new AuditWebhookSink(options(), post).writeAndWait, undefined, 'batch mode never blocks a request');
    });

    it('fails a request only for a blocking-strict backend; the log beside it gets every event', async () => {
      const logged: string[] = [];
      const log: AuditSink = { write: (e) => logged.push(e.auditID), flush: async () => undefined, close: async () => undefined };
      const policy = parseAuditPolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: Metadata}]\n');
      const down = recordingPost(() => true);
      for (const mode of ['blocking', 'blocking-strict'] as const) {
        const auditor = new Auditor(policy, teeSinks([log, new AuditWebhookSink(options({ mode }), down)]));
        assert.equal(auditor.waits, true);
        assert.equal(await auditor.emitAndWait(() => event(mode)), mode === 'blocking', mode);
        await auditor.close();
      }
      assert.deepEqual(logged, ['blocking', 'blocking-strict']);
      assert.equal(new Auditor(policy, teeSinks([log])).waits, false);
    });
  });

  describe('transport', () => {
    let receiver: AuditReceiver;
    let dir: string;
    before(async () => {
      receiver = await startAuditReceiver();
      dir = mkdtempSync(join(tmpdir(), 'audit-webhook-'));
    });
    after(async () => {
      await receiver.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it("POSTs JSON to the kubeconfig server's path with its CA and client certificate", async () => {
      const post = webhookPost(receiver.writeKubeconfig(join(dir, 'cert.kubeconfig'), '/audit/v1/events'), 'garden-apiserver/test');
      const body = JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items: [event('t')] });
      await post(body);
      const got = receiver.posts.at(-1);
      assert.equal(got?.method, 'POST');
      assert.equal(got?.path, '/audit/v1/events');
      assert.equal(got?.headers['content-type'], 'application/json');
      assert.equal(got?.headers['user-agent'], 'garden-apiserver/test');
      assert.equal(got?.clientCN, 'garden-apiserver-audit');
      assert.equal(got?.body, body);
    });

    it('keeps its connection alive between POSTs', async () => {
      const post = webhookPost(receiver.writeKubeconfig(join(dir, 'alive.kubeconfig')), 'ua');
      const from = receiver.ports.length;
      await post('{}');
      await post('{}');
      const [first, second] = receiver.ports.slice(from);
      assert.equal(second, first, 'one connection for both');
    });

    it('gives an attempt a limit in all, also when the answer trickles in', async () => {
      const post = webhookPost(receiver.writeKubeconfig(join(dir, 'slow.kubeconfig')), 'ua', 400);
      receiver.trickling = true;
      try {
        await assert.rejects(post('{}'), /no complete answer within 0.4s/);
      } finally {
        receiver.trickling = false;
      }
    });

    it('POSTs to a plain http:// server too, as Go\'s REST client does', async () => {
      const plain = await startAuditReceiver({ plain: true });
      try {
        const post = webhookPost(plain.writeKubeconfig(join(dir, 'plain.kubeconfig'), '/events', { token: 't' }), 'ua');
        await post('{"items":[]}');
        assert.equal(plain.posts.at(-1)?.path, '/events');
        assert.equal(plain.posts.at(-1)?.headers.authorization, 'Bearer t');
      } finally {
        await plain.close();
      }
    });

    it('sends the bearer token of a token kubeconfig, and fails on answers other than 2xx', async () => {
      const post = webhookPost(receiver.writeKubeconfig(join(dir, 'token.kubeconfig'), '/audit', { token: 'audit-token' }), 'ua');
      await post('{}');
      assert.equal(receiver.posts.at(-1)?.headers.authorization, 'Bearer audit-token');
      receiver.failing = () => 500;
      try {
        await assert.rejects(post('{}'), /the server responded with HTTP 500: failing on purpose/);
      } finally {
        receiver.failing = undefined;
      }
    });
  });
});
