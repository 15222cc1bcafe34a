import assert from 'node:assert/strict';
import { decodeObject, encodeObject } from './codec.js';
import { compareKeys, prefixEnd, singleKeyEnd } from './keys.js';

describe('codec', () => {
  it('stores JSON plus a newline without resourceVersion and selfLink, and restores the revision', () => {
    const obj = { apiVersion: 'v1', kind: 'Thing', metadata: { name: 'a', resourceVersion: '5', selfLink: '/x', labels: { é: '日本' } }, spec: { n: 1 } };
    const { text, bytes } = encodeObject(obj);
    assert.equal(text, '{"apiVersion":"v1","kind":"Thing","metadata":{"name":"a","labels":{"é":"日本"}},"spec":{"n":1}}\n');
    assert.deepEqual(Buffer.from(bytes), Buffer.from(text, 'utf8'));
    assert.equal(obj.metadata.resourceVersion, '5', 'the input is untouched');
    const decoded = decodeObject(bytes, 42);
    assert.deepEqual(decoded, { ...obj, metadata: { name: 'a', labels: { é: '日本' }, resourceVersion: '42' } });
  });

  it('refuses values that are not objects with metadata', () => {
    for (const bad of ['[]', '{"kind":"x"}', '{"metadata":[]}', 'nope']) {
      assert.throws(() => decodeObject(Buffer.from(bad), 1), bad);
    }
    assert.throws(() => decodeObject(Uint8Array.of(0xff, 0xfe), 1), 'invalid UTF-8');
  });
});

describe('keys', () => {
  it('computes prefix range ends like etcd', () => {
    assert.equal(prefixEnd('/registry/shoots/'), '/registry/shoots0');
    assert.equal(prefixEnd('a\u{10ffff}'), 'b');
    assert.equal(singleKeyEnd('/a'), '/a\u0000');
  });

  it('compares keys in UTF-8 byte order', () => {
    assert.ok(compareKeys('\u{1f600}', '\uffff') > 0, 'astral code points sort after the BMP, unlike UTF-16');
    assert.ok(compareKeys('a', 'a\u0000') < 0);
  });
});
