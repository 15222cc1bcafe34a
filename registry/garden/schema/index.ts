/**
 * The Garden kind's OpenAPI schema (operator.gardener.cloud/v1alpha1), after the upstream CRD: the
 * operator types are inline as in the CRD, the core.gardener.cloud/v1beta1 types the Garden embeds
 * (KubeAPIServerConfig fields, EncryptionConfig, Condition, LastOperation, ...) are shared with the Shoot
 * schema by reference.
 */
import { API_VERSION_DESCRIPTION, KIND_DESCRIPTION, OBJECT_META } from '../../../openapi/meta.js';
import { ref, type Definitions, type Schema } from '../../../openapi/schema.js';
import { core, list, obj, refTo, str } from '../../shoot/schema/helpers.js';
import { coreDefinitions, definitionsReachedFrom } from '../../shoot/schema/index.js';
import { dnsSchema, extensionsItemSchema, runtimeClusterSchema } from './runtime.js';
import { gardenStatusSchema } from './status.js';
import { virtualClusterSchema } from './virtual.js';

export const GROUP = 'operator.gardener.cloud';
export const VERSION = 'v1alpha1';
export const KIND = 'Garden';

/** Definition name of the Garden kind. */
export const GARDEN_DEFINITION = 'com.github.gardener.gardener.pkg.apis.operator.v1alpha1.Garden';

const gardenSpecSchema: Schema = obj(
  'Desired state of the garden.',
  {
    dns: dnsSchema,
    extensions: list(extensionsItemSchema, 'Extensions to deploy for the garden.'),
    resources: list(ref(core('NamedResourceReference')), 'Resources that extension configurations refer to by name.'),
    runtimeCluster: runtimeClusterSchema,
    virtualCluster: virtualClusterSchema,
  },
  ['runtimeCluster', 'virtualCluster'],
);

/** The Garden kind's schema. */
export const gardenSchema: Schema = {
  ...obj(
    'The garden: the runtime cluster that hosts Gardener and the virtual cluster that serves the Gardener API, ' +
      'reconciled by gardener-operator. A landscape has one.',
    {
      apiVersion: str(API_VERSION_DESCRIPTION),
      kind: str(KIND_DESCRIPTION),
      metadata: refTo(OBJECT_META, 'Standard object metadata; a Garden is cluster-scoped.'),
      spec: gardenSpecSchema,
      status: gardenStatusSchema,
    },
  ),
  'x-kubernetes-group-version-kind': [{ group: GROUP, version: VERSION, kind: KIND }],
};

/** The named definitions the Garden schema references (core types and the Kubernetes types they use). */
export const gardenDefinitions: Definitions = definitionsReachedFrom(gardenSchema, coreDefinitions);
