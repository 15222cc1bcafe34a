/**
 * Group/resource handling as Gardener does it with `schema.ParseGroupResource`: the text is split at the
 * first dot into resource and group (`secrets` → {"", secrets}; `deployments.apps` → {apps, deployments};
 * `a.b.c` → {b.c, a}). Sets of resources are compared by parsed group/resource, so order, duplicates and a
 * trailing dot (`configmaps.` = `configmaps`) do not matter.
 */

/** A parsed `resource[.group]`. */
export interface GroupResource {
  group: string;
  resource: string;
}

/** Splits at the first `.`: everything before is the resource, everything after the group. */
export function parseGroupResource(text: string): GroupResource {
  const dot = text.indexOf('.');
  return dot < 0 ? { group: '', resource: text } : { group: text.slice(dot + 1), resource: text.slice(0, dot) };
}

/** `resource[.group]`, Kubernetes' GroupResource String(). */
export function groupResourceString(gr: GroupResource): string {
  return gr.group === '' ? gr.resource : `${gr.resource}.${gr.group}`;
}

/** The set key of a resource text: its parsed group/resource, printed. */
export function groupResourceKey(text: string): string {
  return groupResourceString(parseGroupResource(text));
}

/** The set of group/resources named by `resources` (absent = empty). */
export function groupResourceSet(resources: readonly string[] | undefined): Set<string> {
  return new Set((resources ?? []).map(groupResourceKey));
}

/** Whether two sets hold the same elements. */
export function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}
