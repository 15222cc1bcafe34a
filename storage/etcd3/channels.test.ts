import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { Channels } from './channels.js';

/** A stream as gRPC hands it out: cancelled, it reports its status later. */
class FakeStream extends EventEmitter {
  cancelled = false;
  cancel(): void {
    this.cancelled = true;
  }
  end(): void {
    this.emit('status', { code: this.cancelled ? 1 : 0 });
  }
}

describe('etcd3 channels', () => {
  // Nothing is dialed until a call is made: the address is never contacted.
  const open = () => new Channels({ endpoints: ['127.0.0.1:1', '127.0.0.1:2'], credentials: undefined, faultHandling: undefined, unaryGrpcOptions: undefined, watchGrpcOptions: undefined });

  it('knows each member\'s host in both pools, in endpoint order', () => {
    const channels = open();
    try {
      assert.equal(channels.unaryHosts.length, 2);
      assert.equal(channels.watchHosts.length, 2);
      assert.notEqual(channels.unaryHosts[0], channels.watchHosts[0]);
    } finally {
      channels.close();
    }
  });

  it('ends the streams of retired channels and closes them once those and the calls on them have ended', async () => {
    const channels = open();
    const stream = new FakeStream();
    channels.track(stream, 0);
    let finish = (): void => undefined;
    const call = channels.use(() => new Promise<string>((resolve) => (finish = () => resolve('answered'))));
    channels.retire();
    assert.equal(stream.cancelled, true, 'its owner re-opens it on the channels in use');
    assert.equal(channels.isClosed, false, 'a call and a stream still run');
    finish();
    assert.equal(await call, 'answered');
    assert.equal(channels.isClosed, false, 'the stream has not ended yet');
    stream.end();
    assert.equal(channels.isClosed, true);
    const late = new FakeStream();
    channels.track(late, 1);
    assert.equal(late.cancelled, true, 'a stream opened on retired channels is ended at once');
  });

  it('closes retired channels at once when nothing runs on them', () => {
    const channels = open();
    channels.retire();
    assert.equal(channels.isClosed, true);
  });

  it('counts a failed call as ended', async () => {
    const channels = open();
    await assert.rejects(channels.use(() => Promise.reject(new Error('refused'))), /refused/);
    channels.retire();
    assert.equal(channels.isClosed, true);
  });

  it('ends the streams on a member set aside, and no longer tracks ended ones', () => {
    const channels = open();
    const [on0, on1, ended] = [new FakeStream(), new FakeStream(), new FakeStream()];
    channels.track(on0, 0);
    channels.track(on1, 1);
    channels.track(ended, 1);
    ended.end();
    assert.equal(channels.inUse, true);
    channels.cancelStreamsOn(1);
    assert.deepEqual([on0.cancelled, on1.cancelled, ended.cancelled], [false, true, false]);
    on0.end();
    on1.end();
    assert.equal(channels.inUse, false);
    channels.close();
  });
});
