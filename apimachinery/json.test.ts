import assert from 'node:assert/strict';
import { goJsonMarshal } from './gojson.js';
import { jsonTooDeep, MAX_NESTING_DEPTH, memberCount, scanJson } from './json.js';

describe('JSON text scan', () => {
  it('measures nesting, ignoring brackets inside strings', () => {
    assert.equal(scanJson('1').depth, 0);
    assert.equal(scanJson('{"a":[1,{"b":[]}]}').depth, 4);
    assert.equal(scanJson('{"a":"[[[[{{{{","b":"\\"[[["}').depth, 1);
    assert.equal(jsonTooDeep(`${'['.repeat(MAX_NESTING_DEPTH)}${']'.repeat(MAX_NESTING_DEPTH)}`), false);
    assert.equal(jsonTooDeep(`${'['.repeat(MAX_NESTING_DEPTH + 1)}${']'.repeat(MAX_NESTING_DEPTH + 1)}`), true);
  });

  it('counts written members against parsed ones, so repeated keys show', () => {
    const cases: [string, boolean][] = [
      ['{"a":1,"b":{"c":2,"d":[{"e":3},{"e":4}]}}', false],
      ['{"a":"x:y","b\\":":"\\\\","c":{"d:":1}}', false],
      ['{"a":1,"a":2}', true],
      ['{"m":{"name":"x","name":null}}', true],
      ['[{"k":1},{"k":1,"j":2,"k":3}]', true],
      ['{"__proto__":1,"constructor":2}', false],
      ['"a:b"', false],
    ];
    for (const [text, repeated] of cases) {
      assert.equal(scanJson(text).members > memberCount(JSON.parse(text)), repeated, text);
    }
  });

  it('tells whether a number is written with a fraction or an exponent, outside strings and literals', () => {
    const cases: [string, boolean][] = [
      ['{"a":600,"b":-1,"c":true,"d":false,"e":null}', false],
      ['{"a":"1.5","b":"1e3","c.d":1}', false],
      ['{"a":600.0}', true],
      ['[1e3]', true],
      ['{"a":-2E-1}', true],
    ];
    for (const [text, decimals] of cases) assert.equal(scanJson(text).decimals, decimals, text);
  });

  it('counts members of deep values without recursion', () => {
    const deep = `${'{"a":'.repeat(200_000)}1${'}'.repeat(200_000)}`;
    assert.equal(memberCount(JSON.parse(deep)), 200_000);
    assert.equal(scanJson(deep).members, 200_000);
  });
});

describe('goJsonMarshal', () => {
  it('escapes what Go escapes and nothing else', () => {
    assert.equal(goJsonMarshal([{ Name: 'a<b>&c', URL: 'x\u2028y', Application: null }]), '[{"Name":"a\\u003cb\\u003e\\u0026c","URL":"x\\u2028y","Application":null}]');
    assert.equal(goJsonMarshal({ s: 'plain "quoted" \\ é' }), JSON.stringify({ s: 'plain "quoted" \\ é' }));
  });
});
