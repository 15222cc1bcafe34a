/**
 * The version cache of encoded objects: what it keeps (an encoding asked for twice), what it lets
 * pass (one pass over a collection bigger than itself), and its byte budget.
 */
import assert from 'node:assert/strict';
import { EncodedObjects } from './encode.js';

/** A cache with a counter of the encodings it had to make. */
function counted(budget: number, remembered?: number) {
  const cache = new EncodedObjects(budget, remembered);
  let made = 0;
  const get = (key: string, bytes = 1000) =>
    cache.get(key, () => {
      made++;
      return Buffer.alloc(bytes, key.length);
    });
  return { cache, get, made: () => made };
}

const keys = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `json things/ns/${prefix}-${i}@${i + 1}`);

describe('encoded objects by version', () => {
  it('keep an encoding from the second time it is asked for', () => {
    const c = counted(1024 * 1024);
    c.get('json things/ns/a@1');
    c.get('json things/ns/a@1');
    assert.equal(c.made(), 2);
    const third = c.get('json things/ns/a@1');
    assert.equal(c.made(), 2, 'the third read is served from the cache');
    assert.equal(c.get('json things/ns/a@1'), third);
    assert.equal(c.cache.size, 1000);
  });

  it('keep nothing of one pass over a collection bigger than the cache, and keep what repeated reads use', () => {
    const c = counted(1000 * 1000, 1024);
    const hot = keys('hot', 100);
    for (const k of hot) {
      c.get(k);
      c.get(k);
    }
    const kept = hot.map((k) => c.get(k));
    const before = c.made();
    // 5,000 encodings of 1,000 bytes: five times the budget, five times the remembered keys.
    for (const k of keys('scan', 5000)) c.get(k);
    assert.equal(c.made() - before, 5000);
    assert.equal(c.cache.size, 100 * 1000, 'the scan kept nothing');
    hot.forEach((k, i) => assert.equal(c.get(k), kept[i], `${k} was pushed out`));
    assert.equal(c.made() - before, 5000);
  });

  it('share the encodings of clients reading the same collection side by side', () => {
    const c = counted(1000 * 1000, 1024);
    const collection = keys('item', 3000);
    // Three readers, each 10 keys behind the one before it.
    for (let step = 0; step < collection.length + 20; step++) {
      for (const lag of [0, 10, 20]) {
        const k = collection[step - lag];
        if (k !== undefined) c.get(k);
      }
    }
    // The first two readers make the encodings, the third finds them kept, but for the few keys whose
    // slot another key took between the first two reads (some 30 keys of 1,024 slots: about 3%).
    assert.ok(c.made() >= 2 * collection.length && c.made() <= 2.06 * collection.length, `${c.made()} encodings made`);
  });

  it('stay within the byte budget and keep no encoding bigger than a sixteenth of it', () => {
    const c = counted(64 * 1000, 1024);
    for (const k of keys('a', 200)) {
      c.get(k);
      c.get(k);
    }
    assert.equal(c.cache.size, 64 * 1000, 'the budget is full and not exceeded');
    const big = 'json things/ns/big@1';
    for (let i = 0; i < 3; i++) c.get(big, 4001);
    assert.equal(c.made(), 400 + 3, 'an encoding over a sixteenth is made every time');
  });
});
