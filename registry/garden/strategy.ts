/**
 * How the generic store treats Gardens, a custom resource upstream: status only through the status
 * subresource (and on create it is dropped), everything else only through the main resource; the
 * generation follows changes outside metadata and status. The strategy validates what kube-apiserver
 * checks for a custom resource (metadata); gardener-operator's validating webhook is the GardenValidator
 * admission plugin, and its defaulting webhook is `applyDefaults`. Neither runs for the status subresource.
 */
import type { KubeObject } from '../../apimachinery/types.js';
import type { Strategy } from '../types.js';
import { applyGardenDefaults } from './defaults.js';
import { validateGardenMeta, validateGardenMetaUpdate } from './validation/index.js';

/** Replaces everything of `obj` except metadata and status by the stored values. */
function keepAllButStatus(obj: KubeObject, old: KubeObject): void {
  for (const key of Object.keys(obj)) if (key !== 'metadata' && key !== 'status' && key !== 'apiVersion' && key !== 'kind') delete obj[key];
  for (const [key, value] of Object.entries(old)) {
    if (key !== 'metadata' && key !== 'status' && key !== 'apiVersion' && key !== 'kind') obj[key] = structuredClone(value);
  }
}

/** The Garden strategy. */
export const gardenStrategy: Strategy = {
  allowCreateOnUpdate: false,
  allowUnconditionalUpdate: false,
  tracksGeneration: true,
  prepareForCreate(obj) {
    delete obj.status;
  },
  prepareForUpdate(obj, old) {
    if (old.status === undefined) delete obj.status;
    else obj.status = structuredClone(old.status);
  },
  applyDefaults: applyGardenDefaults,
  validate: (obj) => validateGardenMeta(obj),
  validateUpdate: (obj, old) => validateGardenMetaUpdate(obj, old),
};

const { applyDefaults: _webhookDefaults, ...withoutDefaults } = gardenStrategy;

/** The strategy of `gardens/status`: only status changes; no defaulting or webhook validation. */
export const gardenStatusStrategy: Strategy = {
  ...withoutDefaults,
  prepareForUpdate: keepAllButStatus,
  validateUpdate: (obj, old) => validateGardenMetaUpdate(obj, old),
};
