/**
 * NamespaceLifecycle: nothing is created in a namespace that does not exist or is being terminated in
 * the garden cluster, subresources included (no kubeconfig is issued for a Shoot of a namespace being
 * deleted). Without a namespace source (standalone mode) the plugin has nothing to check.
 */
import { forbidden, notFound } from '../../apimachinery/errors.js';
import type { AdmissionDeps, AdmissionPlugin } from '../types.js';

export const NAMESPACE_LIFECYCLE = 'NamespaceLifecycle';

/** The plugin; `deps.namespaces` reads the garden cluster's namespaces (from an informer). */
export function namespaceLifecycle(deps: AdmissionDeps): AdmissionPlugin {
  return {
    name: NAMESPACE_LIFECYCLE,
    operations: ['CREATE'],
    async validate(attrs) {
      const source = deps.namespaces;
      if (source === undefined || !attrs.resource.namespaced || attrs.namespace === '') return;
      const ns = await source.get(attrs.namespace);
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
