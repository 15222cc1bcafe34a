import assert from 'node:assert/strict';
import { isStatusError } from './errors.js';
import { checkSupported, escapeFieldValue, parseFieldSelector, unescapeFieldValue, type FieldRequirement } from './fields.js';

function assert400(fn: () => unknown, message: string): void {
  assert.throws(fn, (e: unknown) => isStatusError(e) && e.code === 400 && e.reason === 'BadRequest' && e.status.message === message);
}

describe('apimachinery/fields', () => {
  describe('parseFieldSelector', () => {
    const cases: [string, FieldRequirement[], string][] = [
      ['', [], ''],
      [',', [], ''],
      ['metadata.name=foo', [{ field: 'metadata.name', operator: '=', value: 'foo' }], 'metadata.name=foo'],
      ['a==b', [{ field: 'a', operator: '=', value: 'b' }], 'a=b'],
      ['a!=b', [{ field: 'a', operator: '!=', value: 'b' }], 'a!=b'],
      ['a=', [{ field: 'a', operator: '=', value: '' }], 'a='],
      ['a=!b', [{ field: 'a', operator: '=', value: '!b' }], 'a=!b'],
      ['b=1,a=2', [{ field: 'a', operator: '=', value: '2' }, { field: 'b', operator: '=', value: '1' }], 'a=2,b=1'],
      ['a=x\\,y', [{ field: 'a', operator: '=', value: 'x,y' }], 'a=x\\,y'],
      ['a=x\\=y', [{ field: 'a', operator: '=', value: 'x=y' }], 'a=x\\=y'],
      ['a=x\\\\y', [{ field: 'a', operator: '=', value: 'x\\y' }], 'a=x\\\\y'],
      [' a = b', [{ field: ' a ', operator: '=', value: ' b' }], ' a = b'],
      ['type=kubernetes.io/tls,', [{ field: 'type', operator: '=', value: 'kubernetes.io/tls' }], 'type=kubernetes.io/tls'],
    ];
    for (const [input, reqs, text] of cases) {
      it(JSON.stringify(input), () => {
        const sel = parseFieldSelector(input);
        assert.deepEqual(sel.requirements, reqs);
        assert.equal(sel.toString(), text);
        assert.equal(sel.empty, reqs.length === 0);
      });
    }
  });

  describe('parse errors', () => {
    const cases: [string, string][] = [
      ['a', "invalid selector: 'a'; can't understand 'a'"],
      ['x=1,a', "invalid selector: 'x=1,a'; can't understand 'a'"],
      ['a=b=c', 'invalid field selector: unescaped character in value: 61'],
      ['a=x\\y', 'invalid field selector: invalid escape sequence: \\y'],
      ['a=x\\!', 'invalid field selector: invalid escape sequence: \\!'],
      ['a=x\\', 'invalid field selector: invalid escape sequence: \\'],
    ];
    for (const [input, message] of cases) it(JSON.stringify(input), () => assert400(() => parseFieldSelector(input), message));
  });

  describe('matches', () => {
    const fields = { 'metadata.name': 'n', type: 'Opaque', empty: '' };
    const cases: [string, boolean][] = [
      ['', true],
      ['type=Opaque', true],
      ['type==Opaque', true],
      ['type=kubernetes.io/tls', false],
      ['type!=Opaque', false],
      ['type!=x', true],
      ['missing=', true],
      ['missing!=x', true],
      ['missing=x', false],
      ['empty=', true],
      ['type=Opaque,metadata.name=n', true],
      ['type=Opaque,metadata.name!=n', false],
    ];
    for (const [input, want] of cases) it(`${input} -> ${want}`, () => assert.equal(parseFieldSelector(input).matches(fields), want));
  });

  it('exactMatch returns the value of the first = term on the field', () => {
    assert.equal(parseFieldSelector('metadata.name=x,type=y').exactMatch('metadata.name'), 'x');
    assert.equal(parseFieldSelector('metadata.name==x').exactMatch('metadata.name'), 'x');
    assert.equal(parseFieldSelector('metadata.name!=x').exactMatch('metadata.name'), undefined);
    assert.equal(parseFieldSelector('type=y').exactMatch('metadata.name'), undefined);
    assert.equal(parseFieldSelector('metadata.name=a\\,b').exactMatch('metadata.name'), 'a,b');
  });

  it('checkSupported rejects the first unsupported label in evaluation order', () => {
    const supported = new Set(['metadata.name', 'metadata.namespace', 'type']);
    checkSupported(parseFieldSelector('metadata.name=a,type!=b,metadata.namespace=c'), supported);
    assert400(() => checkSupported(parseFieldSelector('spec.x=1,foo=bar,metadata.name=x'), supported), 'field label not supported: foo');
    assert400(() => checkSupported(parseFieldSelector('status.phase!=x'), supported), 'field label not supported: status.phase');
  });

  it('escape and unescape round-trip', () => {
    for (const v of ['', 'plain', 'a,b', 'a=b', 'a\\b', '\\,=\\']) assert.equal(unescapeFieldValue(escapeFieldValue(v)), v);
    assert.equal(escapeFieldValue('a\\,='), 'a\\\\\\,\\=');
  });
});
