/**
 * Registration of `gardens.operator.gardener.cloud/v1alpha1`: cluster-scoped, short name `grdn` as in
 * the CRD, subresource `status` with its own strategy.
 */
import type { KubeObject } from '../../apimachinery/types.js';
import type { ResourceDescriptor } from '../types.js';
import { GARDEN_DEFINITION, gardenDefinitions, gardenSchema, GROUP, KIND, VERSION } from './schema/index.js';
import { gardenStatusStrategy, gardenStrategy } from './strategy.js';
import { gardenTable } from './table.js';

/** Field selector values of a Garden: the metadata ones. */
export function gardenSelectableFields(garden: KubeObject): Record<string, string> {
  return { 'metadata.name': garden.metadata.name ?? '' };
}

/** The Garden resource. */
export const gardenResource: ResourceDescriptor = {
  group: GROUP,
  version: VERSION,
  kind: KIND,
  listKind: `${KIND}List`,
  resource: 'gardens',
  singular: 'garden',
  namespaced: false,
  shortNames: ['grdn'],
  categories: [],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: [{ name: 'status', verbs: ['get', 'patch', 'update'], strategy: gardenStatusStrategy }],
  table: gardenTable,
  selectableFields: gardenSelectableFields,
  definitionName: GARDEN_DEFINITION,
  schema: gardenSchema,
  definitions: gardenDefinitions,
  strategy: gardenStrategy,
  garbageCollection: true,
  strategicMergePatch: false,
  listItemsTyped: true,
};
