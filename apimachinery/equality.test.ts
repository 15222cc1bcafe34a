import assert from 'node:assert/strict';
import { semanticEqual } from './equality.js';

describe('semanticEqual', () => {
  it('treats absent, null and empty lists alike, at any depth', () => {
    assert.equal(semanticEqual(undefined, []), true);
    assert.equal(semanticEqual(null, undefined), true);
    assert.equal(semanticEqual({ a: [], b: null }, {}), true);
    assert.equal(semanticEqual([{ x: 1, l: [] }], [{ x: 1 }]), true);
  });

  it('ignores key order and compares values strictly', () => {
    assert.equal(semanticEqual({ a: 1, b: 'x' }, { b: 'x', a: 1 }), true);
    assert.equal(semanticEqual({ a: 1 }, { a: '1' }), false);
    assert.equal(semanticEqual([1, 2], [2, 1]), false);
    assert.equal(semanticEqual([1], [1, 2]), false);
  });

  it('keeps an empty object apart from an absent one (a pointer to an empty struct is not nil)', () => {
    assert.equal(semanticEqual({}, undefined), false);
    assert.equal(semanticEqual({ t: {} }, {}), false);
    assert.equal(semanticEqual({}, {}), true);
  });
});
