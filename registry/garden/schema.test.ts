import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { compileKindValidator } from '../../openapi/validate.js';
import { refName, type Schema } from '../../openapi/schema.js';
import { exampleGarden, EXAMPLES, setAt } from '../../test/support/shoot/fixtures.js';
import { GARDEN_DEFINITION, gardenDefinitions, gardenSchema } from './schema/index.js';
import { GARDEN_RULES } from './defaults.js';
import type { CrdRule, CrdRuleTree } from '../generic/crd-rules.js';

const validator = compileKindValidator({ kind: 'Garden', definitionName: GARDEN_DEFINITION, schema: gardenSchema, definitions: gardenDefinitions });

/** The CRD's openAPIV3Schema. */
const crd = (parse(readFileSync(`${EXAMPLES}/operator/10-crd-operator.gardener.cloud_gardens.yaml`, 'utf8')) as { spec: { versions: { schema: { openAPIV3Schema: Schema } }[] } })
  .spec.versions[0]?.schema.openAPIV3Schema as Schema;

/** Resolves a `$ref` through the Garden's definitions. */
const resolve = (s: Schema): Schema => {
  const name = refName(s);
  return name === undefined ? s : (gardenDefinitions[name] ?? s);
};

/** Field paths of a schema (object properties, list items as []), down to `depth`. */
function paths(s: Schema, prefix: string, out: Set<string>, depth: number): void {
  if (depth === 0) return;
  const r = resolve(s);
  for (const [k, p] of Object.entries(r.properties ?? {})) {
    out.add(`${prefix}.${k}`);
    paths(p, `${prefix}.${k}`, out, depth - 1);
  }
  if (r.items !== undefined) paths(r.items, `${prefix}[]`, out, depth - 1);
}

describe('registry/garden schema', () => {
  it('is named as upstream and carries the GVK', () => {
    assert.equal(GARDEN_DEFINITION, 'com.github.gardener.gardener.pkg.apis.operator.v1alpha1.Garden');
    assert.deepEqual(gardenSchema['x-kubernetes-group-version-kind'], [{ group: 'operator.gardener.cloud', version: 'v1alpha1', kind: 'Garden' }]);
  });

  it('has exactly the fields of the CRD', () => {
    const ours = new Set<string>();
    const theirs = new Set<string>();
    paths(gardenSchema, 'Garden', ours, 12);
    paths(crd, 'Garden', theirs, 12);
    // metadata is the shared ObjectMeta here, an opaque object in the CRD.
    const mine = [...ours].filter((p) => !p.startsWith('Garden.metadata.'));
    assert.deepEqual(mine.filter((p) => !theirs.has(p)), []);
    assert.deepEqual([...theirs].filter((p) => !ours.has(p)), []);
  });

  it('shares the core types with the Shoot schema and keeps the CRD extensions', () => {
    const spec = gardenSchema.properties?.spec;
    const kas = spec?.properties?.virtualCluster?.properties?.kubernetes?.properties?.kubeAPIServer;
    assert.equal(refName(kas?.properties?.encryptionConfig ?? {}), 'com.github.gardener.gardener.pkg.apis.core.v1beta1.EncryptionConfig');
    const gas = spec?.properties?.virtualCluster?.properties?.gardener?.properties?.gardenerAPIServer;
    assert.equal(refName(gas?.properties?.encryptionConfig ?? {}), 'com.github.gardener.gardener.pkg.apis.core.v1beta1.EncryptionConfig');
    assert.ok(kas?.properties?.sni !== undefined && kas.properties.auditWebhook !== undefined);
    const status = gardenSchema.properties?.status;
    assert.equal(refName(status?.properties?.credentials?.properties?.encryptionAtRest ?? {}), 'com.github.gardener.gardener.pkg.apis.core.v1beta1.EncryptionAtRest');
    const secretRef = spec?.properties?.dns?.properties?.providers?.items?.properties?.secretRef;
    assert.equal(secretRef?.['x-kubernetes-map-type'], 'atomic');
    const strategy = spec?.properties?.virtualCluster?.properties?.gardener?.properties?.gardenerScheduler?.properties?.strategy;
    assert.deepEqual([strategy?.enum, strategy?.default], [['SameRegion', 'MinimalDistance'], 'SameRegion']);
    for (const name of Object.keys(gardenDefinitions)) assert.match(name, /^(com\.github\.gardener\.gardener\.pkg\.apis\.core\.v1beta1|io\.k8s\.)/);
  });

  it('validates the upstream example (20-garden.yaml) without unknown fields', () => {
    assert.deepEqual(validator.check(exampleGarden()), { typeErrors: [], unknownFields: [], duplicateFields: [] });
  });

  it('reports misspelled fields and type errors', () => {
    const garden = exampleGarden();
    setAt(garden, 'spec.virtualCluster.gardener.gardenerAPIServer.encryptionConfig', { resources: ['shoots.core.gardener.cloud'], provider: { typ: 'aescbc' } });
    setAt(garden, 'spec.runtimeCluster.provider.zones', 'a');
    const result = validator.check(garden);
    assert.deepEqual(result.unknownFields, ['spec.virtualCluster.gardener.gardenerAPIServer.encryptionConfig.provider.typ']);
    assert.equal(result.typeErrors.length, 1);
  });

  it('has exactly the constraints of the CRD: required fields, enums, patterns, bounds, defaults, immutability', () => {
    const fromTree = new Map<string, CrdRule>();
    const collect = (t: CrdRuleTree, path: string): void => {
      if (t.rule !== undefined) fromTree.set(path, t.rule);
      for (const [k, c] of t.props) collect(c, path === '' ? k : `${path}.${k}`);
      if (t.items !== undefined) collect(t.items, `${path}[]`);
      if (t.values !== undefined) collect(t.values, `${path}{}`);
    };
    collect(GARDEN_RULES, '');
    const fromCrd = new Map<string, CrdRule>();
    const walk = (n: Schema, path: string): void => {
      const r: Record<string, unknown> = {};
      for (const k of ['required', 'enum', 'pattern', 'minLength', 'minItems', 'minimum', 'maximum', 'default'] as const) if (n[k] !== undefined) r[k] = n[k];
      for (const v of n['x-kubernetes-validations'] ?? []) r.immutable = `${v.rule} ${v.message ?? ''}`;
      if (Object.keys(r).length > 0 && path !== '') fromCrd.set(path, r);
      for (const [k, p] of Object.entries(n.properties ?? {})) if (path !== '' || k === 'spec' || k === 'status') walk(p, path === '' ? k : `${path}.${k}`);
      if (n.items !== undefined) walk(n.items, `${path}[]`);
      if (typeof n.additionalProperties === 'object') walk(n.additionalProperties, `${path}{}`);
    };
    walk(crd, '');
    const norm = (r: CrdRule | undefined): string => {
      const out: Record<string, unknown> = { ...r };
      // The type a CEL refusal shows is the schema's, which the CRD has beside the rule, not in it.
      delete out.type;
      if (Array.isArray(out.required)) out.required = [...(out.required as string[])].sort();
      if (typeof out.immutable === 'string' && !out.immutable.startsWith('self == oldSelf ')) out.immutable = `self == oldSelf ${out.immutable}`;
      return JSON.stringify(Object.fromEntries(Object.entries(out).sort()));
    };
    const differences = [...new Set([...fromTree.keys(), ...fromCrd.keys()])].filter((p) => p !== '' && norm(fromTree.get(p)) !== norm(fromCrd.get(p)));
    assert.deepEqual(differences.map((p) => `${p}: ${norm(fromTree.get(p))} vs ${norm(fromCrd.get(p))}`), []);
    assert.ok(fromCrd.size > 100, `the CRD has ${fromCrd.size} constrained paths`);
  });
});
