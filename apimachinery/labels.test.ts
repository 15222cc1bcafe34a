import assert from 'node:assert/strict';
import { isStatusError } from './errors.js';
import { parseLabelSelector } from './labels.js';

const KEY_NAME_RE =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character " +
  "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_RE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end " +
  "with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is " +
  "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('apimachinery/labels', () => {
  describe('parseLabelSelector: canonical text', () => {
    const cases: [string, string][] = [
      ['', ''],
      ['   ', ''],
      ['x=a', 'x=a'],
      ['x==a', 'x==a'],
      ['x!=a', 'x!=a'],
      ['x in (b,a)', 'x in (a,b)'],
      ['x notin (a)', 'x notin (a)'],
      ['x in (a,a,b)', 'x in (a,b)'],
      ['x in (a,,b)', 'x in (,a,b)'],
      ['x in ()', 'x in ()'],
      ['x in (,)', 'x in ()'],
      ['x', 'x'],
      ['!x', '!x'],
      ['x=', 'x='],
      ['x=,y', 'x=,y'],
      [' x = a , y ', 'x=a,y'],
      ['\tb=1,\na=2', 'a=2,b=1'],
      ['x>5', 'x>5'],
      ['x<5', 'x<5'],
      ['in=notin', 'in=notin'],
      ['x in (in,notin)', 'x in (in,notin)'],
      ['example.com/app=web', 'example.com/app=web'],
      ['a=b\0c=d', 'a=b'],
    ];
    for (const [input, want] of cases) {
      it(`${JSON.stringify(input)} -> ${JSON.stringify(want)}`, () => {
        const sel = parseLabelSelector(input);
        assert.equal(sel.toString(), want);
        assert.equal(sel.empty, want === '');
      });
    }
  });

  describe('parseLabelSelector: errors (400, upstream texts)', () => {
    const cases: [string, string][] = [
      ['x=a b', "found 'b', expected: ',' or 'end of string'"],
      ['x,', "found '', expected: identifier after ','"],
      ['x,,y', "found ',', expected: identifier after ','"],
      [',x', "found ',', expected: !, identifier, or 'end of string'"],
      ['=a', "found '=', expected: !, identifier, or 'end of string'"],
      ['!x=a', "found '=', expected: ',' or 'end of string'"],
      ['!', "unable to parse requirement: found '', expected: identifier"],
      ['x in a', "unable to parse requirement: found 'a' expected: '('"],
      ['x in (a', "unable to parse requirement: found '', expected: ',' or ')'"],
      ['x in (a b)', "unable to parse requirement: found 'b', expected: ',' or ')'"],
      ['x in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
      ['x in (a,=)', "unable to parse requirement: found '=', expected: ',', or identifier"],
      ['x (a)', "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt"],
      ['x y', "unable to parse requirement: found 'y', expected: in, notin, =, ==, !=, gt, lt"],
      ['x=(a)', "unable to parse requirement: found '(', expected: identifier"],
      ['-x', `unable to parse requirement: <nil>: Invalid value: "-x": name part ${KEY_NAME_RE}`],
      [
        'a/b/c=d',
        `unable to parse requirement: <nil>: Invalid value: "a/b/c": a qualified name ${KEY_NAME_RE} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
      ],
      ['x=-a', `unable to parse requirement: values[0][x]: Invalid value: "-a": ${VALUE_RE}`],
      [
        'x in (-b,-a)',
        `unable to parse requirement: [values[0][x]: Invalid value: "-a": ${VALUE_RE}, values[1][x]: Invalid value: "-b": ${VALUE_RE}]`,
      ],
      ['x>a', `unable to parse requirement: values[0]: Invalid value: "a": for 'Gt', 'Lt' operators, the value must be an integer`],
      ['x>99999999999999999999', `unable to parse requirement: values[0]: Invalid value: "99999999999999999999": for 'Gt', 'Lt' operators, the value must be an integer`],
    ];
    for (const [input, message] of cases) {
      it(JSON.stringify(input), () => {
        assert.throws(
          () => parseLabelSelector(input),
          (e: unknown) => isStatusError(e) && e.code === 400 && e.reason === 'BadRequest' && e.status.message === message,
        );
      });
    }
  });

  describe('matches', () => {
    const cases: [string, Record<string, string> | undefined, boolean][] = [
      ['', undefined, true],
      ['x=a', { x: 'a' }, true],
      ['x==a', { x: 'a' }, true],
      ['x=a', { x: 'b' }, false],
      ['x=a', undefined, false],
      ['x=', { x: '' }, true],
      ['x=', {}, false],
      ['x!=a', {}, true],
      ['x!=a', undefined, true],
      ['x!=a', { x: 'a' }, false],
      ['x!=a', { x: 'b' }, true],
      ['x in (a,b)', { x: 'b' }, true],
      ['x in (a,b)', { x: 'c' }, false],
      ['x in (a,b)', {}, false],
      ['x notin (a,b)', {}, true],
      ['x notin (a,b)', { x: 'a' }, false],
      ['x notin (a,b)', { x: 'c' }, true],
      ['x', { x: '' }, true],
      ['x', { y: 'x' }, false],
      ['!x', {}, true],
      ['!x', { x: 'a' }, false],
      ['x>5', { x: '6' }, true],
      ['x>5', { x: '5' }, false],
      ['x>5', { x: 'a' }, false],
      ['x>5', {}, false],
      ['x<5', { x: '-1' }, true],
      ['x=a,y', { x: 'a', y: '' }, true],
      ['x=a,y', { x: 'a' }, false],
      ['x=a,!y', { x: 'a', y: 'b' }, false],
      ['toString', { toString: 'x' }, true],
      ['constructor', {}, false],
    ];
    for (const [selector, labels, want] of cases) {
      it(`${JSON.stringify(selector)} on ${JSON.stringify(labels)} -> ${want}`, () => {
        assert.equal(parseLabelSelector(selector).matches(labels), want);
      });
    }
  });

  it('requiresExactMatch', () => {
    assert.equal(parseLabelSelector('a=1,b in (2),c!=3').requiresExactMatch('a'), '1');
    assert.equal(parseLabelSelector('a=1,b in (2),c!=3').requiresExactMatch('b'), '2');
    assert.equal(parseLabelSelector('a=1,b in (2),c!=3').requiresExactMatch('c'), undefined);
    assert.equal(parseLabelSelector('b in (2,3)').requiresExactMatch('b'), undefined);
    assert.equal(parseLabelSelector('a').requiresExactMatch('a'), undefined);
  });

  it('exposes sorted requirements', () => {
    assert.deepEqual(parseLabelSelector('b notin (y,x),a').requirements, [
      { key: 'a', operator: 'exists', values: [] },
      { key: 'b', operator: 'notin', values: ['x', 'y'] },
    ]);
  });
});
