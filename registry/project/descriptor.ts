/**
 * Registration of `projects.core.gardener.cloud/v1beta1`: cluster-scoped, no short names or categories
 * (as upstream), subresource `status` with its own strategy, garbage-collection finalizers, field
 * selectors `metadata.name` and `spec.namespace`, protobuf and strategic merge patch like the other
 * core kinds.
 */
import type { KubeObject } from '../../apimachinery/types.js';
import type { ResourceDescriptor } from '../types.js';
import { PROJECT_DEFINITION, projectSchema, projectSchemaDefinitions } from './schema.js';
import { projectStatusStrategy, projectStrategy } from './strategy.js';
import { projectTable } from './table.js';
import { GROUP, KIND, projectNamespace, RESOURCE, VERSION } from './types.js';

/** Field selector values of a Project (`spec.namespace` "" when unset). */
export function projectSelectableFields(project: KubeObject): Record<string, string> {
  return { 'metadata.name': project.metadata.name ?? '', 'spec.namespace': projectNamespace(project) ?? '' };
}

/** The Project resource. */
export const projectResource: ResourceDescriptor = {
  group: GROUP,
  version: VERSION,
  kind: KIND,
  listKind: `${KIND}List`,
  resource: RESOURCE,
  singular: 'project',
  namespaced: false,
  shortNames: [],
  categories: [],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: [{ name: 'status', verbs: ['get', 'patch', 'update'], strategy: projectStatusStrategy }],
  table: projectTable,
  selectableFields: projectSelectableFields,
  definitionName: PROJECT_DEFINITION,
  schema: projectSchema,
  definitions: projectSchemaDefinitions,
  strategy: projectStrategy,
  garbageCollection: true,
  strategicMergePatch: true,
  protobuf: `github.com.gardener.gardener.pkg.apis.core.${VERSION}.${KIND}`,
};
