import assert from 'node:assert/strict';
import { canonicalQuantity, compareQuantity, ERR_FORMAT, isIntegerResourceName, isValidPercent, isWholeQuantity, parseQuantity, QuantityError } from './quantity.js';
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

describe('canonicalQuantity (Go writes a decoded quantity back in its canonical form)', () => {
  it('rewrites binary amounts to the largest whole binary suffix, small or fractional ones as decimals', () => {
    const cases: Array<[string, string]> = [
      ['1024Mi', '1Gi'],
      ['307200Ki', '300Mi'],
      ['1025024Mi', '1001Gi'],
      ['2048Ki', '2Mi'],
      ['1000Ki', '1000Ki'],
      ['1536Mi', '1536Mi'],
      ['1.5Ki', '1536'],
      ['0.5Ki', '512'],
      ['-1.5Gi', '-1536Mi'],
      ['0Mi', '0'],
      ['8Ei', '9223372036854775807'],
    ];
    for (const [given, canonical] of cases) assert.equal(canonicalQuantity(given), canonical, given);
  });

  it('rewrites decimal amounts with the fewest digits and an exponent that is a multiple of three', () => {
    const cases: Array<[string, string]> = [
      ['0.5', '500m'],
      ['1000', '1k'],
      ['5000m', '5'],
      ['1000M', '1G'],
      ['0.001T', '1G'],
      ['1000u', '1m'],
      ['1.08', '1080m'],
      ['1080000000n', '1080m'],
      ['1.0', '1'],
      ['00', '0'],
      ['-0', '0'],
      ['-1000', '-1k'],
      ['.001e12', '1e9'],
      ['0.001e0', '1e-3'],
      ['1000e-12', '1e-9'],
      ['1.5e3', '1500'],
      ['0.1n', '1n'],
      ['1e-10', '1e-9'],
      ['0.000000001', '1n'],
    ];
    for (const [given, canonical] of cases) assert.equal(canonicalQuantity(given), canonical, given);
  });

  it('keeps text Go finds canonical as it is written, and refuses what does not parse', () => {
    for (const kept of ['0', '100m', '250m', '1Gi', '300Mi', '12Mi', '100', '1080n', '3k', '1e3', '1E3', '12e6', '80e-3', '+5', '4096', '1025']) {
      assert.equal(canonicalQuantity(kept), kept, kept);
    }
    for (const bad of ['', 'abc', '1Qi', '1.2.3']) assert.equal(canonicalQuantity(bad), undefined, bad);
  });
});
