/**
 * How the generic store treats Gardens, a custom resource upstream: status only through the status
 * subresource (and on create it is dropped), everything else only through the main resource; the
 * generation follows changes outside metadata and status. A request body is decoded as kube-apiserver
 * decodes a custom resource (nulls dropped, the CRD's defaults), and the strategy validates what it
 * checks for one (metadata, the CRD's constraints, ratcheting on updates); gardener-operator's validating
 * webhook is the GardenValidator admission plugin, and its defaulting webhook is `applyDefaults`.
 * Neither webhook runs for the status subresource.
 */
import type { KubeObject } from '../../apimachinery/types.js';
import { decodeCustomResource, validateCrdRules } from '../generic/crd-rules.js';
import type { Strategy } from '../types.js';
import { applyGardenDefaults, GARDEN_RULES } from './defaults.js';
import { gardenDefinitions, gardenSchema } from './schema/index.js';
import { validateGardenMeta, validateGardenMetaUpdate } from './validation/index.js';

/** A request body as kube-apiserver decodes a Garden. */
function decodeGarden(garden: KubeObject): void {
  decodeCustomResource(garden, gardenSchema, gardenDefinitions, GARDEN_RULES);
}

/** kube-apiserver's update checks of a custom resource: metadata, then the schema with ratcheting. */
function validateGardenUpdate(garden: KubeObject, old: KubeObject): ReturnType<Strategy['validate']> {
  return [...validateGardenMetaUpdate(garden, old), ...validateCrdRules(garden, GARDEN_RULES, old)];
}

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
  decode: decodeGarden,
  applyDefaults: applyGardenDefaults,
  validate: (obj) => [...validateGardenMeta(obj), ...validateCrdRules(obj, GARDEN_RULES)],
  validateUpdate: validateGardenUpdate,
};

const { applyDefaults: _webhookDefaults, ...withoutDefaults } = gardenStrategy;

/** The strategy of `gardens/status`: only status changes; no defaulting or webhook validation. */
export const gardenStatusStrategy: Strategy = {
  ...withoutDefaults,
  prepareForUpdate: keepAllButStatus,
};
