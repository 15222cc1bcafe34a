import assert from 'node:assert/strict';
import { aggregateMessage, errorString, fieldErr } from './field.js';

describe('field errors', () => {
  it("print string values with Go's %q: control characters, DEL and non-printable spaces escaped", () => {
    assert.equal(errorString(fieldErr.invalid('fieldManager', '\x01x', 'invalid character U+0001 (at position 0)')), 'fieldManager: Invalid value: "\\x01x": invalid character U+0001 (at position 0)');
    assert.equal(errorString(fieldErr.invalid('a', 'del\x7f nbsp\u00a0 ls\u2028 é "q"')), 'a: Invalid value: "del\\x7f nbsp\\u00a0 ls\\u2028 é \\"q\\""');
    assert.equal(errorString(fieldErr.notSupported('p', 'x\ty', ['A\x01', 'B'])), 'p: Unsupported value: "x\\ty": supported values: "A\\x01", "B"');
  });

  it('print simple types as they are and anything else as JSON, nil as null (apimachinery 0.34+)', () => {
    assert.equal(errorString(fieldErr.invalid('n', 3)), 'n: Invalid value: 3');
    assert.equal(errorString(fieldErr.invalid('b', false)), 'b: Invalid value: false');
    assert.equal(errorString(fieldErr.invalid('o', null, 'owner cannot be reset')), 'o: Invalid value: null: owner cannot be reset');
    assert.equal(errorString(fieldErr.invalid('m', { a: 'b' })), 'm: Invalid value: {"a":"b"}');
    assert.equal(aggregateMessage([fieldErr.required('x'), fieldErr.required('x')]), 'x: Required value', 'duplicates once');
  });
});
