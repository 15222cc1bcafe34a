import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { Channels } from './channels.js';

/** A stream as gRPC hands it out: cancelling it ends it with a status. */
class FakeStream extends EventEmitter {
  cancelled = false;
  cancel(): void {
    this.cancelled = true;
    this.emit('status', { code: 1 });
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

  it('closes retired channels only once the calls and streams on them have ended', async () => {
    const channels = open();
    const stream = channels.hold();
    let finish = (): void => undefined;
    const call = channels.use(() => new Promise<string>((resolve) => (finish = () => resolve('answered'))));
    channels.retire();
    assert.equal(channels.isRetired, true);
    assert.equal(channels.isClosed, false, 'a call and a stream still run');
    finish();
    assert.equal(await call, 'answered');
    assert.equal(channels.isClosed, false, 'the stream still runs');
    stream();
    stream();
    assert.equal(channels.isClosed, true);
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

  it('ends the streams others re-open (lease keep-alives) when retired, and those on a member set aside', () => {
    const channels = open();
    const [on0, on1, other] = [new FakeStream(), new FakeStream(), new FakeStream()];
    channels.track(on0, 0);
    channels.track(on1, 1);
    channels.track(other, 1);
    other.emit('status', { code: 0 });
    channels.cancelStreamsOn(1);
    assert.deepEqual([on0.cancelled, on1.cancelled, other.cancelled], [false, true, false], 'an ended stream is no longer tracked');
    channels.retire();
    assert.equal(on0.cancelled, true);
    assert.equal(channels.isClosed, true, 'tracked streams do not keep the channels open');
  });
});
