import assert from 'node:assert/strict';
import { compareQuantity, ERR_FORMAT, isIntegerResourceName, isValidPercent, isWholeQuantity, parseQuantity, QuantityError } from './quantity.js';
import { isQualifiedName } from './validation.js';

describe('apimachinery resource quantities', () => {
  const q = (s: string | number) => parseQuantity(s);

  it('compares exactly across suffixes', () => {
    assert.equal(compareQuantity(q('1Gi'), q('1024Mi')), 0);
    assert.equal(compareQuantity(q('200M'), q('199999999')), 1);
    assert.equal(compareQuantity(q('0.5'), q('500m')), 0);
    assert.equal(compareQuantity(q('1e3'), q('1k')), 0);
    assert.equal(compareQuantity(q('-1'), q('0')), -1);
    assert.equal(compareQuantity(q(2), q('2')), 0);
  });

  it('knows whole quantities', () => {
    assert.equal(isWholeQuantity(q('2')), true);
    assert.equal(isWholeQuantity(q('1500m')), false);
  });

  const bad: [string, string][] = [
    ['', ERR_FORMAT],
    ['abc', ERR_FORMAT],
    ['1.2.3', 'unable to parse numeric part of quantity'],
    ['1Zi', ERR_FORMAT],
    ['1Mk', "unable to parse quantity's suffix"],
  ];
  for (const [text, msg] of bad) {
    it(`refuses ${JSON.stringify(text)}`, () => assert.throws(() => q(text), (e: unknown) => e instanceof QuantityError && e.message === msg));
  }

  it('tells integer resources and percentages', () => {
    assert.equal(isIntegerResourceName('pods', isQualifiedName), true);
    assert.equal(isIntegerResourceName('cpu', isQualifiedName), false);
    assert.equal(isIntegerResourceName('example.com/gpu', isQualifiedName), true);
    assert.deepEqual(isValidPercent('5%'), []);
    assert.equal(isValidPercent('5').length, 1);
  });
});
