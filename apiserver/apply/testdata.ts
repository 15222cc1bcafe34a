/**
 * A test kind with every list and map flavour server-side apply distinguishes, and helpers to build
 * its objects. Only the unit tests use it.
 */
import type { KubeObject } from '../../apimachinery/types.js';
import { OBJECT_META } from '../../openapi/meta.js';
import { ref, type Schema } from '../../openapi/schema.js';
import type { FieldManagerKind } from './fieldmanager.js';

const str: Schema = { type: 'string' };
const int: Schema = { type: 'integer' };

const spec: Schema = {
  type: 'object',
  properties: {
    replicas: int,
    paused: { type: 'boolean' },
    args: { type: 'array', items: str },
    tags: { type: 'array', items: str, 'x-kubernetes-list-type': 'set' },
    ports: {
      type: 'array',
      items: ref('test.Port'),
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['port', 'protocol'],
    },
    containers: {
      type: 'array',
      items: ref('test.Container'),
      'x-kubernetes-patch-strategy': 'merge',
      'x-kubernetes-patch-merge-key': 'name',
    },
    selector: {
      type: 'object',
      properties: { matchLabels: { type: 'object', additionalProperties: str } },
      'x-kubernetes-map-type': 'atomic',
    },
    env: { type: 'object', additionalProperties: str },
    frozen: { type: 'object', additionalProperties: str, 'x-kubernetes-map-type': 'atomic' },
    config: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    child: ref('test.Spec'),
  },
};

/** The test kind `Widget` in `test.gardener.cloud/v1`. */
export const widgetKind: FieldManagerKind = {
  group: 'test.gardener.cloud',
  version: 'v1',
  kind: 'Widget',
  schema: {
    type: 'object',
    properties: {
      apiVersion: str,
      kind: str,
      metadata: ref(OBJECT_META),
      spec: ref('test.Spec'),
      status: { type: 'object', properties: { phase: str } },
    },
  },
  definitions: {
    'test.Spec': spec,
    'test.Port': { type: 'object', properties: { port: int, protocol: str, name: str } },
    'test.Container': {
      type: 'object',
      properties: { name: str, image: str, args: { type: 'array', items: str } },
    },
  },
};

export const WIDGET_API_VERSION = 'test.gardener.cloud/v1';

/** An applied configuration of a Widget named `w` in `default`. */
export function widget(specFields: Record<string, unknown>, metadata: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: WIDGET_API_VERSION,
    kind: 'Widget',
    metadata: { name: 'w', namespace: 'default', ...metadata },
    spec: specFields,
  };
}

/** `obj` as the store returns it after a write: system metadata set. */
export function stored(obj: KubeObject, rv = '1'): KubeObject {
  return {
    ...structuredClone(obj),
    metadata: { ...structuredClone(obj.metadata), uid: 'uid-1', resourceVersion: rv, creationTimestamp: '2024-01-01T00:00:00Z' },
  };
}

/** Times used by the tests, one per step. */
export const T1 = '2024-01-01T00:00:01Z';
export const T2 = '2024-01-01T00:00:02Z';
export const T3 = '2024-01-01T00:00:03Z';
export const T4 = '2024-01-01T00:00:04Z';
