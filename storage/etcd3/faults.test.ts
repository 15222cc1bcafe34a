import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { etcdRangeRequests, freePort, startEtcd, type EtcdCluster } from '../../test/support/etcd.js';
import { WatchRecorder as Recorder } from '../../test/support/storage/watch-recorder.js';
import { StorageError, TimeoutError, UnreachableError } from '../errors.js';
import { openEtcdBackend, type EtcdBackend } from './backend.js';

const enc = (s: string) => Buffer.from(s, 'utf8');

/** Measures how long `p` takes to settle and returns its rejection. */
async function timedRejection(p: Promise<unknown>): Promise<{ err: unknown; ms: number }> {
  const t0 = Date.now();
  try {
    await p;
  } catch (err: unknown) {
    return { err, ms: Date.now() - t0 };
  }
  throw new Error('expected a rejection');
}

/** Retries `fn` on Unreachable/Timeout errors until it succeeds or `timeoutMs` passes. */
async function eventually<T>(fn: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (e: unknown) {
      const transient = e instanceof UnreachableError || e instanceof TimeoutError;
      if (!transient || Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Creates `key` exactly once, even across failures whose outcome is unknown. */
async function createOnce(backend: EtcdBackend, key: string): Promise<void> {
  await eventually(async () => {
    if ((await backend.get(key)).kv !== undefined) return;
    const res = await backend.create(key, enc(key));
    assert.ok(res.succeeded || res.current !== undefined);
  });
}

describe('etcd3 backend faults (real etcd)', function () {
  this.timeout(30_000);

  describe('one member', () => {
    let etcd: EtcdCluster;
    let backend: EtcdBackend;

    before(async () => {
      etcd = await startEtcd();
      backend = openEtcdBackend({ endpoints: etcd.endpoints, requestTimeoutMs: 500 });
    });
    after(async () => {
      await backend?.close();
      await etcd?.stop();
    });

    it('fails fast with UnreachableError while etcd is down and recovers by itself', async () => {
      await backend.create(`/f/${randomUUID()}`, enc('1'));
      await etcd.stopMember(0);
      const { err, ms } = await timedRejection(backend.get('/f/x'));
      assert.ok(err instanceof UnreachableError, String(err));
      assert.ok(ms < 1000, `took ${ms} ms`);
      const write = await timedRejection(backend.create('/f/y', enc('1')));
      assert.ok(write.err instanceof UnreachableError, String(write.err));
      await assert.rejects(backend.checkHealth(), UnreachableError);
      const giveUp = openEtcdBackend({ endpoints: etcd.endpoints, watchReconnectTimeoutMs: 300 });
      const rec = new Recorder().start(giveUp, '/f/', 0);
      await rec.until('the watch to give up', () => rec.errors.length > 0, 2000);
      assert.ok(rec.errors[0] instanceof UnreachableError, String(rec.errors[0]));
      await giveUp.close();
      await etcd.startMember(0);
      await eventually(() => backend.checkHealth(), 3000);
      assert.ok((await backend.create(`/f/${randomUUID()}`, enc('1'))).succeeded);
    });

    it('fails with TimeoutError within the request timeout when etcd hangs', async () => {
      await backend.checkHealth();
      await etcd.pauseMember(0);
      try {
        const { err, ms } = await timedRejection(backend.get('/f/x'));
        assert.ok(err instanceof TimeoutError, String(err));
        assert.ok(ms >= 450 && ms < 1500, `took ${ms} ms`);
        const write = await timedRejection(backend.create(`/f/${randomUUID()}`, enc('1')));
        assert.ok(write.err instanceof TimeoutError, String(write.err));
      } finally {
        etcd.resumeMember(0);
      }
      await eventually(() => backend.checkHealth(), 3000);
    });

    it('resumes a watch after an etcd restart without missing or repeating events', async () => {
      const p = `/r-${randomUUID()}/`;
      const writer = openEtcdBackend({ endpoints: etcd.endpoints, requestTimeoutMs: 2000 });
      try {
        const r0 = await writer.currentRevision();
        const rec = new Recorder().start(backend, p, r0);
        for (let i = 0; i < 30; i++) await writer.create(`${p}${String(i).padStart(3, '0')}`, enc('x'));
        await etcd.stopMember(0, { kill: true });
        await etcd.startMember(0);
        for (let i = 30; i < 60; i++) await createOnce(writer, `${p}${String(i).padStart(3, '0')}`);
        await rec.until('60 events', () => rec.events.length >= 60, 10_000);
        await new Promise((r) => setTimeout(r, 200));
        rec.assertOrdered();
        assert.equal(rec.events.length, 60);
        assert.deepEqual(rec.errors, []);
        rec.watch?.cancel();
      } finally {
        await writer.close();
      }
    });
  });

  describe('unreachable endpoints', () => {
    let silent: Server;
    const sockets = new Set<Socket>();

    after(async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent?.close(r));
    });

    it('nothing listening: UnreachableError at once', async () => {
      const backend = openEtcdBackend({ endpoints: [`http://127.0.0.1:${await freePort()}`], requestTimeoutMs: 2000 });
      try {
        const { err, ms } = await timedRejection(backend.currentRevision());
        assert.ok(err instanceof UnreachableError, String(err));
        assert.ok(ms < 1000, `took ${ms} ms`);
      } finally {
        await backend.close();
      }
    });

    it('a peer that accepts but never answers: TimeoutError within the bound', async () => {
      silent = createServer((s) => {
        sockets.add(s);
        s.on('error', () => undefined);
      });
      await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
      const addr = silent.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      const backend = openEtcdBackend({ endpoints: [`127.0.0.1:${port}`], requestTimeoutMs: 300 });
      try {
        const { err, ms } = await timedRejection(backend.range('/a', '/b'));
        assert.ok(err instanceof TimeoutError || err instanceof UnreachableError, String(err));
        assert.ok(ms < 1000, `took ${ms} ms`);
        assert.ok(err instanceof StorageError);
      } finally {
        await backend.close();
      }
    });
  });

  describe('three members', () => {
    let etcd: EtcdCluster;

    before(async () => {
      etcd = await startEtcd({ members: 3 });
    });
    after(async () => {
      await etcd?.stop();
    });

    /** A backend on every member, probing every 100 ms, and the member changes it reports. */
    const watchedMembers = (requestTimeoutMs: number) => {
      const changes: Array<[string, boolean]> = [];
      const backend = openEtcdBackend({
        endpoints: etcd.endpoints,
        requestTimeoutMs,
        memberProbeIntervalMs: 100,
        onMemberChange: (endpoint, healthy) => changes.push([endpoint, healthy]),
      });
      return { backend, changes };
    };

    it('survives a leader stop: writes continue, a watch on the leader resumes exactly', async () => {
      const leader = await etcd.leaderIndex();
      const p = `/l-${randomUUID()}/`;
      const writer = openEtcdBackend({ endpoints: etcd.endpoints, requestTimeoutMs: 2000 });
      const watcher = openEtcdBackend({ endpoints: [etcd.endpoints[leader] ?? ''], requestTimeoutMs: 2000 });
      try {
        const rec = new Recorder().start(watcher, p, await writer.currentRevision());
        const key = (i: number) => `${p}${String(i).padStart(3, '0')}`;
        for (let i = 0; i < 40; i++) await createOnce(writer, key(i));
        await etcd.stopMember(leader, { kill: true });
        for (let i = 40; i < 80; i++) await createOnce(writer, key(i));
        assert.notEqual(await etcd.leaderIndex(), leader);
        await etcd.startMember(leader);
        for (let i = 80; i < 100; i++) await createOnce(writer, key(i));
        const all = await writer.range(p, `${p.slice(0, -1)}0`);
        assert.equal(all.kvs.length, 100);
        const expected = all.kvs.map((kv) => kv.modRevision).sort((a, b) => a - b);
        await rec.until('100 events', () => rec.events.length >= 100, 15_000);
        rec.assertOrdered();
        assert.deepEqual(rec.events.map((e) => e.revision), expected);
        assert.deepEqual(rec.errors, []);
        rec.watch?.cancel();
      } finally {
        await writer.close();
        await watcher.close();
      }
    });

    it('routes around a frozen member within seconds and uses it again once it answers', async () => {
      const leader = await etcd.leaderIndex();
      const victim = (leader + 1) % 3;
      const victimURL = etcd.endpoints[victim] ?? '';
      const p = `/z-${randomUUID()}/`;
      const { backend, changes } = watchedMembers(1000);
      const writer = openEtcdBackend({ endpoints: [etcd.endpoints[leader] ?? ''], requestTimeoutMs: 5000 });
      // Twelve watches: the chance that none has its stream on the frozen member is under 1%.
      const start = await writer.currentRevision();
      const recs = Array.from({ length: 12 }, () => new Recorder().start(backend, p, start));
      try {
        assert.ok((await writer.create(`${p}ready`, enc('1'))).succeeded);
        await Promise.all(recs.map((r) => r.until('the watch to be open', () => r.events.length === 1)));
        await etcd.pauseMember(victim);
        // Reads land on random members: those on the frozen one time out until a probe finds it frozen
        // (a second or two); from then on none goes there.
        const deadline = Date.now() + 30_000;
        let timeouts = 0;
        for (let streak = 0; streak < 60; ) {
          assert.ok(Date.now() < deadline, `no 60 reads in a row within 30 s (${timeouts} timed out)`);
          try {
            await backend.get(`${p}x`);
            streak++;
          } catch (e: unknown) {
            assert.ok(e instanceof TimeoutError, String(e));
            timeouts++;
            streak = 0;
          }
        }
        assert.ok(timeouts >= 1, 'no read reached the frozen member');
        assert.deepEqual(changes, [[victimURL, false]]);
        for (let i = 0; i < 20; i++) assert.ok((await writer.create(`${p}${i}`, enc('1'))).succeeded);
        // Without moving off the frozen member a stream stays silent until gRPC's keepalive gives up.
        for (const rec of recs) await rec.until('20 more events', () => rec.events.length >= 21, 15_000);
        for (const rec of recs) assert.deepEqual(rec.errors, []);
        etcd.resumeMember(victim);
        await eventually(async () => {
          const before = await etcdRangeRequests(victimURL);
          for (let i = 0; i < 60; i++) await backend.get(`${p}x`);
          const served = (await etcdRangeRequests(victimURL)) - before;
          if (served < 5) throw new UnreachableError(`the resumed member served ${served} of 60 reads`, p);
        }, 10_000);
        assert.deepEqual(changes, [
          [victimURL, false],
          [victimURL, true],
        ]);
      } finally {
        etcd.resumeMember(victim);
        for (const rec of recs) rec.watch?.cancel();
        await backend.close();
        await writer.close();
      }
    });

    it('suspects a frozen leader, not the members that report its election', async () => {
      const leader = await etcd.leaderIndex();
      const leaderURL = etcd.endpoints[leader] ?? '';
      const p = `/e-${randomUUID()}/`;
      const { backend, changes } = watchedMembers(2000);
      try {
        await etcd.pauseMember(leader);
        // Sixteen clients read and write through the election ("leader changed", "no leader", slow
        // answers) until the new leader has taken 100 writes.
        let written = 0;
        let n = 0;
        const deadline = Date.now() + 30_000;
        const client = async () => {
          while (written < 100 && Date.now() < deadline) {
            const key = `${p}${n++}`;
            const ok = await backend.create(key, enc('1')).then((r) => r.succeeded, () => false);
            if (ok) written++;
            await backend.get(key).catch(() => undefined);
          }
        };
        await Promise.all(Array.from({ length: 16 }, client));
        assert.ok(written >= 100, `only ${written} writes within 30 s`);
        assert.deepEqual(changes, [[leaderURL, false]]);
      } finally {
        etcd.resumeMember(leader);
      }
      try {
        await eventually(async () => {
          if (changes.length < 2) throw new UnreachableError('the resumed member is still suspected', p);
        }, 10_000);
        assert.deepEqual(changes, [
          [leaderURL, false],
          [leaderURL, true],
        ]);
      } finally {
        await backend.close();
      }
    });
  });
});
