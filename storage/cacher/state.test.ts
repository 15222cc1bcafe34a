/** The watch cache's key-ordered state: order, snapshots, pages. */
import assert from 'node:assert/strict';
import type { KubeObject } from '../../apimachinery/types.js';
import { compareKeys } from '../keys.js';
import { CacheState, type CacheEntry } from './state.js';

const entry = (name: string): CacheEntry => ({ obj: { metadata: { name } } as KubeObject });
const names = (entries: readonly CacheEntry[]): string[] => entries.map((e) => e.obj?.metadata.name ?? '?');
const scanned = (state: CacheState, start: string, prefix: string): string[] => Array.from(state.scanFrom(start, prefix), ([k]) => k);

describe('watch cache state', () => {
  it('keeps keys in UTF-8 byte order through inserts, updates and deletes, ASCII keys and others alike', () => {
    const state = new CacheState();
    const keys = ['/r/b/1', '/r/a/2', '/r/a/1', '/r/a/\uffff', '/r/a/\u{10000}', '/r/a/\ue000', '/r/ab', '/s/x', '/r/a/10'];
    for (const k of keys) state.set(k, entry(k));
    const expected = [...keys].sort(compareKeys);
    assert.deepEqual(scanned(state, '/', '/'), expected);
    // U+10000 (a surrogate pair in UTF-16) sorts after U+FFFF in UTF-8, unlike in native string order.
    assert.deepEqual(scanned(state, '/r/a/', '/r/a/').slice(-3), ['/r/a/\ue000', '/r/a/\uffff', '/r/a/\u{10000}']);
    state.set('/r/a/1', entry('updated'));
    state.delete('/r/a/\uffff');
    state.delete('/r/missing');
    assert.equal(state.size, keys.length - 1);
    assert.deepEqual(names(state.snapshot('/r/a/')), ['updated', '/r/a/10', '/r/a/2', '/r/a/\ue000', '/r/a/\u{10000}']);
  });

  it('takes a snapshot of a prefix that later changes do not reach, and of a single key', () => {
    const state = new CacheState();
    state.replace([
      ['/r/a/1', entry('a1')],
      ['/r/a/2', entry('a2')],
      ['/r/b/1', entry('b1')],
    ]);
    const snap = state.snapshot('/r/a/');
    state.set('/r/a/3', entry('a3'));
    state.delete('/r/a/1');
    assert.deepEqual(names(snap), ['a1', 'a2']);
    assert.deepEqual(names(state.snapshot('/r/a/')), ['a2', 'a3']);
    assert.deepEqual(names(state.snapshot('/r/', '/r/b/1')), ['b1']);
    assert.deepEqual(state.snapshot('/r/', '/r/b/2'), []);
    assert.deepEqual(names(state.snapshot('')), ['a2', 'a3', 'b1']);
  });

  it('shares a range snapshot between callers until the state changes', () => {
    const state = new CacheState();
    state.replace([
      ['/r/a/1', entry('a1')],
      ['/r/b/1', entry('b1')],
    ]);
    const first = state.snapshot('/r/');
    assert.equal(state.snapshot('/r/'), first, 'the same copy');
    assert.notEqual(state.snapshot('/r/a/'), first, 'another range');
    const again = state.snapshot('/r/');
    state.set('/r/a/2', entry('a2'));
    assert.deepEqual(names(again), ['a1', 'b1']);
    assert.deepEqual(names(state.snapshot('/r/')), ['a1', 'a2', 'b1']);
    const beforeDelete = state.snapshot('/r/');
    state.delete('/r/b/1');
    assert.deepEqual(names(beforeDelete), ['a1', 'a2', 'b1']);
    assert.deepEqual(names(state.snapshot('/r/')), ['a1', 'a2']);
  });

  it('sorts an unsorted list on replace, counts unreadable entries, and pages from a start key', () => {
    const state = new CacheState();
    state.replace([
      ['/r/\u{10000}', entry('astral')],
      ['/r/c', { error: new Error('cannot decrypt') }],
      ['/r/\uffff', entry('bmp')],
      ['/r/a', entry('a')],
    ]);
    assert.deepEqual(scanned(state, '/r/', '/r/'), ['/r/a', '/r/c', '/r/\uffff', '/r/\u{10000}']);
    assert.equal(state.unreadable, 1);
    assert.deepEqual(scanned(state, '/r/c\u0000', '/r/'), ['/r/\uffff', '/r/\u{10000}']);
    assert.equal(state.countAfter('/r/a', '/r/'), 3);
    state.set('/r/c', entry('c'));
    assert.equal(state.unreadable, 0);
  });
});
