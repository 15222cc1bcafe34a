import assert from 'node:assert/strict';
import { ClientClosedError, Etcd3, GRPCDeadlineExceededError, GRPCOutOfRangeError, GRPCUnavailableError, isRecoverableError } from 'etcd3';
import { startEtcd, type EtcdCluster } from '../../test/support/etcd.js';
import { until } from '../../test/support/wait.js';
import { CallThreadLostError, CallWorker } from './call-worker.js';
import { EtcdConnection, mapEtcdError, memberVerdict } from './connection.js';
import { UnreachableError } from '../errors.js';

const GRPC = { 'grpc.enable_channelz': 0 };
const soon = () => new Date(Date.now() + 5000);

describe('etcd3 call thread (real etcd)', function () {
  this.timeout(60_000);
  let etcd: EtcdCluster;
  const open: CallWorker[] = [];
  before(async () => {
    etcd = await startEtcd({ members: 3 });
  });
  after(async () => {
    for (const w of open.splice(0)) w.close();
    await etcd.stop();
  });
  const worker = async (): Promise<CallWorker> => {
    const w = new CallWorker({ endpoints: etcd.endpoints, credentials: undefined, grpcOptions: GRPC });
    open.push(w);
    await until(() => w.ready, 'the call thread to be ready', 20_000);
    return w;
  };

  it('runs calls on the member it is told and answers with Buffers, as the etcd3 clients do', async () => {
    const w = await worker();
    const put = await w.call<{ header: { revision: string } }>(0, 'KV', 'put', { key: Buffer.from('/cw/a'), value: Buffer.from('one') }, soon());
    const read = await w.call<{ header: { member_id: string }; kvs: Array<{ key: Buffer; value: Buffer; mod_revision: string }> }>(1, 'KV', 'range', { key: Buffer.from('/cw/a') }, soon());
    assert.ok(Buffer.isBuffer(read.kvs[0]?.key) && Buffer.isBuffer(read.kvs[0]?.value), 'keys and values are Buffers');
    assert.equal(read.kvs[0]?.value.toString(), 'one');
    assert.equal(read.kvs[0]?.mod_revision, put.header.revision);
    const status = (m: number) => w.call<{ header: { member_id: string } }>(m, 'Maintenance', 'status', {}, soon());
    const ids = (await Promise.all([status(0), status(1), status(2)])).map((s) => s.header.member_id);
    assert.equal(new Set(ids).size, 3, 'each call went to the member it named');
  });

  it('gives failures the etcd3 package\'s types, so that the connection judges them as before', async () => {
    const w = await worker();
    await assert.rejects(w.call(0, 'KV', 'range', { key: Buffer.from('/cw/a') }, new Date(Date.now() - 1)), GRPCDeadlineExceededError);
    // The same failure through the etcd3 package's own client, on this thread.
    const future = { key: Buffer.from('/cw/a'), revision: '999999999' };
    const direct = new Etcd3({ hosts: etcd.endpoints });
    const expected = await direct.kv.range(future).catch((e: unknown) => e as Error);
    direct.close();
    const got = await w.call<unknown>(0, 'KV', 'range', future, soon()).then(() => undefined, (e: unknown) => e as Error);
    assert.ok(expected instanceof GRPCOutOfRangeError, String(expected));
    assert.equal(got?.constructor, expected.constructor);
    assert.equal(got?.message, expected.message);
    await assert.rejects(w.call(0, 'KV', 'nothing', {}, soon()), /no gRPC method nothing/);
  });

  it('hands large answers over one turn of the event loop at a time, as HTTP/2 flow control did', async () => {
    const w = await worker();
    await w.call(0, 'KV', 'put', { key: Buffer.from('/cw/big'), value: Buffer.alloc(100 * 1024, 1) }, soon());
    let turn = 0;
    let counting = true;
    const tick = (): void => {
      turn++;
      if (counting) setImmediate(tick);
    };
    setImmediate(tick);
    const turns: number[] = [];
    const reads = [0, 1, 2].map((m) => w.call(m, 'KV', 'range', { key: Buffer.from('/cw/big') }, soon()).then(() => turns.push(turn)));
    // The event loop is held while the thread reads all three, so that their answers wait together.
    const until = Date.now() + 500;
    while (Date.now() < until);
    await Promise.all(reads);
    counting = false;
    assert.equal(new Set(turns).size, 3, `answered in turns ${turns.join(', ')}`);
  });

  it('hands answers over in the order they arrived, failures included', async () => {
    const w = await worker();
    const settled: string[] = [];
    const big = w.call(0, 'KV', 'range', { key: Buffer.from('/cw/big') }, soon()).then(() => settled.push('earlier success'));
    // The event loop is held until the answer has surely arrived; then a call that fails at once.
    let until = Date.now() + 500;
    while (Date.now() < until);
    const failed = w.call(0, 'KV', 'range', { key: Buffer.from('/cw/a') }, new Date(Date.now() - 1)).catch(() => settled.push('later failure'));
    until = Date.now() + 500;
    while (Date.now() < until);
    await Promise.all([big, failed]);
    assert.deepEqual(settled, ['earlier success', 'later failure']);
  });

  it('marks recoverable failures as the package does, so that its pools renew the channels after them', async () => {
    const w = await worker();
    const e = await w.call(0, 'KV', 'range', { key: Buffer.from('/cw/a') }, new Date(Date.now() - 1)).then(() => undefined, (x: unknown) => x as Error);
    assert.ok(e instanceof GRPCDeadlineExceededError);
    assert.equal(isRecoverableError(e), true);
  });

  it('refuses calls once closed', async () => {
    const w = await worker();
    w.close();
    assert.equal(w.ready, false);
    await assert.rejects(w.call(0, 'KV', 'range', { key: Buffer.from('/cw/a') }, soon()), ClientClosedError);
  });

  it('serves connections side by side, each on its own channels', async () => {
    const [a, b] = await Promise.all([worker(), worker()]);
    b.close();
    const r = await a.call<{ count: string }>(0, 'KV', 'range', { key: Buffer.from('/cw/a'), count_only: true }, soon());
    assert.equal(r.count, '1');
  });

  it('carries a connection\'s calls once ready, with the answers and failures it had on its own channels', async () => {
    await worker(); // the process's thread is ready (connections share it)
    const connection = new EtcdConnection({ endpoints: etcd.endpoints });
    try {
      const version = await connection.serverVersion();
      assert.match(version, /^3\.\d+\.\d+$/);
      const e = await connection.call('read', '/cw/a', (o) => connection.kv.range({ key: Buffer.from('/cw/a'), revision: '999999999' }, o)).catch((x: unknown) => x);
      assert.match(String(e), /required revision is a future revision/);
      // The package's own API takes deadlines as numbers too.
      const late = await connection.client.get('/cw/a').options({ deadline: Date.now() - 1 }).string().then(() => undefined, (x: unknown) => x);
      assert.ok(late instanceof GRPCDeadlineExceededError, String(late));
    } finally {
      connection.close();
    }
  });
});

describe('etcd3 call thread: a lost thread', () => {
  it('blames no member and is reported as etcd being unreachable', () => {
    const lost = new CallThreadLostError('the etcd call thread ended: exit code 1');
    assert.ok(lost instanceof GRPCUnavailableError);
    assert.equal(memberVerdict(lost), undefined);
    assert.ok(mapEtcdError(lost, '/k') instanceof UnreachableError);
  });
});
