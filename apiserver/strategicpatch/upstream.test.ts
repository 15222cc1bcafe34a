/**
 * The application cases of k8s.io/apimachinery's `pkg/util/strategicpatch/patch_test.go`, carried over
 * as data (`testdata/upstream-cases.json`): for each case of the tables
 * `createStrategicMergePatchTestCaseData`, `customStrategicMergePatchTestCaseData`,
 * `strategicMergePatchRawTestCases` and `customStrategicMergePatchRawTestCases`, its two-way patch
 * applied to its original must give the modified object (or `twoWayResult`), and its three-way patch
 * applied to the current object must give the result; the cases that expect an error must fail with
 * it. As upstream does, the objects of the YAML tables (not the raw ones) have their merge lists sorted
 * by merge key before the patch is applied and compared. The schema is upstream's test type
 * (`MergeItem`, `testdata/swagger-merge-item.json`) in this server's schema form.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Definitions, Schema } from '../../openapi/schema.js';
import { goValue } from './errors.js';
import { strategicMergePatch } from './index.js';
import { isMap, jsonType, type JsonMap } from './json.js';
import { SchemaPatchMeta, type PatchMetaLookup } from './meta.js';

interface UpstreamCase {
  table: string;
  description: string;
  kind: 'twoWay' | 'threeWay';
  original: JsonMap;
  patch: JsonMap;
  expected: JsonMap | null;
  error?: string;
}

const merge = (key: string): Partial<Schema> => ({ 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': key });
const item: Schema = { $ref: '#/definitions/mergeItem' };
const intList: Schema = { type: 'array', items: { type: 'integer' } };

/** Upstream's MergeItem and RetainKeysMergeItem test types. */
const DEFINITIONS: Definitions = {
  mergeItem: {
    type: 'object',
    properties: {
      name: { type: 'string' },
      value: { type: 'string' },
      other: { type: 'string' },
      mergingList: { type: 'array', items: item, ...merge('name') },
      nonMergingList: { type: 'array', items: item },
      mergingIntList: { ...intList, 'x-kubernetes-patch-strategy': 'merge' },
      nonMergingIntList: intList,
      mergeItemPtr: { ...item, ...merge('name') },
      simpleMap: { type: 'object', additionalProperties: { type: 'string' } },
      replacingItem: { 'x-kubernetes-preserve-unknown-fields': true, 'x-kubernetes-patch-strategy': 'replace' },
      jsonItem: { 'x-kubernetes-preserve-unknown-fields': true },
      retainKeysMap: { $ref: '#/definitions/retainKeysMergeItem', 'x-kubernetes-patch-strategy': 'retainKeys' },
      retainKeysMergingList: { type: 'array', items: item, 'x-kubernetes-patch-strategy': 'merge,retainKeys', 'x-kubernetes-patch-merge-key': 'name' },
    },
  },
  retainKeysMergeItem: {
    type: 'object',
    properties: {
      name: { type: 'string' },
      value: { type: 'string' },
      other: { type: 'string' },
      simpleMap: { type: 'object', additionalProperties: { type: 'string' } },
      mergingIntList: { ...intList, 'x-kubernetes-patch-strategy': 'merge' },
      mergingList: { type: 'array', items: item, ...merge('name') },
      nonMergingList: { type: 'array', items: item },
    },
  },
};
const SCHEMA: Schema = item;

/** Go's `%v` ordering of scalars (sort.Sort on their printed form), after its deduplication. */
function sortScalars(list: unknown[]): unknown[] {
  const seen: unknown[] = [];
  for (const v of list) if (!seen.includes(v)) seen.push(v);
  return seen.sort((a, b) => (goValue(a) < goValue(b) ? -1 : goValue(a) > goValue(b) ? 1 : 0));
}

/** Upstream's sortMergeListsByName: merge lists ordered by merge key (scalars by value), recursively. */
function sortMergeLists(m: JsonMap, meta: PatchMetaLookup): JsonMap {
  const out: JsonMap = {};
  for (const [k, v] of Object.entries(m)) {
    if (k === '$retainKeys' || k.startsWith('$deleteFromPrimitiveList')) out[k] = sortScalars(v as unknown[]);
    else if (k.startsWith('$setElementOrder') || k === '$patch') out[k] = v;
    else if (isMap(v)) out[k] = sortMergeLists(v, meta.forStruct(k).inner);
    else if (Array.isArray(v)) {
      const { meta: field, inner } = meta.forSlice(k);
      out[k] = field.strategies.includes('merge') ? sortList(v, inner, field.mergeKey) : v;
    } else out[k] = v;
  }
  return out;
}

function sortList(list: unknown[], meta: PatchMetaLookup, mergeKey: string): unknown[] {
  if (list.length === 0) return list;
  if (jsonType(list[0]) !== 'map') return sortScalars(list);
  const key = (x: unknown) => goValue((x as JsonMap)[mergeKey]);
  return list.map((x) => sortMergeLists(x as JsonMap, meta)).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

const cases = JSON.parse(readFileSync(new URL('./testdata/upstream-cases.json', import.meta.url), 'utf8')) as UpstreamCase[];

describe('strategic merge patch: upstream application cases (k8s.io/apimachinery patch_test.go)', () => {
  const meta = new SchemaPatchMeta(SCHEMA, DEFINITIONS);
  it(`carries over all ${cases.length} cases`, () => {
    assert.equal(cases.length, 256);
  });
  for (const c of cases) {
    it(`${c.table}: ${c.description} (${c.kind})`, () => {
      const sorted = c.table.endsWith('TestCaseData');
      const prep = (m: JsonMap) => (sorted ? sortMergeLists(structuredClone(m), meta) : structuredClone(m));
      const run = () => strategicMergePatch(prep(c.original), prep(c.patch), SCHEMA, DEFINITIONS);
      if (c.error !== undefined) {
        assert.throws(run, (e: unknown) => e instanceof Error && e.message.includes(c.error as string));
        return;
      }
      assert.deepEqual(run(), prep(c.expected ?? {}));
    });
  }
});
