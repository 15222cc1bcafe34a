/**
 * The Shoot kind's OpenAPI schema: the object itself (what `kubectl explain shoots` shows first) and every
 * named definition it reaches, under the upstream names
 * (`com.github.gardener.gardener.pkg.apis.core.v1beta1.<Type>`, `io.k8s.api.core.v1.Taint`, ...).
 */
import { API_VERSION_DESCRIPTION, KIND_DESCRIPTION, OBJECT_META } from '../../../openapi/meta.js';
import { refName, type Definitions, type Schema } from '../../../openapi/schema.js';
import { credentialsDefinitions } from './credentials.js';
import { core, refTo } from './helpers.js';
import { k8sDefinitions } from './k8s.js';
import { kubeapiserverDefinitions } from './kubeapiserver.js';
import { kubeletDefinitions } from './kubelet.js';
import { kubernetesDefinitions } from './kubernetes.js';
import { networkingDefinitions } from './networking.js';
import { providerDefinitions } from './provider.js';
import { specDefinitions } from './spec.js';
import { statusDefinitions } from './status.js';

/** Definition name of the Shoot kind. */
export const SHOOT_DEFINITION = core('Shoot');

/** Every core.gardener.cloud/v1beta1 type a Shoot reaches, plus the Kubernetes types they use. */
export const coreDefinitions: Definitions = {
  ...specDefinitions,
  ...networkingDefinitions,
  ...kubernetesDefinitions,
  ...kubeapiserverDefinitions,
  ...kubeletDefinitions,
  ...providerDefinitions,
  ...statusDefinitions,
  ...credentialsDefinitions,
  ...k8sDefinitions,
};

/** The Shoot kind's schema. */
export const shootSchema: Schema = {
  type: 'object',
  description:
    'A Kubernetes cluster managed by Gardener: its control plane runs in a namespace of a seed cluster, its ' +
    'worker nodes on the infrastructure of the chosen provider. Deleting a Shoot requires the annotation ' +
    'confirmation.gardener.cloud/deletion=true.',
  properties: {
    apiVersion: { type: 'string', description: API_VERSION_DESCRIPTION },
    kind: { type: 'string', description: KIND_DESCRIPTION },
    metadata: refTo(OBJECT_META, 'Standard object metadata. The name must be a DNS label without "--"; the namespace is the project namespace.'),
    spec: refTo(core('ShootSpec'), 'Desired state of the cluster; cannot be changed any more once its deletion has started.'),
    status: refTo(core('ShootStatus'), 'Observed state of the cluster, written by Gardener through the status subresource.'),
  },
  'x-kubernetes-group-version-kind': [{ group: 'core.gardener.cloud', version: 'v1beta1', kind: 'Shoot' }],
};

function collectRefs(schema: Schema, out: Set<string>): void {
  const name = refName(schema);
  if (name !== undefined) out.add(name);
  for (const p of Object.values(schema.properties ?? {})) collectRefs(p, out);
  if (typeof schema.additionalProperties === 'object') collectRefs(schema.additionalProperties, out);
  if (schema.items !== undefined) collectRefs(schema.items, out);
  for (const s of schema.allOf ?? []) collectRefs(s, out);
}

/**
 * The entries of `definitions` that `schema` reaches through `$ref`s, directly or through other entries.
 * References to names outside `definitions` (meta types) are left to the served meta definitions.
 */
export function definitionsReachedFrom(schema: Schema, definitions: Definitions): Definitions {
  const out: Definitions = {};
  const pending = new Set<string>();
  collectRefs(schema, pending);
  while (pending.size > 0) {
    const [name] = pending;
    if (name === undefined) break;
    pending.delete(name);
    const def = definitions[name];
    if (def === undefined || out[name] !== undefined) continue;
    out[name] = def;
    collectRefs(def, pending);
  }
  return out;
}

/** The definitions the Shoot kind references. */
export const shootDefinitions: Definitions = definitionsReachedFrom(shootSchema, coreDefinitions);
