import assert from 'node:assert/strict';
import { FieldSet, FieldsV1Error } from './fieldset.js';
import { compareElements, fieldElement, keyElement, parseElement, pathString, serializeElement, type PathElement } from './pathelement.js';

const f = fieldElement;
const k = (fields: Record<string, string | number | boolean | null>) => keyElement(Object.entries(fields));
const v = (value: string | number | boolean): PathElement => ({ kind: 'value', value });
const i = (index: number): PathElement => ({ kind: 'index', index });

describe('apply: path elements', () => {
  const cases: [PathElement, string, string][] = [
    [f('spec'), 'f:spec', '.spec'],
    [f('a.b/c'), 'f:a.b/c', '.a.b/c'],
    [k({ name: 'a' }), 'k:{"name":"a"}', '[name="a"]'],
    [k({ protocol: 'TCP', port: 80 }), 'k:{"port":80,"protocol":"TCP"}', '[port=80,protocol="TCP"]'],
    [v('x'), 'v:"x"', '[="x"]'],
    [v(3), 'v:3', '[=3]'],
    [v(true), 'v:true', '[=true]'],
    [i(2), 'i:2', '[2]'],
  ];
  for (const [pe, key, printed] of cases) {
    it(`serializes ${key}, parses it back and prints ${printed}`, () => {
      assert.equal(serializeElement(pe), key);
      const back = parseElement(key);
      assert.ok(back);
      assert.equal(serializeElement(back), key);
      assert.equal(pathString([pe]), printed);
    });
  }

  it('escapes key values like Go', () => {
    assert.equal(serializeElement(k({ name: 'a<b>&c' })), 'k:{"name":"a\\u003cb\\u003e\\u0026c"}');
  });

  it('ignores unknown element types and rejects malformed keys', () => {
    assert.equal(parseElement('z:whatever'), undefined);
    assert.throws(() => parseElement('f'), /key must be 2 characters long/);
    assert.throws(() => parseElement('fx'), /missing colon/);
    assert.throws(() => parseElement('k:[1]'), /not a JSON object/);
    assert.throws(() => parseElement('v:{'), /JSON/);
    assert.throws(() => parseElement('i:x'), /invalid index/);
  });

  it('orders fields before keys before values before indices', () => {
    const sorted = [i(0), v('b'), v(1), k({ name: 'b' }), k({ name: 'a' }), f('b'), f('a')].sort(compareElements);
    assert.deepEqual(sorted.map(serializeElement), ['f:a', 'f:b', 'k:{"name":"a"}', 'k:{"name":"b"}', 'v:1', 'v:"b"', 'i:0']);
  });

  it('prints nested paths', () => {
    assert.equal(pathString([f('spec'), f('containers'), k({ name: 'app' }), f('image')]), '.spec.containers[name="app"].image');
  });
});

const set = (...paths: PathElement[][]) => FieldSet.of(...paths);
const keys = (s: FieldSet) => s.paths().map(pathString);

describe('apply: field sets', () => {

  it('encodes FieldsV1 with "." for paths that are members and parents', () => {
    const s = set([f('spec'), f('ports'), k({ port: 80, protocol: 'TCP' })], [f('spec'), f('ports'), k({ port: 80, protocol: 'TCP' }), f('port')], [f('data'), f('b')], [f('data'), f('a')]);
    assert.equal(
      JSON.stringify(s.toFieldsV1()),
      '{"f:data":{"f:a":{},"f:b":{}},"f:spec":{"f:ports":{"k:{\\"port\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:port":{}}}}}',
    );
  });

  it('decodes FieldsV1 and round-trips it', () => {
    const json = { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:tags': { 'v:"a"': {} } }, 'f:list': { 'i:0': {} } };
    const s = FieldSet.fromFieldsV1(json);
    assert.deepEqual(keys(s), ['.list[0]', '.metadata.labels', '.metadata.labels.app', '.spec.tags[="a"]']);
    assert.deepEqual(s.toFieldsV1(), json);
  });

  it('treats {} at the top as the empty set and drops unknown element types', () => {
    assert.ok(FieldSet.fromFieldsV1({}).empty());
    assert.deepEqual(keys(FieldSet.fromFieldsV1({ 'x:y': {}, 'f:a': {} })), ['.a']);
  });

  it('rejects FieldsV1 that is not a trie of objects', () => {
    assert.throws(() => FieldSet.fromFieldsV1([]), FieldsV1Error);
    assert.throws(() => FieldSet.fromFieldsV1({ 'f:a': 1 }), FieldsV1Error);
    assert.throws(() => FieldSet.fromFieldsV1({ 'k:nope': {} }), FieldsV1Error);
  });

});

describe('apply: field set operations', () => {
  it('answers has() for members only', () => {
    const s = set([f('a'), f('b')]);
    assert.equal(s.has([f('a'), f('b')]), true);
    assert.equal(s.has([f('a')]), false);
    assert.equal(s.has([]), false);
  });

  it('unions, intersects and subtracts', () => {
    const a = set([f('x')], [f('m'), f('a')], [f('m'), f('b')]);
    const b = set([f('y')], [f('m'), f('b')], [f('m')]);
    assert.deepEqual(keys(a.union(b)), ['.m', '.x', '.y', '.m.a', '.m.b']);
    assert.deepEqual(keys(a.intersection(b)), ['.m.b']);
    assert.deepEqual(keys(a.difference(b)), ['.x', '.m.a']);
    assert.deepEqual(keys(a.recursiveDifference(set([f('m')]))), ['.x']);
    assert.deepEqual(keys(a.difference(set([f('m')]))), ['.x', '.m.a', '.m.b']);
    assert.ok(a.union(b).equals(b.union(a)));
    assert.ok(!a.equals(b));
  });

  it('lists paths in upstream order: members of a level first, then children', () => {
    const s = set([f('b'), f('c')], [f('a')], [f('z')]);
    assert.deepEqual(keys(s), ['.a', '.z', '.b.c']);
  });
});
