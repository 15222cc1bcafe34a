import assert from 'node:assert/strict';
import { internalSecretResource } from '../../registry/internalsecret/descriptor.js';
import { FieldSet } from './fieldset.js';
import { mergeValues, removeItems } from './merge.js';
import { fieldElement, pathString } from './pathelement.js';
import { kindType, TypeResolver } from './schema.js';
import { widget, widgetKind } from './testdata.js';
import { compareValues, ensureNamedFieldsAreMembers, toFieldSet } from './typed.js';

const root = kindType(widgetKind);
const keys = (s: FieldSet) => s.paths().map(pathString).sort();
const fieldsOf = (spec: Record<string, unknown>) => toFieldSet({ spec }, root);

describe('apply: field set of a value, per list and map type', () => {
  const cases: [string, Record<string, unknown>, string[]][] = [
    ['scalars are members', { replicas: 1, paused: false }, ['.spec.paused', '.spec.replicas']],
    ['lists without a list type are atomic', { args: ['a', 'b'] }, ['.spec.args']],
    ['set lists own each value', { tags: ['a', 'b'] }, ['.spec.tags[="a"]', '.spec.tags[="b"]']],
    [
      'map lists own items by all their keys, and the items’ fields',
      { ports: [{ port: 80, protocol: 'TCP', name: 'http' }] },
      ['.spec.ports[port=80,protocol="TCP"]', '.spec.ports[port=80,protocol="TCP"].name', '.spec.ports[port=80,protocol="TCP"].port', '.spec.ports[port=80,protocol="TCP"].protocol'],
    ],
    [
      'a patch merge key makes an associative list',
      { containers: [{ name: 'app', image: 'x' }] },
      ['.spec.containers[name="app"]', '.spec.containers[name="app"].image', '.spec.containers[name="app"].name'],
    ],
    ['atomic structs are one member', { selector: { matchLabels: { a: 'b' } } }, ['.spec.selector']],
    ['granular maps own each entry', { env: { A: '1', B: '2' } }, ['.spec.env.A', '.spec.env.B']],
    ['atomic maps are one member', { frozen: { A: '1' } }, ['.spec.frozen']],
    ['preserve-unknown-fields subtrees are granular maps', { config: { a: { b: 1 }, l: [1, 2] } }, ['.spec.config.a', '.spec.config.a.b', '.spec.config.l']],
    ['empty maps and nulls are members', { env: {}, replicas: null }, ['.spec.env', '.spec.replicas']],
    ['empty associative lists own nothing', { tags: [] }, []],
    ['recursive definitions resolve', { child: { child: { replicas: 2 } } }, ['.spec.child.child.replicas']],
  ];
  for (const [name, spec, want] of cases) {
    it(name, () => assert.deepEqual(keys(fieldsOf(spec)), want));
  }

});

describe('apply: field sets of real kinds and invalid values', () => {
  it('encodes an InternalSecret like kube-apiserver does', () => {
    const t = kindType(internalSecretResource);
    const obj = { apiVersion: 'core.gardener.cloud/v1beta1', kind: 'InternalSecret', metadata: { name: 'x', labels: { a: 'b' } }, type: 'Opaque', data: { k: 'dg==' } };
    assert.deepEqual(toFieldSet(obj, t).toFieldsV1(), {
      'f:apiVersion': {},
      'f:data': { 'f:k': {} },
      'f:kind': {},
      'f:metadata': { 'f:labels': { 'f:a': {} }, 'f:name': {} },
      'f:type': {},
    });
  });

  it('reports duplicate and keyless items of an applied configuration', () => {
    const errors: string[] = [];
    toFieldSet({ spec: { tags: ['a', 'a'], ports: [{ port: 1 }], containers: [{ name: 'x' }, { name: 'x' }] } }, root, errors);
    assert.deepEqual(errors, [
      '.spec.tags: duplicate entries for key [="a"]',
      '.spec.ports: element 0: associative list with keys has an element that omits key field "protocol"',
      '.spec.containers: duplicate entries for key [name="x"]',
    ]);
  });

  it('treats ownerReferences as a map list keyed by uid and finalizers as a set', () => {
    const meta = { ownerReferences: [{ apiVersion: 'v1', kind: 'K', name: 'n', uid: 'u' }], finalizers: ['f'] };
    assert.deepEqual(keys(toFieldSet({ metadata: meta }, root)), ['.metadata.finalizers[="f"]', '.metadata.ownerReferences[uid="u"]']);
  });

  it('adds named struct fields as members', () => {
    const s = ensureNamedFieldsAreMembers(fieldsOf({ env: { A: '1' }, containers: [{ name: 'a', image: 'i' }] }), root);
    assert.deepEqual(keys(s), ['.spec', '.spec.containers', '.spec.containers[name="a"]', '.spec.containers[name="a"].image', '.spec.containers[name="a"].name', '.spec.env', '.spec.env.A']);
  });

  it('resolves free-form schemas and $ref cycles', () => {
    const r = new TypeResolver({ A: { type: 'object', properties: { a: { $ref: '#/definitions/A' }, any: {} } } });
    const t = r.node({ $ref: '#/definitions/A' });
    assert.equal(t.kind, 'map');
    assert.equal(t.kind === 'map' && t.fields.get('a'), t);
    assert.equal(t.kind === 'map' && t.fields.get('any')?.kind, 'deduced');
    assert.throws(() => r.node({ $ref: '#/definitions/Missing' }), /unknown definition/);
  });
});

describe('apply: comparing values', () => {
  it('finds added, modified and removed leaves and items', () => {
    const c = compareValues(
      { spec: { replicas: 1, env: { A: '1', B: '2' }, tags: ['x'], args: ['a'] } },
      { spec: { replicas: 2, env: { A: '1', C: '3' }, tags: ['x', 'y'], args: ['a'] }, status: { phase: 'Up' } },
      root,
    );
    assert.deepEqual(keys(c.added), ['.spec.env.C', '.spec.tags[="y"]', '.status', '.status.phase']);
    assert.deepEqual(keys(c.modified), ['.spec.replicas']);
    assert.deepEqual(keys(c.removed), ['.spec.env.B']);
  });

  it('compares atomic values as a whole', () => {
    const c = compareValues({ spec: { args: ['a'], selector: { matchLabels: { a: '1' } } } }, { spec: { args: ['b'], selector: { matchLabels: { a: '2' } } } }, root);
    assert.deepEqual(keys(c.modified), ['.spec.args', '.spec.selector']);
  });
});

describe('apply: merging and removing', () => {
  it('merges maps key by key and takes leaves from the configuration', () => {
    const out = mergeValues(widget({ replicas: 1, env: { A: '1' }, args: ['a', 'b'] }), widget({ replicas: 2, env: { B: '2' }, args: ['c'] }), root);
    assert.deepEqual((out as { spec: unknown }).spec, { replicas: 2, env: { A: '1', B: '2' }, args: ['c'] });
  });

  it('merges associative items in place and inserts new ones in applied order', () => {
    const live = { spec: { containers: [{ name: 'a', image: '1' }, { name: 'b', image: '1' }, { name: 'c', image: '1' }] } };
    const cfg = { spec: { containers: [{ name: 'a', image: '2' }, { name: 'n' }, { name: 'c', args: ['x'] }] } };
    const out = mergeValues(live, cfg, root) as { spec: { containers: unknown[] } };
    assert.deepEqual(out.spec.containers, [{ name: 'a', image: '2' }, { name: 'b', image: '1' }, { name: 'n' }, { name: 'c', image: '1', args: ['x'] }]);
  });

  it('merges sets keeping the live order', () => {
    const out = mergeValues({ spec: { tags: ['b', 'a'] } }, { spec: { tags: ['c', 'a'] } }, root) as { spec: { tags: string[] } };
    assert.deepEqual(out.spec.tags, ['b', 'c', 'a']);
  });

  it('removes members with everything under them and drops what is left empty', () => {
    const value = { spec: { env: { A: '1' }, replicas: 1, containers: [{ name: 'a', image: 'x' }, { name: 'b' }] } };
    const set = toFieldSet({ spec: { env: { A: '1' }, containers: [{ name: 'a' }] } }, root);
    assert.deepEqual(removeItems(value, set, root), { spec: { replicas: 1, containers: [{ name: 'b' }] } });
    assert.deepEqual(removeItems(value, toFieldSet({}, root), root), value);
    assert.deepEqual(removeItems(value, toFieldSet({ spec: {} }, root), root), undefined, 'an empty struct owns the struct');
    assert.deepEqual(removeItems(value, FieldSet.of([fieldElement('spec'), fieldElement('env'), fieldElement('A')]), root), {
      spec: { replicas: 1, containers: value.spec.containers },
    });
  });
});
