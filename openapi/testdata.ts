/**
 * Small fake resources for the openapi tests: a namespaced `Widget` with a nested spec (lists, maps,
 * preserve-unknown, int-or-string, embedded objects), a status subresource and a create-only subresource
 * of another group's kind, plus a cluster-scoped `Gadget` with fewer verbs. Test-only.
 */
import { OBJECT_META } from './meta.js';
import type { OpenAPIResource } from './resource.js';
import { ref, type Schema } from './schema.js';

export const CORE_PKG = 'com.github.gardener.gardener.pkg.apis.core.v1beta1';
export const WIDGET_DEF = `${CORE_PKG}.Widget`;
export const WIDGET_SPEC_DEF = `${CORE_PKG}.WidgetSpec`;
export const WIDGET_ITEM_DEF = `${CORE_PKG}.WidgetItem`;
export const WIDGET_STATUS_DEF = `${CORE_PKG}.WidgetStatus`;
export const ADMIN_KUBECONFIG_DEF = 'com.github.gardener.gardener.pkg.apis.authentication.v1alpha1.AdminKubeconfigRequest';
export const GADGET_DEF = 'com.github.gardener.gardener.pkg.apis.operator.v1alpha1.Gadget';

const described = (s: Schema, description: string): Schema => ({ ...s, description });

const widgetItem: Schema = {
  type: 'object',
  description: 'One named entry of a widget.',
  required: ['name'],
  properties: {
    name: { type: 'string', description: 'Name of the entry.' },
    value: { type: 'string', description: 'Value of the entry.' },
  },
};

const widgetSpec: Schema = {
  type: 'object',
  description: 'The desired state of a widget.',
  properties: {
    replicas: { type: 'integer', format: 'int32', description: 'How many copies to run.', nullable: true },
    name: { type: 'string', description: 'A display name.' },
    items: { type: 'array', description: 'Named entries.', items: ref(WIDGET_ITEM_DEF), 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] },
    selector: { type: 'object', description: 'Labels to match.', additionalProperties: { type: 'string' } },
    byName: { type: 'object', description: 'Entries by name.', additionalProperties: ref(WIDGET_ITEM_DEF) },
    config: { type: 'object', description: 'Free configuration.', 'x-kubernetes-preserve-unknown-fields': true },
    raw: { type: 'object', description: 'An opaque embedded document.' },
    port: { 'x-kubernetes-int-or-string': true, description: 'A port number or name.' },
    nested: {
      type: 'object',
      description: 'Nested settings.',
      properties: {
        deep: { type: 'object', description: 'Deeper settings.', properties: { leaf: { type: 'boolean', description: 'A switch.' } } },
      },
    },
    template: {
      type: 'object',
      description: 'An embedded object.',
      'x-kubernetes-embedded-resource': true,
      properties: { spec: { type: 'object', description: 'Its spec.', properties: { x: { type: 'string', description: 'A value.' } } } },
    },
  },
};

/** The namespaced test kind. */
export const widget: OpenAPIResource = {
  group: 'core.gardener.cloud',
  version: 'v1beta1',
  kind: 'Widget',
  listKind: 'WidgetList',
  resource: 'widgets',
  namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: [
    { name: 'status', verbs: ['get', 'patch', 'update'] },
    { name: 'adminkubeconfig', verbs: ['create'], kind: { group: 'authentication.gardener.cloud', version: 'v1alpha1', kind: 'AdminKubeconfigRequest' } },
  ],
  definitionName: WIDGET_DEF,
  schema: {
    type: 'object',
    description: 'Widget is a test kind with a nested spec.',
    properties: {
      metadata: described(ref(OBJECT_META), 'Standard object metadata.'),
      spec: described(ref(WIDGET_SPEC_DEF), 'Specification of the widget.'),
      status: described(ref(WIDGET_STATUS_DEF), 'Most recently observed state.'),
      data: { type: 'object', description: 'Secret bytes by key.', additionalProperties: { type: 'string', format: 'byte' } },
    },
  },
  definitions: {
    [WIDGET_SPEC_DEF]: widgetSpec,
    [WIDGET_ITEM_DEF]: widgetItem,
    [WIDGET_STATUS_DEF]: { type: 'object', description: 'The observed state.', properties: { phase: { type: 'string', description: 'Phase.' } } },
    [ADMIN_KUBECONFIG_DEF]: {
      type: 'object',
      description: 'Asks for a short-lived admin kubeconfig.',
      properties: {
        apiVersion: { type: 'string', description: 'API version.' },
        kind: { type: 'string', description: 'Kind.' },
        metadata: described(ref(OBJECT_META), 'Standard object metadata.'),
        spec: { type: 'object', description: 'Request.', properties: { expirationSeconds: { type: 'integer', format: 'int64', description: 'Validity.' } } },
        status: { type: 'object', description: 'Result.', properties: { kubeconfig: { type: 'string', format: 'byte', description: 'The kubeconfig.' } } },
      },
      'x-kubernetes-group-version-kind': [{ group: 'authentication.gardener.cloud', kind: 'AdminKubeconfigRequest', version: 'v1alpha1' }],
    },
  },
};

/** The cluster-scoped test kind, referenced through `definitions`; no watch, no deletecollection. */
export const gadget: OpenAPIResource = {
  group: 'operator.gardener.cloud',
  version: 'v1alpha1',
  kind: 'Gadget',
  listKind: 'GadgetList',
  resource: 'gadgets',
  namespaced: false,
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update'],
  subresources: [],
  definitionName: GADGET_DEF,
  schema: ref(GADGET_DEF),
  definitions: {
    [GADGET_DEF]: {
      type: 'object',
      description: 'Gadget is a cluster-scoped test kind.',
      properties: {
        metadata: described(ref(OBJECT_META), 'Standard object metadata.'),
        spec: { type: 'object', description: 'Gadget settings.', properties: { size: { type: 'integer', description: 'Size.' } } },
      },
    },
  },
};

/** Every `$ref` string anywhere in `value`. */
export function refsIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refsIn(v, out);
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refsIn(v, out);
    }
  }
  return out;
}
