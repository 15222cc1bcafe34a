/**
 * ResourceReferenceManager (Gardener's plugin of that name), the part about objects this server holds:
 * a Project may not claim the namespace of another Project, on create or when its `spec.namespace` is
 * first set (it cannot change afterwards). The members of a Project get their rights in its namespace,
 * so a second Project on the same namespace would hand them someone else's shoots. Updates of a Project
 * being deleted are left alone. The plugin's checks of references to objects this server does not
 * serve (Secrets, Quotas, CloudProfiles, Seeds, ...) are made by Gardener's own.
 */
import { forbidden } from '../../apimachinery/errors.js';
import { projectNamespace, RESOURCE } from '../../registry/project/types.js';
import type { AdmissionDeps, AdmissionPlugin } from '../types.js';

export const RESOURCE_REFERENCE_MANAGER = 'ResourceReferenceManager';
const PROJECTS = { group: 'core.gardener.cloud', resource: RESOURCE };

/**
 * The plugin; `deps.projectForNamespace` finds a Project using the namespace (on create the Project is
 * not stored yet, and on the update that sets `spec.namespace` its stored form has none).
 */
export function resourceReferenceManager(deps: AdmissionDeps): AdmissionPlugin {
  return {
    name: RESOURCE_REFERENCE_MANAGER,
    operations: ['CREATE', 'UPDATE'],
    async validate(attrs) {
      const project = attrs.object;
      if (attrs.resource.group !== PROJECTS.group || attrs.resource.resource !== PROJECTS.resource || project === undefined) return;
      if (project.kind !== undefined && project.kind !== 'Project') return;
      if (attrs.operation === 'UPDATE' && (project.metadata.deletionTimestamp !== undefined || projectNamespace(attrs.oldObject ?? project) !== undefined)) return;
      const namespace = projectNamespace(project);
      if (namespace === undefined) return;
      const name = project.metadata.name ?? attrs.name;
      const user = await deps.projectForNamespace(namespace);
      if (user !== undefined && user.metadata.name !== name) {
        throw forbidden(PROJECTS, name, `namespace ${JSON.stringify(namespace)} is already used by another project`);
      }
    },
  };
}
