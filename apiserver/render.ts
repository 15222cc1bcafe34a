/**
 * Response bodies other than the plain object: meta.k8s.io Tables (kubectl get) and metadata-only
 * PartialObjectMetadata[List] (garbage collector, namespace controller).
 */
import type { KubeList, KubeObject, ListMeta } from '../apimachinery/types.js';
import type { ResourceDescriptor } from '../registry/types.js';
import type { Rendering } from './negotiation.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

function partial(obj: KubeObject, version: string): KubeObject {
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: obj.metadata };
}

function listMeta(meta: ListMeta, remainingItemCount: boolean): ListMeta {
  const out: ListMeta = {};
  if (meta.resourceVersion !== undefined) out.resourceVersion = meta.resourceVersion;
  if (meta.continue) out.continue = meta.continue;
  if (remainingItemCount && meta.remainingItemCount !== undefined) out.remainingItemCount = meta.remainingItemCount;
  return out;
}

/** Table of `items`; `withColumns` false leaves out columnDefinitions (watch events after the first). */
export function toTable(
  d: ResourceDescriptor,
  items: readonly KubeObject[],
  meta: ListMeta,
  opts: { version: string; include: IncludeObject; withColumns: boolean },
): Record<string, unknown> {
  const rows = items.map((obj) => {
    const row: Record<string, unknown> = { cells: d.table.cells(obj) };
    if (opts.include === 'Object') row.object = obj;
    else if (opts.include === 'Metadata') row.object = partial(obj, opts.version);
    return row;
  });
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${opts.version}`,
    metadata: listMeta(meta, d.table.remainingItemCount === true),
    columnDefinitions: opts.withColumns ? d.table.columns : [],
    rows,
  };
}

/** Renders a single object as negotiated. */
export function renderObject(d: ResourceDescriptor, obj: KubeObject, r: Rendering, include: IncludeObject): unknown {
  if (r.kind === 'table') {
    return toTable(d, [obj], { resourceVersion: obj.metadata.resourceVersion ?? '' }, { version: r.version, include, withColumns: true });
  }
  if (r.kind === 'metadata') return partial(obj, r.version);
  return obj;
}

/** Renders a list as negotiated. */
export function renderList(d: ResourceDescriptor, list: KubeList, r: Rendering, include: IncludeObject): unknown {
  if (r.kind === 'table') return toTable(d, list.items, list.metadata, { version: r.version, include, withColumns: true });
  if (r.kind === 'metadata') {
    return {
      kind: 'PartialObjectMetadataList',
      apiVersion: `meta.k8s.io/${r.version}`,
      metadata: listMeta(list.metadata, true),
      items: list.items.map((o) => partial(o, r.version)),
    };
  }
  return list;
}
