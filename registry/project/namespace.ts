/**
 * The namespace of a Project as gardener-controller-manager keeps it: labels `gardener.cloud/role:
 * project` and `project.gardener.cloud/name: <project>`, annotation `namespace.gardener.cloud/project:
 * <project uid>`, phase Active, or Terminating (with the deletion timestamp) while the Project is being
 * deleted. Standalone mode serves these read-only, in place of a garden cluster's namespaces.
 */
import type { KubeObject } from '../../apimachinery/types.js';
import { nameBasedUID } from '../../apimachinery/uid.js';
import { ProjectNamespaceMeta, projectNamespace } from './types.js';

/** The `v1` Namespace of `project`, or undefined when it has no `spec.namespace`. */
export function namespaceOfProject(project: KubeObject): KubeObject | undefined {
  const name = projectNamespace(project);
  if (name === undefined || name === '') return undefined;
  const m = project.metadata;
  const metadata: KubeObject['metadata'] = {
    name,
    uid: nameBasedUID(`namespace/${m.uid ?? ''}/${name}`),
    resourceVersion: m.resourceVersion ?? '',
    creationTimestamp: m.creationTimestamp ?? null,
    labels: { [ProjectNamespaceMeta.RoleLabel]: 'project', [ProjectNamespaceMeta.ProjectNameLabel]: m.name ?? '' },
    annotations: { [ProjectNamespaceMeta.ProjectUIDAnnotation]: m.uid ?? '' },
  };
  const terminating = m.deletionTimestamp !== undefined;
  if (m.deletionTimestamp !== undefined) metadata.deletionTimestamp = m.deletionTimestamp;
  return { apiVersion: 'v1', kind: 'Namespace', metadata, spec: { finalizers: ['kubernetes'] }, status: { phase: terminating ? 'Terminating' : 'Active' } };
}
