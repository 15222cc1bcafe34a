/**
 * NamespaceLifecycle: nothing is created in a namespace that does not exist or is being terminated in
 * the garden cluster, subresources included (no kubeconfig is issued for a Shoot of a namespace being
 * deleted). A namespace the cache does not have is looked for again after 50 ms, then read from the
 * garden cluster, as kube-apiserver's plugin does. Without a namespace source (standalone mode) the
 * plugin has nothing to check.
 */
import { forbidden, notFound } from '../../apimachinery/errors.js';
import type { AdmissionDeps, AdmissionPlugin, NamespaceSource, NamespaceState } from '../types.js';

export const NAMESPACE_LIFECYCLE = 'NamespaceLifecycle';

/** Time a namespace missing from the cache is given to arrive there before it is read live. */
const MISSING_NAMESPACE_WAIT_MS = 50;

/**
 * The namespace as kube-apiserver's plugin finds it for a create: from the cache, from the cache again
 * after a short wait (a namespace created just before is on its way to the informer), then from its
 * cluster, so that a create right after its namespace's is not refused by a lagging replica.
 */
async function lookup(source: NamespaceSource, name: string): Promise<NamespaceState | undefined> {
  const cached = await source.get(name);
  if (cached !== undefined) return cached;
  await new Promise((resolve) => setTimeout(resolve, MISSING_NAMESPACE_WAIT_MS));
  return (await source.get(name)) ?? (await source.getLive?.(name));
}

/** The plugin; `deps.namespaces` reads the garden cluster's namespaces (from an informer). */
export function namespaceLifecycle(deps: AdmissionDeps): AdmissionPlugin {
  return {
    name: NAMESPACE_LIFECYCLE,
    operations: ['CREATE'],
    async validate(attrs) {
      const source = deps.namespaces;
      if (source === undefined || !attrs.resource.namespaced || attrs.namespace === '') return;
      const ns = await lookup(source, attrs.namespace);
      if (ns === undefined) throw notFound({ group: '', resource: 'namespaces' }, attrs.namespace);
      if (ns.phase === 'Terminating' || ns.deletionTimestamp !== undefined) {
        const gr = { group: attrs.resource.group, resource: attrs.resource.resource };
        // A subresource's create (a kubeconfig request) names the object it belongs to.
        const name = attrs.subresource === '' ? (attrs.object?.metadata.name ?? attrs.name) : attrs.name;
        const err = forbidden(gr, name, `unable to create new content in namespace ${attrs.namespace} because it is being terminated`);
        err.status.details = { ...err.status.details, causes: [{ reason: 'NamespaceTerminating', message: `namespace ${attrs.namespace} is being terminated`, field: 'metadata.namespace' }] };
        throw err;
      }
    },
  };
}
