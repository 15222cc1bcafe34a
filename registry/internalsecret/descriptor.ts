/**
 * Registration of `internalsecrets.core.gardener.cloud`: namespaced, short name `ins`, no categories,
 * no subresources, foreground and orphan deletions left to the garbage collector (its finalizers), field selector `type`.
 */
import type { KubeObject } from '../../apimachinery/types.js';
import type { ResourceDescriptor } from '../types.js';
import { INTERNAL_SECRET_DEFINITION, internalSecretSchema } from './schema.js';
import { internalSecretStrategy } from './strategy.js';
import { internalSecretTable } from './table.js';
import { asInternalSecret, GROUP, KIND, VERSION } from './types.js';

/** Field selector values of an object: the metadata ones and `type`. */
function selectableFields(obj: KubeObject): Record<string, string> {
  const secret = asInternalSecret(obj);
  return {
    'metadata.name': secret.metadata.name ?? '',
    'metadata.namespace': secret.metadata.namespace ?? '',
    type: typeof secret.type === 'string' ? secret.type : '',
  };
}

/** The InternalSecret resource. */
export const internalSecretResource: ResourceDescriptor = {
  group: GROUP,
  version: VERSION,
  kind: KIND,
  listKind: `${KIND}List`,
  resource: 'internalsecrets',
  singular: 'internalsecret',
  namespaced: true,
  shortNames: ['ins'],
  categories: [],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: [],
  table: internalSecretTable,
  selectableFields,
  definitionName: INTERNAL_SECRET_DEFINITION,
  schema: internalSecretSchema,
  definitions: {},
  strategy: internalSecretStrategy,
  garbageCollection: true,
  strategicMergePatch: true,
  protobuf: `github.com.gardener.gardener.pkg.apis.core.${VERSION}.${KIND}`,
};
