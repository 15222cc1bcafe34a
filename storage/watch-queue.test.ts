import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { WatchEvent } from './interface.js';
import { EventQueue } from './watch-queue.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const event = (i: number): WatchEvent => ({ type: 'ADDED', object: { metadata: { name: `o${i}`, resourceVersion: String(i) } } });

describe('storage/watch-queue', () => {
  it('delivers in order, then ends after the queued events', async () => {
    const q = new EventQueue();
    for (let i = 0; i < 3; i++) q.push(event(i));
    q.end();
    q.push(event(9));
    const names: string[] = [];
    for await (const ev of q) names.push(ev.object.metadata?.name ?? '');
    assert.deepEqual(names, ['o0', 'o1', 'o2']);
  });

  it('releases every event once it is read, not only when the queue compacts', async () => {
    const q = new EventQueue();
    const collected = new Set<number>();
    const registry = new FinalizationRegistry<number>((i) => collected.add(i));
    // Fewer events than the compaction threshold: only the per-read release can free them.
    for (let i = 0; i < 100; i++) {
      const ev = event(i);
      registry.register(ev, i);
      q.push(ev);
    }
    const it = q[Symbol.asyncIterator]();
    for (let i = 0; i < 50; i++) await it.next();
    for (let round = 0; round < 20 && collected.size < 50; round++) {
      gc();
      await new Promise((r) => setImmediate(r));
    }
    assert.deepEqual([...collected].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i), 'the 50 read events, and none of the unread');
    assert.equal(q.size, 50);
  });
});
