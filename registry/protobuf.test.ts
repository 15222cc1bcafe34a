/**
 * The one schema of each served kind and its protobuf message describe the same fields: every field the
 * schema validates and stores has a protobuf form, and every protobuf field survives the schema's
 * pruning, so an object keeps all of its data whichever encoding it travels in. And every field carries
 * the strategic-merge-patch metadata the Go types declare (`+patchStrategy`, `+patchMergeKey` in the
 * comments of the upstream `.proto` files), so strategic merge patches merge what upstream merges.
 */
import assert from 'node:assert/strict';
import protobuf from 'protobufjs';
import { SERVED_KINDS } from '../apiserver/resources-table.js';
import { GO_INLINE_FIELDS } from '../apimachinery/protobuf/go-fields.js';
import { PROTO_FILES, protoPath } from '../apimachinery/protobuf/descriptor-build.js';
import { PROTO_ROOT } from '../test/support/protoc.js';
import { loadDescriptorRoot } from '../apimachinery/protobuf/index.js';
import { isItemsWrapper } from '../apimachinery/protobuf/codec.js';
import { collectDefinitions, listDefinitionName } from '../openapi/definitions.js';
import { refName, type Definitions, type Schema } from '../openapi/schema.js';

const root = loadDescriptorRoot();

/** `+patchStrategy`/`+patchMergeKey` of every field of the upstream `.proto` files, by `<message>.<field>`. */
function upstreamPatchMeta(): Map<string, { strategy: string; mergeKey: string }> {
  const commented = new protobuf.Root();
  commented.resolvePath = protoPath(PROTO_ROOT);
  commented.loadSync(PROTO_FILES, { keepCase: true, alternateCommentMode: true });
  const out = new Map<string, { strategy: string; mergeKey: string }>();
  const visit = (ns: protobuf.NamespaceBase): void => {
    for (const n of ns.nestedArray) {
      if (n instanceof protobuf.Type) {
        for (const f of n.fieldsArray) {
          const strategy = /\+patchStrategy=(\S+)/.exec(f.comment ?? '')?.[1] ?? '';
          const mergeKey = /\+patchMergeKey=(\S+)/.exec(f.comment ?? '')?.[1] ?? '';
          if (strategy !== '' || mergeKey !== '') out.set(`${n.fullName.slice(1)}.${f.name}`, { strategy, mergeKey });
        }
      }
      if (n instanceof protobuf.Namespace || n instanceof protobuf.Type) visit(n);
    }
  };
  visit(commented);
  return out;
}

const PATCH_META = upstreamPatchMeta();

/** The field's patch metadata in the schema and upstream must agree. */
function comparePatchMeta(site: Schema, message: string, field: string, path: string, problems: string[]): void {
  const want = PATCH_META.get(`${message}.${field}`) ?? { strategy: '', mergeKey: '' };
  const resolved = resolve(site);
  const have = {
    strategy: site['x-kubernetes-patch-strategy'] ?? resolved['x-kubernetes-patch-strategy'] ?? '',
    mergeKey: site['x-kubernetes-patch-merge-key'] ?? resolved['x-kubernetes-patch-merge-key'] ?? '',
  };
  if (have.strategy !== want.strategy || have.mergeKey !== want.mergeKey) {
    problems.push(`${path}: patch strategy ${JSON.stringify(have)}, upstream ${JSON.stringify(want)}`);
  }
}
const defs: Definitions = collectDefinitions(SERVED_KINDS);

/** JSON forms of the messages the codec converts specially, as schemas describe them. */
const SPECIAL: Record<string, (s: Schema) => boolean> = {
  'k8s.io.apimachinery.pkg.apis.meta.v1.Time': (s) => s.type === 'string' && s.format === 'date-time',
  'k8s.io.apimachinery.pkg.apis.meta.v1.Duration': (s) => s.type === 'string',
  'k8s.io.apimachinery.pkg.api.resource.Quantity': (s) => s['x-kubernetes-int-or-string'] === true,
  'k8s.io.apimachinery.pkg.util.intstr.IntOrString': (s) => s['x-kubernetes-int-or-string'] === true,
  'k8s.io.apimachinery.pkg.runtime.RawExtension': (s) => s['x-kubernetes-preserve-unknown-fields'] === true || s.type === 'object',
  'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSON': (s) => s['x-kubernetes-preserve-unknown-fields'] === true,
  'k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1': (s) => s.type === 'object',
};

/** Protobuf fields the schemas leave out on purpose: list sharding (alpha upstream) is not served here. */
const NOT_SERVED = new Set(['k8s.io.apimachinery.pkg.apis.meta.v1.ListMeta.shardInfo']);

const SCALAR_TYPES: Record<string, Schema['type']> = { string: 'string', bytes: 'string', bool: 'boolean', int32: 'integer', int64: 'integer', double: 'number', float: 'number' };

function resolve(s: Schema): Schema {
  let cur = s;
  for (let name = refName(cur); name !== undefined; name = refName(cur)) {
    const next = defs[name];
    assert.ok(next !== undefined, `no definition ${name}`);
    cur = { ...next, ...(cur.description !== undefined && { description: cur.description }) };
    if (cur.$ref === s.$ref) break;
  }
  return cur.allOf?.length === 1 && cur.allOf[0] !== undefined ? resolve(cur.allOf[0]) : cur;
}

/** Fields of a message as JSON sees them: embedded structs' fields in their place. */
function jsonFields(t: protobuf.Type): Map<string, protobuf.Field> {
  const out = new Map<string, protobuf.Field>();
  const inline = GO_INLINE_FIELDS[t.fullName.slice(1)] ?? [];
  for (const f of t.fieldsArray) {
    f.resolve();
    if (inline.includes(f.name) && f.resolvedType instanceof protobuf.Type) for (const [k, v] of jsonFields(f.resolvedType)) out.set(k, v);
    else out.set(f.name, f);
  }
  return out;
}

/** Differences between `schema` and `field`'s element type at `path`. */
function compareElement(schema: Schema, field: protobuf.Field, path: string, problems: string[], seen: Set<string>): void {
  const s = resolve(schema);
  if (field.resolvedType instanceof protobuf.Type) compareMessage(s, field.resolvedType, path, problems, seen);
  else if (SCALAR_TYPES[field.type] !== s.type) problems.push(`${path}: schema type ${String(s.type)}, protobuf ${field.type}`);
}

function compareMessage(schema: Schema, t: protobuf.Type, path: string, problems: string[], seen: Set<string>): void {
  const name = t.fullName.slice(1);
  const special = SPECIAL[name];
  if (special !== undefined) {
    if (!special(schema)) problems.push(`${path}: schema ${JSON.stringify({ type: schema.type, format: schema.format })} does not fit ${name}`);
    return;
  }
  if (isItemsWrapper(t)) {
    const item = t.fieldsArray[0] as protobuf.Field;
    if (schema.type !== 'array' || schema.items === undefined) problems.push(`${path}: ${name} is a list`);
    else compareElement(schema.items, item, `${path}[]`, problems, seen);
    return;
  }
  const key = `${name} ${JSON.stringify(schema.properties === undefined ? null : Object.keys(schema.properties))}`;
  if (seen.has(key)) return;
  seen.add(key);
  const fields = jsonFields(t);
  const props = Object.keys(schema.properties ?? {}).filter((p) => p !== 'apiVersion' && p !== 'kind');
  for (const p of props) if (!fields.has(p)) problems.push(`${path}.${p}: in the schema, not in ${name}`);
  for (const [fname, f] of fields) {
    const child = schema.properties?.[fname];
    if (child === undefined && NOT_SERVED.has(`${name}.${fname}`)) continue;
    if (child === undefined) {
      problems.push(`${path}.${fname}: in ${name}, not in the schema`);
      continue;
    }
    comparePatchMeta(child, f.parent?.fullName.slice(1) ?? name, fname, `${path}.${fname}`, problems);
    const c = resolve(child);
    if (f.map) {
      const values = c.additionalProperties;
      if (typeof values !== 'object') problems.push(`${path}.${fname}: a map in protobuf`);
      else compareElement(values, f, `${path}.${fname}{}`, problems, seen);
    } else if (f.repeated) {
      if (c.type !== 'array' || c.items === undefined) problems.push(`${path}.${fname}: a list in protobuf`);
      else compareElement(c.items, f, `${path}.${fname}[]`, problems, seen);
    } else compareElement(c, f, `${path}.${fname}`, problems, seen);
  }
}

describe('schemas and protobuf messages', () => {
  for (const d of SERVED_KINDS) {
    if (d.protobuf === undefined) continue;
    const message = d.protobuf;
    it(`${d.kind}: the schema and ${message.split('.').pop()} have the same fields`, () => {
      const problems: string[] = [];
      const seen = new Set<string>();
      compareMessage(resolve({ $ref: `#/definitions/${d.definitionName}` }), root.lookupType(message), d.kind, problems, seen);
      compareMessage(resolve({ $ref: `#/definitions/${listDefinitionName(d)}` }), root.lookupType(`${message}List`), d.listKind, problems, seen);
      for (const sub of d.subresources) {
        if (sub.kind === undefined || sub.protobuf === undefined) continue;
        const def = Object.entries(defs).find(([, s]) => s['x-kubernetes-group-version-kind']?.some((g) => g.kind === sub.kind?.kind));
        assert.ok(def !== undefined, `no definition for ${sub.kind.kind}`);
        compareMessage(resolve(def[1]), root.lookupType(sub.protobuf), sub.kind.kind, problems, seen);
      }
      assert.deepEqual(problems, []);
    });
  }

  it('reports a field that only one side has, and a type that does not fit', () => {
    const problems: string[] = [];
    const schema: Schema = { type: 'object', properties: { type: { type: 'integer' }, immutable: { type: 'boolean' }, extra: { type: 'string' } } };
    compareMessage(schema, root.lookupType('github.com.gardener.gardener.pkg.apis.core.v1beta1.InternalSecret'), 'X', problems, new Set());
    assert.deepEqual(problems.sort(), [
      'X.data: in github.com.gardener.gardener.pkg.apis.core.v1beta1.InternalSecret, not in the schema',
      'X.extra: in the schema, not in github.com.gardener.gardener.pkg.apis.core.v1beta1.InternalSecret',
      'X.metadata: in github.com.gardener.gardener.pkg.apis.core.v1beta1.InternalSecret, not in the schema',
      'X.stringData: in github.com.gardener.gardener.pkg.apis.core.v1beta1.InternalSecret, not in the schema',
      'X.type: schema type integer, protobuf string',
    ]);
  });

  it('Garden has no protobuf message, as a custom resource', () => {
    assert.equal(SERVED_KINDS.find((d) => d.kind === 'Garden')?.protobuf, undefined);
  });
});
