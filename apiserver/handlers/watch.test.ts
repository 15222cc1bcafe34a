/**
 * The watch handler's back-pressure, on a response with no socket: it keeps writing while less than
 * its bound is queued, whatever Node's 16 KiB high-water mark says, and waits for the client past it.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { KubeObject } from '../../apimachinery/types.js';
import { internalSecretResource } from '../../registry/internalsecret/descriptor.js';
import type { Watch, WatchEvent } from '../../storage/interface.js';
import type { ResourceRequest } from './context.js';
import { handleWatch } from './watch.js';

/** A response that refuses every write (as past Node's high-water mark) and queues what it is given until drained. */
class QueueingResponse extends EventEmitter {
  writableLength = 0;
  writableNeedDrain = false;
  destroyed = false;
  writes = 0;
  /** Bytes of the last write. */
  lastWrite = 0;
  statusCode = 0;
  status(code: number): this {
    this.statusCode = code;
    return this;
  }
  setHeader(): void {}
  flushHeaders(): void {}
  write(chunk: Uint8Array | string): boolean {
    this.writes++;
    this.lastWrite = chunk.length;
    this.writableLength += chunk.length;
    this.writableNeedDrain = true;
    return false;
  }
  /** The client took everything queued. */
  drain(): void {
    this.writableLength = 0;
    this.writableNeedDrain = false;
    this.emit('drain');
  }
  end(): void {
    this.emit('close');
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('close');
  }
}

/** A watch that yields the events pushed to it until stopped. */
function pushedWatch(): Watch & { push(ev: WatchEvent): void } {
  const queue: WatchEvent[] = [];
  let wake: (() => void) | undefined;
  let stopped = false;
  return {
    push(ev) {
      queue.push(ev);
      wake?.();
    },
    stop() {
      stopped = true;
      wake?.();
    },
    async *[Symbol.asyncIterator]() {
      while (!stopped) {
        const ev = queue.shift();
        if (ev !== undefined) yield ev;
        else await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}

const secret = (i: number): WatchEvent => ({
  type: 'ADDED',
  object: {
    apiVersion: 'core.gardener.cloud/v1beta1',
    kind: 'InternalSecret',
    metadata: { name: `s${i}`, namespace: 'ns', resourceVersion: String(100 + i) },
    data: { blob: 'x'.repeat(4000) },
  } as KubeObject,
});

/** Lets the handler run until it waits (for an event or for the client). */
const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('watch handler back-pressure', () => {
  it('writes a burst of events without waiting for the client until 256 KiB are queued, then waits for it', async () => {
    const res = new QueueingResponse();
    const watch = pushedWatch();
    const r = {
      req: { headers: { accept: 'application/json' } },
      res,
      info: { name: '' },
      served: { descriptor: internalSecretResource, store: { watch: () => watch } },
      subresource: undefined,
      query: { watch: '1', timeoutSeconds: '60' },
      ctx: { user: { name: 'u', groups: [] }, namespace: 'ns', dryRun: false, warnings: [] },
      deps: {},
    } as unknown as ResourceRequest;
    const done = handleWatch(r);
    for (let i = 0; i < 20; i++) watch.push(secret(i));
    await settle();
    assert.equal(res.writes, 20, 'a burst far below the bound is written at once');
    for (let i = 20; i < 120; i++) watch.push(secret(i));
    await settle();
    assert.ok(res.writableLength >= 256 * 1024, `queued ${res.writableLength} bytes`);
    assert.ok(res.writableLength - res.lastWrite < 256 * 1024, 'it stops at the first write that reaches the bound');
    const waiting = res.writes;
    await settle();
    assert.equal(res.writes, waiting, 'and writes nothing more until the client takes what is queued');
    res.drain();
    await settle();
    assert.equal(res.writes, 120, 'the rest once it has');
    watch.stop();
    await done;
  });
});
