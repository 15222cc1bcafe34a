/**
 * Streamed list responses: a client that does not read holds back the encoding after one slice, so
 * that many large lists to slow readers hold little memory; a client that goes away stops it; a client
 * that reads gets the whole list, in protobuf also when its items outgrow the encodings kept between
 * the two passes.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type { Response } from 'express';
import { decodeMessage, META_MESSAGES, openEnvelope, protobufCodecs } from '../apimachinery/protobuf/index.js';
import type { ResourceDescriptor } from '../registry/types.js';
import { sendList } from './list-stream.js';

/** A response whose client reads only when told to: writes wait until {@link release}. */
class SlowClient extends Writable {
  readonly chunks: Buffer[] = [];
  headersSent = false;
  locals: Record<string, unknown> = {};
  readonly req: { url: string; headers: Record<string, string> };

  constructor(url = '/apis/example.gardener.cloud/v1/things') {
    super({ highWaterMark: 16 * 1024 });
    this.req = { url, headers: {} };
  }

  private held: Array<() => void> = [];

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

/** Items counting how many of them have been read (encoded). */
function countedItems(values: unknown[]): { items: unknown[]; encoded: () => number } {
  let encoded = 0;
  const items = new Proxy(values, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && /^\d+$/.test(prop)) encoded++;
      return Reflect.get(target, prop, receiver);
    },
  });
  return { items, encoded: () => encoded };
}

/** Lets the client read until the response is complete; returns the body. */
async function readAll(res: SlowClient, sent: Promise<void>): Promise<Buffer> {
  let finished = false;
  void sent.then(() => (finished = true));
  while (!finished) {
    res.release();
    await new Promise((r) => setImmediate(r));
  }
  res.release();
  return Buffer.concat(res.chunks);
}

/** Turns of the event loop, enough for any encoding that is not held back to run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
}

describe('streamed list responses', () => {
  it('encode no further than one slice ahead of a client that does not read, and send everything once it reads', async () => {
    const count = 2000;
    const { items, encoded } = countedItems(Array.from({ length: count }, (_, i) => item(i)));
    const res = new SlowClient();
    const sent = sendList(res as unknown as Response, descriptor, { apiVersion: 'v1', kind: 'ConfigMapList', metadata: { resourceVersion: '7' }, items }, 'json', false, []);
    await settle();
    // Each item is about 2 KiB: a 64 KiB slice is some 32 of them; the whole list is 4 MiB.
    assert.ok(encoded() > 0 && encoded() <= 64, `${encoded()} items encoded while the client read nothing`);
    const body = JSON.parse((await readAll(res, sent)).toString('utf8')) as { kind: string; metadata: unknown; items: Array<{ metadata: { name: string } }> };
    assert.equal(body.kind, 'ConfigMapList');
    assert.deepEqual(body.metadata, { resourceVersion: '7' });
    assert.equal(body.items.length, count);
    assert.deepEqual(
      body.items.map((x) => x.metadata.name),
      Array.from({ length: count }, (_, i) => `item-${i}`),
    );
  });

  it('encode indented JSON (?pretty) in slices too, the same document as JSON.stringify indents', async () => {
    const count = 2000;
    const { items, encoded } = countedItems(Array.from({ length: count }, (_, i) => item(i)));
    const res = new SlowClient('/apis/example.gardener.cloud/v1/things?pretty=true');
    const list = { apiVersion: 'v1', kind: 'ConfigMapList', metadata: { resourceVersion: '7' }, items };
    const sent = sendList(res as unknown as Response, descriptor, list, 'json', false, []);
    await settle();
    assert.ok(encoded() > 0 && encoded() <= 64, `${encoded()} items encoded while the client read nothing`);
    const text = (await readAll(res, sent)).toString('utf8');
    assert.equal(text, JSON.stringify({ ...list, items: Array.from({ length: count }, (_, i) => item(i)) }, null, 2));
  });

  it('stop encoding when the client goes away', async () => {
    const { items, encoded } = countedItems(Array.from({ length: 2000 }, (_, i) => item(i)));
    const res = new SlowClient();
    const sent = sendList(res as unknown as Response, descriptor, { apiVersion: 'v1', kind: 'ConfigMapList', metadata: {}, items }, 'json', false, []);
    await settle();
    const before = encoded();
    res.destroy();
    await sent;
    assert.ok(encoded() <= before + 1, `${encoded() - before} items encoded after the client left`);
  });

  it('send a protobuf list whose item encodings exceed what is kept between the passes', async () => {
    // 72 items of 1 MiB each: more than the 64 MiB kept, so the last ones are encoded twice.
    const count = 72;
    const values = Array.from({ length: count }, (_, i) => ({
      apiVersion: 'meta.k8s.io/v1',
      kind: 'PartialObjectMetadata',
      metadata: { name: `item-${i}`, annotations: { blob: String(i % 10).repeat(1024 * 1024) } },
    }));
    const res = new SlowClient();
    const list = { apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadataList', metadata: { resourceVersion: '9' }, items: values };
    const body = await readAll(res, sendList(res as unknown as Response, descriptor, list, 'protobuf', false, []));
    const opened = openEnvelope(body);
    assert.equal(opened.kind, 'PartialObjectMetadataList');
    const decoded = decodeMessage(protobufCodecs().message(META_MESSAGES.partialObjectMetadataList), opened.raw) as {
      metadata: { resourceVersion: string };
      items: Array<{ metadata: { name: string; annotations: { blob: string } } }>;
    };
    assert.equal(decoded.metadata.resourceVersion, '9');
    assert.equal(decoded.items.length, count);
    decoded.items.forEach((x, i) => {
      assert.equal(x.metadata.name, `item-${i}`);
      assert.equal(x.metadata.annotations.blob.length, 1024 * 1024);
      assert.equal(x.metadata.annotations.blob[0], String(i % 10));
    });
  });
});
