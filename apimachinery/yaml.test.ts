import assert from 'node:assert/strict';
import { MAX_YAML_ALIASES, MAX_YAML_DEPTH, parseUntrustedYaml, parseUntrustedYamlDocuments, toYaml, yamlDepth, YamlLimitError } from './yaml.js';

/** `n` nested collections in each of YAML's notations. */
const nested = {
  blockSeq: (n: number) => `${'- '.repeat(n)}x`,
  flowSeq: (n: number) => `${'['.repeat(n)}x${']'.repeat(n)}`,
  flowMap: (n: number) => `${'{a: '.repeat(n)}x${'}'.repeat(n)}`,
  blockMap: (n: number) => `${Array.from({ length: n }, (_, i) => `${' '.repeat(i)}a:`).join('\n')} x`,
};

describe('untrusted YAML', () => {
  it('measures nesting in every notation', () => {
    for (const [name, make] of Object.entries(nested)) assert.equal(yamlDepth(make(7)), 7, name);
    assert.equal(yamlDepth('a: 1\nb: [1, {c: [2]}]\n---\n- - x'), 4);
    assert.equal(yamlDepth('plain'), 0);
  });

  it(`accepts ${MAX_YAML_DEPTH} levels and refuses one more, without parsing further`, () => {
    for (const [name, make] of Object.entries(nested)) {
      let v = parseUntrustedYaml(make(MAX_YAML_DEPTH));
      for (let i = 0; i < MAX_YAML_DEPTH; i++) v = Array.isArray(v) ? v[0] : (v as Record<string, unknown>).a;
      assert.equal(v, 'x', name);
      assert.throws(() => parseUntrustedYaml(make(MAX_YAML_DEPTH + 1)), { name: 'YamlLimitError', message: `yaml: exceeded max depth of ${MAX_YAML_DEPTH}` }, name);
    }
  });

  it('refuses nesting far beyond the stack without crashing', () => {
    for (const text of ['['.repeat(100_000), '{a: '.repeat(50_000), `${'- '.repeat(100_000)}x`, `x:\n${'- '.repeat(100_000)}x`]) {
      assert.throws(() => parseUntrustedYaml(text), YamlLimitError);
    }
    // Invalid as YAML, so the parser's error, still without a crash.
    assert.throws(() => parseUntrustedYaml(`x: ${'- '.repeat(100_000)}`), { name: 'YAMLParseError' });
  });

  it('refuses aliases to an enclosing node', () => {
    for (const text of ['a: &a [*a]', 'a: &a 1\nb: &a [*a]', 'a: &a {b: *a}', 'x: &x\n  y:\n    - *x', `a: &a [${'*a, '.repeat(50)}]`, '&r [1, *r]']) {
      assert.throws(() => parseUntrustedYaml(text), { name: 'YamlLimitError', message: /anchor '(a|x|r)' value contains itself/ }, text);
    }
  });

  it('accepts aliases to finished nodes, also redefined anchors', () => {
    assert.deepEqual(parseUntrustedYaml('a: &a [1]\nb: [*a, *a]'), { a: [1], b: [[1], [1]] });
    // An alias names the latest anchor of that name before it.
    assert.deepEqual(parseUntrustedYaml('a: &a 1\nb: &a [2]\nc: *a'), { a: 1, b: [2], c: [2] });
  });

  it(`refuses more than ${MAX_YAML_ALIASES} aliases and exponential expansion`, () => {
    const many = `a: &a 1\nb: [${Array.from({ length: MAX_YAML_ALIASES + 1 }, () => '*a').join(', ')}]`;
    assert.throws(() => parseUntrustedYaml(many), { message: 'yaml: document contains excessive aliasing' });
    const laughs = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (const [prev, name] of [['a', 'b'], ['b', 'c'], ['c', 'd'], ['d', 'e'], ['e', 'f'], ['f', 'g']]) laughs.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    assert.throws(() => parseUntrustedYaml(laughs.join('\n')), /alias/i);
  });

  it('refuses collections as mapping keys', () => {
    for (const text of ['? [a, b]\n: x', '{[a]: 1}', '? {a: 1}\n: x', 'k: &k [1]\n*k : x']) {
      assert.throws(() => parseUntrustedYaml(text), { name: 'YamlLimitError', message: /invalid map key/ }, text);
    }
    assert.deepEqual(parseUntrustedYaml('1: a\ntrue: b\nk: &k c\n*k : d'), { 1: 'a', true: 'b', k: 'c', c: 'd' });
  });

  it('keeps syntax errors in the documents and throws the first for a single value', () => {
    const [doc] = parseUntrustedYamlDocuments('a: [1');
    assert.ok(doc !== undefined && doc.errors.length > 0);
    assert.throws(() => parseUntrustedYaml('a: 1\nb: [1'), { name: 'YAMLParseError', message: / at line 2, column \d+$/ });
    // The offending text is not quoted: a body may carry secrets.
    for (const text of ['data:\n  password: S3CRET-VALUE-42: x\n', 'password: S3CRET-VALUE-42\npassword: S3CRET-VALUE-42\n']) {
      assert.throws(
        () => parseUntrustedYaml(text),
        (e: unknown) => e instanceof Error && /at line \d+, column \d+$/.test(e.message) && !e.message.includes('S3CRET'),
      );
    }
    assert.equal(parseUntrustedYaml(''), null);
    assert.throws(() => parseUntrustedYaml('a: 1\n---\nb: 2'), YamlLimitError);
  });
});

describe('YAML responses', () => {
  it('write a value shared by two fields out in full at both, without anchors', () => {
    const shared = { groupVersion: 'g/v1', version: 'v1' };
    const text = toYaml({ versions: [shared], preferredVersion: shared });
    assert.equal(text, 'preferredVersion:\n  groupVersion: g/v1\n  version: v1\nversions:\n- groupVersion: g/v1\n  version: v1\n');
  });
});
