/**
 * Patch metadata of a kind, read from its one schema: per field the patch strategies
 * (`x-kubernetes-patch-strategy`, e.g. `merge`, `retainKeys`, `merge,retainKeys`, `replace`) and the
 * merge key of lists of objects (`x-kubernetes-patch-merge-key`), as the Go struct tags
 * `patchStrategy` and `patchMergeKey` declare them upstream. Fields the schema does not describe
 * (free-form values, unknown keys) have no metadata: maps merge, lists are replaced.
 */
import { refName, type Definitions, type Schema } from '../../openapi/schema.js';

/** The patch metadata of one field. */
export interface PatchMeta {
  strategies: string[];
  mergeKey: string;
}

/** Where a patch is in the schema: the patch metadata of its fields. */
export interface PatchMetaLookup {
  /** Metadata of the map/object field `key`, and the lookup inside its value. */
  forStruct(key: string): { meta: PatchMeta; inner: PatchMetaLookup };
  /** Metadata of the list field `key`, and the lookup inside its elements. */
  forSlice(key: string): { meta: PatchMeta; inner: PatchMetaLookup };
  /** What Go would call the kind of this type (`struct`, `map`, `string`), for messages. */
  readonly name: string;
}

const NO_META: PatchMeta = { strategies: [], mergeKey: '' };

/** Metadata of a field site: its own extensions, or those of the definition it refers to. */
function metaOf(site: Schema | undefined, resolved: Schema | undefined): PatchMeta {
  const strategy = site?.['x-kubernetes-patch-strategy'] ?? resolved?.['x-kubernetes-patch-strategy'];
  const mergeKey = site?.['x-kubernetes-patch-merge-key'] ?? resolved?.['x-kubernetes-patch-merge-key'] ?? '';
  return { strategies: strategy === undefined || strategy === '' ? [] : strategy.split(','), mergeKey };
}

function goKindOf(s: Schema | undefined): string {
  if (s === undefined) return 'interface';
  if (s.properties !== undefined) return 'struct';
  if (s.type === 'object') return 'map';
  if (s.type === 'array') return 'slice';
  if (s.type === 'integer') return 'int64';
  if (s.type === 'number') return 'float64';
  if (s.type === 'boolean') return 'bool';
  return s.type ?? 'interface';
}

/** Patch metadata over a kind's schema and the definitions it references. */
export class SchemaPatchMeta implements PatchMetaLookup {
  readonly name: string;
  private readonly schema: Schema | undefined;

  /** @param schema the schema of the value (a `$ref` is resolved in `definitions`). */
  constructor(
    schema: Schema | undefined,
    private readonly definitions: Definitions,
  ) {
    this.schema = this.resolve(schema);
    this.name = goKindOf(this.schema);
  }

  private resolve(s: Schema | undefined): Schema | undefined {
    let cur = s;
    for (let i = 0; i < 32 && cur !== undefined; i++) {
      const name = refName(cur);
      if (name !== undefined) {
        cur = this.definitions[name];
        continue;
      }
      const only = cur.allOf?.length === 1 ? cur.allOf[0] : undefined;
      if (only === undefined) return cur;
      cur = only;
    }
    return cur;
  }

  private child(key: string): Schema | undefined {
    const s = this.schema;
    if (s === undefined) return undefined;
    const prop = s.properties?.[key];
    if (prop !== undefined) return prop;
    return typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
  }

  forStruct(key: string): { meta: PatchMeta; inner: PatchMetaLookup } {
    const site = this.child(key);
    if (site === undefined) return { meta: NO_META, inner: new SchemaPatchMeta(undefined, this.definitions) };
    return { meta: metaOf(site, this.resolve(site)), inner: new SchemaPatchMeta(site, this.definitions) };
  }

  forSlice(key: string): { meta: PatchMeta; inner: PatchMetaLookup } {
    const site = this.child(key);
    if (site === undefined) return { meta: NO_META, inner: new SchemaPatchMeta(undefined, this.definitions) };
    const resolved = this.resolve(site);
    // A field declared as one object but patched as a list (upstream allows a pointer there) has that
    // object as its element.
    const element = resolved?.items ?? (resolved?.type === 'array' ? undefined : resolved);
    return { meta: metaOf(site, resolved), inner: new SchemaPatchMeta(element, this.definitions) };
  }
}
