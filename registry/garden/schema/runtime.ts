/**
 * Schema of the Garden kind (operator.gardener.cloud/v1alpha1): DNS providers, extensions and the runtime
 * cluster. Field names and types follow the upstream CRD; the descriptions are our own.
 */
import type { Schema } from '../../../openapi/schema.js';
import { bool, boolMap, list, quantity, quantityMap, str, strList, strMap } from '../../shoot/schema/helpers.js';
import { obj, objWith, rawObject } from './helpers.js';

/** `spec.dns.providers[].secretRef` */
const secretRefSchema: Schema = objWith(
  'Secret with the credentials of the DNS provider.',
  {
    name: { ...str('Name of the Secret in the garden namespace.'), default: '' },
  },
  [],
  { 'x-kubernetes-map-type': 'atomic' },
);

/** `spec.dns.providers[]` */
const providersItemSchema: Schema = obj(
  "A DNS provider for records of the garden's domains.",
  {
    name: { ...str('Name by which domains refer to this provider.'), minLength: 1 },
    providerConfig: rawObject('Provider-specific configuration handed to the DNSRecord resources.'),
    secretRef: secretRefSchema,
    type: { ...str('Type of the DNS provider, e.g. aws-route53.'), minLength: 1 },
  },
  ['name', 'secretRef', 'type'],
);

/** `spec.dns` */
export const dnsSchema: Schema = obj(
  "DNS providers used for the garden's domains.",
  {
    providers: list(providersItemSchema, 'The DNS providers; at least one.', { minItems: 1 }),
  },
  ['providers'],
);

/** `spec.extensions[]` */
export const extensionsItemSchema: Schema = obj(
  'An extension of the garden.',
  {
    providerConfig: rawObject('Configuration handed to the extension.'),
    type: { ...str('Type of the extension resource.'), minLength: 1 },
  },
  ['type'],
);

/** `spec.runtimeCluster.ingress.controller` */
const controllerSchema: Schema = obj(
  'The ingress controller Gardener manages for the ingress domains.',
  {
    kind: { ...str('Kind of ingress controller; only nginx is supported.'), enum: ['nginx'] },
    providerConfig: rawObject('Provider-specific configuration of the ingress controller.'),
  },
  ['kind'],
);

/** `spec.runtimeCluster.ingress.domains[]` */
const domainsItemSchema: Schema = obj(
  'A DNS domain, optionally with the provider that manages it.',
  {
    name: { ...str('The domain name.'), minLength: 1 },
    provider: str('Name of a provider from spec.dns.providers; required when spec.dns is set.'),
  },
  ['name'],
);

/** `spec.runtimeCluster.ingress` */
const ingressSchema: Schema = obj(
  'Ingress settings of the runtime cluster.',
  {
    controller: controllerSchema,
    domains: list(
      domainsItemSchema,
      'Domains pointing to the ingress controller, used for the URLs of system components; the first one cannot be changed.',
      { minItems: 1 },
    ),
  },
  ['controller'],
);

/** `spec.runtimeCluster.networking` */
const networkingSchema: Schema = obj(
  'Network settings of the runtime cluster.',
  {
    blockCIDRs: strList('IP ranges that traffic must not reach.'),
    ipFamilies: strList('IP families of the runtime cluster: IPv4 (default), IPv6 or both. Cannot be changed.'),
    nodes: strList('IP ranges of the nodes; entries may be added but not removed.'),
    pods: { ...strList('IP ranges of pods; entries may be added but not removed.'), minItems: 1 },
    services: { ...strList('IP ranges of services; entries may be added but not removed.'), minItems: 1 },
  },
  ['pods', 'services'],
);

/** `spec.runtimeCluster.provider` */
const providerSchema: Schema = obj(
  'Where the runtime cluster runs.',
  {
    region: str('Region of the runtime cluster.'),
    zones: strList('Availability zones of the runtime cluster.'),
  },
);

/** `spec.runtimeCluster.settings.loadBalancerServices.proxyProtocol` */
const proxyProtocolSchema: Schema = obj(
  'Whether load balancers may use the PROXY protocol; not allowed when unset.',
  {
    allowed: bool('Allows the PROXY protocol; only enable it when the load balancer supports it.'),
  },
  ['allowed'],
);

/** `spec.runtimeCluster.settings.loadBalancerServices` */
const loadBalancerServicesSchema: Schema = obj(
  'Settings for Services of type LoadBalancer in the runtime cluster.',
  {
    annotations: strMap('Annotations added to every load balancer Service.'),
    externalTrafficPolicy: str('externalTrafficPolicy of the load balancer Services: Cluster or Local.'),
    proxyProtocol: proxyProtocolSchema,
  },
);

/** `spec.runtimeCluster.settings.persistentVolumeClaimAutoscaler` */
const persistentVolumeClaimAutoscalerSchema: Schema = obj(
  'Settings of the PVC autoscaler in the runtime cluster.',
  {
    enabled: bool('Whether the PVC autoscaler is deployed into the garden namespace.'),
  },
  ['enabled'],
);

/** `spec.runtimeCluster.settings.topologyAwareRouting` */
const topologyAwareRoutingSchema: Schema = obj(
  'Topology-aware routing of traffic to control plane Services.',
  {
    enabled: bool("Makes selected Services prefer endpoints in the caller's zone; needs a multi-zone runtime cluster."),
  },
  ['enabled'],
);

/** `spec.runtimeCluster.settings.verticalPodAutoscaler` */
const verticalPodAutoscalerSchema: Schema = obj(
  'Settings of the vertical pod autoscaler in the runtime cluster.',
  {
    enabled: {
      ...bool('Whether gardener-operator deploys the vertical pod autoscaler (default true); set false when one is already present.'),
      default: true,
    },
    featureGates: boolMap('Feature gates of the vertical pod autoscaler components.'),
    maxAllowed: quantityMap('Upper bounds of the recommendations, per resource name.'),
  },
);

/** `spec.runtimeCluster.settings` */
const settingsSchema: Schema = obj(
  'Optional behaviour of the runtime cluster.',
  {
    loadBalancerServices: loadBalancerServicesSchema,
    persistentVolumeClaimAutoscaler: persistentVolumeClaimAutoscalerSchema,
    topologyAwareRouting: topologyAwareRoutingSchema,
    verticalPodAutoscaler: verticalPodAutoscalerSchema,
  },
);

/** `spec.runtimeCluster.volume` */
const volumeSchema: Schema = obj(
  'Settings of persistent volumes in the runtime cluster.',
  {
    minimumSize: {
      ...quantity('Smallest size of PVCs created in the runtime cluster.'),
      pattern: '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$',
    },
  },
);

/** `spec.runtimeCluster` */
export const runtimeClusterSchema: Schema = obj(
  'Settings of the cluster gardener-operator runs in and deploys the garden into.',
  {
    ingress: ingressSchema,
    networking: networkingSchema,
    provider: providerSchema,
    settings: settingsSchema,
    volume: volumeSchema,
  },
  ['ingress', 'networking', 'provider'],
);
