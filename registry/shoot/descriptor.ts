/**
 * Registration of `shoots.core.gardener.cloud/v1beta1`: namespaced, category `all`, no short names,
 * subresource `status` with its own strategy, garbage-collection finalizers, field selectors
 * `spec.seedName`, `status.seedName`, `spec.cloudProfileName`, `spec.cloudProfile.name`,
 * `spec.cloudProfile.kind`.
 */
import type { KubeObject } from '../../apimachinery/types.js';
import { field, nested, text } from '../encryptionconfig/types.js';
import { kubeconfigRequestDefinitions } from '../kubeconfig/schema.js';
import { KUBECONFIG_SUBRESOURCES } from '../kubeconfig/types.js';
import type { ResourceDescriptor } from '../types.js';
import { SHOOT_DEFINITION, shootDefinitions, shootSchema } from './schema/index.js';
import { shootBindingStrategy, shootStatusStrategy, shootStrategy } from './strategy.js';
import { shootTable } from './table.js';
import { GROUP, KIND, VERSION } from './types.js';

/** Field selector values of a Shoot (absent fields as ""). */
export function shootSelectableFields(shoot: KubeObject): Record<string, string> {
  const spec = field(shoot, 'spec');
  const cloudProfile = nested(shoot, 'spec', 'cloudProfile');
  return {
    'metadata.name': shoot.metadata.name ?? '',
    'metadata.namespace': shoot.metadata.namespace ?? '',
    'spec.seedName': text(spec, 'seedName') ?? '',
    'status.seedName': text(field(shoot, 'status'), 'seedName') ?? '',
    'spec.cloudProfileName': text(spec, 'cloudProfileName') ?? '',
    'spec.cloudProfile.Name': text(cloudProfile, 'name') ?? '',
    'spec.cloudProfile.Kind': text(cloudProfile, 'kind') ?? '',
  };
}

/** The Shoot resource. */
export const shootResource: ResourceDescriptor = {
  group: GROUP,
  version: VERSION,
  kind: KIND,
  listKind: `${KIND}List`,
  resource: 'shoots',
  singular: 'shoot',
  namespaced: true,
  shortNames: [],
  categories: ['all'],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: [
    { name: 'status', verbs: ['get', 'patch', 'update'], strategy: shootStatusStrategy },
    { name: 'binding', verbs: ['get', 'patch', 'update'], strategy: shootBindingStrategy },
    ...KUBECONFIG_SUBRESOURCES,
  ],
  table: shootTable,
  selectableFields: shootSelectableFields,
  definitionName: SHOOT_DEFINITION,
  schema: shootSchema,
  definitions: { ...shootDefinitions, ...kubeconfigRequestDefinitions },
  strategy: shootStrategy,
  garbageCollection: true,
  strategicMergePatch: true,
  protobuf: `github.com.gardener.gardener.pkg.apis.core.${VERSION}.${KIND}`,
};
