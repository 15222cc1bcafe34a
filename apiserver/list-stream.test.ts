/**
 * Streamed list responses: a client that does not read holds back the encoding after one slice, so
 * that many large lists to slow readers hold little memory; a client that reads gets the whole list.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type { Response } from 'express';
import type { ResourceDescriptor } from '../registry/types.js';
import { sendList } from './list-stream.js';

/** A response whose client reads only when told to: writes wait until {@link release}. */
class SlowClient extends Writable {
  readonly chunks: Buffer[] = [];
  headersSent = false;
  locals: Record<string, unknown> = {};
  private held: Array<() => void> = [];

  constructor() {
    super({ highWaterMark: 16 * 1024 });
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (e?: Error | null) => void): void {
    this.chunks.push(chunk);
    this.held.push(() => done());
  }

  /** Lets the client take everything written so far. */
  release(): void {
    const held = this.held;
    this.held = [];
    for (const done of held) done();
  }

  setHeader(): this {
    return this;
  }

  status(): this {
    return this;
  }
}

const descriptor = { kind: 'Thing', group: 'example.gardener.cloud', resource: 'things' } as unknown as ResourceDescriptor;

function item(i: number): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `item-${i}` }, data: { blob: 'x'.repeat(2000) } };
}

/** Turns of the event loop, enough for any encoding that is not held back to run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
}

describe('streamed list responses', () => {
  it('encode no further than one slice ahead of a client that does not read, and send everything once it reads', async () => {
    const count = 2000;
    let encoded = 0;
    const items = new Proxy(
      Array.from({ length: count }, (_, i) => item(i)),
      {
        get(target, prop, receiver) {
          if (typeof prop === 'string' && /^\d+$/.test(prop)) encoded++;
          return Reflect.get(target, prop, receiver);
        },
      },
    );
    const res = new SlowClient();
    const sent = sendList(res as unknown as Response, descriptor, { apiVersion: 'v1', kind: 'ConfigMapList', metadata: { resourceVersion: '7' }, items }, 'json', false, []);
    await settle();
    // Each item is about 2 KiB: a 64 KiB slice is some 32 of them; the whole list is 4 MiB.
    assert.ok(encoded > 0 && encoded <= 64, `${encoded} items encoded while the client read nothing`);
    let finished = false;
    void sent.then(() => (finished = true));
    while (!finished) {
      res.release();
      await new Promise((r) => setImmediate(r));
    }
    res.release();
    const body = JSON.parse(Buffer.concat(res.chunks).toString('utf8')) as { kind: string; metadata: unknown; items: Array<{ metadata: { name: string } }> };
    assert.equal(body.kind, 'ConfigMapList');
    assert.deepEqual(body.metadata, { resourceVersion: '7' });
    assert.equal(body.items.length, count);
    assert.deepEqual(
      body.items.map((x) => x.metadata.name),
      Array.from({ length: count }, (_, i) => `item-${i}`),
    );
  });
});
