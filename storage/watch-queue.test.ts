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

  it('reads a lead source before the queued events, one call per event read', async () => {
    const q = new EventQueue();
    let calls = 0;
    const lead = [event(0), event(1)];
    q.push(event(5));
    q.lead(() => {
      calls++;
      return lead.shift();
    });
    q.push(event(6));
    assert.equal(calls, 0, 'nothing is made before it is read');
    assert.equal(q.size, 2, 'the lead source does not count as queued');
    const it = q[Symbol.asyncIterator]();
    assert.equal((await it.next()).value?.object.metadata?.name, 'o0');
    assert.equal(calls, 1);
    q.end();
    const names: string[] = [];
    for (let r = await it.next(); r.done !== true; r = await it.next()) names.push(r.value.object.metadata?.name ?? '');
    assert.deepEqual(names, ['o1', 'o5', 'o6']);
  });

  it('truncate() drops the queued events and ends the queue after them', async () => {
    const q = new EventQueue();
    q.push(event(1));
    q.truncate();
    q.push(event(2));
    assert.equal(q.finished, true);
    const names: string[] = [];
    for await (const ev of q) names.push(ev.object.metadata?.name ?? '');
    assert.deepEqual(names, []);
  });
});
