/**
 * Schema of the Garden kind (operator.gardener.cloud/v1alpha1): the virtual cluster: domains, etcd, Kubernetes
 * components, maintenance and networking. Field names and types follow the upstream CRD; the descriptions are
 * our own.
 */
import type { Schema } from '../../../openapi/schema.js';
import { core, list, quantity, refTo, str, strList } from '../../shoot/schema/helpers.js';
import { auditWebhookSchema, gardenerSchema } from './gardener.js';
import { coreProperties, immutable, obj, objWith, rawObject } from './helpers.js';

/** `spec.virtualCluster.controlPlane` */
const controlPlaneSchema: Schema = obj(
  "General settings of the virtual cluster's control plane.",
  {
    highAvailability: { type: 'object', description: 'Runs the control plane highly available when present.' },
  },
);

/** `spec.virtualCluster.dns.domains[]` */
const dnsDomainsItemSchema: Schema = obj(
  'A DNS domain, optionally with the provider that manages it.',
  {
    name: { ...str('The domain name.'), minLength: 1 },
    provider: str('Name of a provider from spec.dns.providers; required when spec.dns is set.'),
  },
  ['name'],
);

/** `spec.virtualCluster.dns` */
const virtualClusterDnsSchema: Schema = obj(
  'DNS settings of the virtual cluster.',
  {
    domains: list(dnsDomainsItemSchema, 'External domains of the virtual cluster; the first one cannot be changed.', { minItems: 1 }),
  },
);

/** `spec.virtualCluster.etcd.{main,events}.storage` */
const storageSchema: Schema = obj(
  'Storage of this etcd.',
  {
    capacity: {
      ...quantity('Size of the volume (default 10Gi).'),
      default: '10Gi',
      pattern: '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$',
    },
    className: str('Name of the storage class of the volume.'),
  },
);

/** `spec.virtualCluster.etcd.events` */
const eventsSchema: Schema = obj(
  'Settings of the etcd that stores events.',
  {
    autoscaling: refTo(core('ControlPlaneAutoscaling'), 'Vertical autoscaling settings of this etcd.'),
    storage: storageSchema,
  },
);

/** `spec.virtualCluster.etcd.main.backup.secretRef` */
const backupSecretRefSchema: Schema = objWith(
  'Secret with the credentials for the object store.',
  {
    name: { ...str('Name of the Secret in the garden namespace.'), default: '' },
  },
  [],
  { 'x-kubernetes-map-type': 'atomic' },
);

/** `spec.virtualCluster.etcd.main.backup` */
const backupSchema: Schema = obj(
  'Object store for backups of this etcd.',
  {
    bucketName: immutable(str('Name of an existing bucket; gardener-operator manages a bucket when unset. Cannot be changed.'), 'BucketName is immutable'),
    provider: immutable(str('Provider of the object store. Cannot be changed.'), 'Provider is immutable'),
    providerConfig: rawObject('Provider-specific configuration handed to the BackupBucket.'),
    region: immutable(str("Region of the object store; the runtime cluster's region when unset. Cannot be changed."), 'Region is immutable'),
    secretRef: backupSecretRefSchema,
  },
  ['provider', 'secretRef'],
);

/** `spec.virtualCluster.etcd.main` */
const mainSchema: Schema = obj(
  'Settings of the etcd that stores the objects.',
  {
    autoscaling: refTo(core('ControlPlaneAutoscaling'), 'Vertical autoscaling settings of this etcd.'),
    backup: backupSchema,
    storage: storageSchema,
  },
);

/** `spec.virtualCluster.etcd` */
const etcdSchema: Schema = obj(
  "Settings of the virtual cluster's etcds.",
  {
    events: eventsSchema,
    main: mainSchema,
  },
);

/** `spec.virtualCluster.kubernetes.kubeAPIServer.authentication.webhook` */
const webhookSchema: Schema = obj(
  'A token review webhook.',
  {
    cacheTTL: { ...str('How long webhook answers are cached.'), pattern: '^([0-9]+(\\.[0-9]+)?(ns|us|\u00b5s|ms|s|m|h))+$' },
    kubeconfigSecretName: { ...str('Name of the Secret with the kubeconfig of the webhook.'), minLength: 1 },
    version: {
      ...str('API version used with the webhook: v1alpha1, v1beta1 (default) or v1.'),
      default: 'v1beta1',
      enum: ['v1alpha1', 'v1beta1', 'v1'],
    },
  },
  ['kubeconfigSecretName'],
);

/** `spec.virtualCluster.kubernetes.kubeAPIServer.authentication` */
const authenticationSchema: Schema = obj(
  'Authentication settings.',
  {
    webhook: webhookSchema,
  },
);

/** `spec.virtualCluster.kubernetes.kubeAPIServer.resourcesToStoreInETCDEvents[]` */
const resourcesToStoreInETCDEventsItemSchema: Schema = obj(
  'A resource of an API group.',
  {
    group: { ...str('API group of the resource.'), minLength: 1 },
    resource: { ...str('Name of the resource.'), minLength: 1 },
  },
  ['group', 'resource'],
);

/** `spec.virtualCluster.kubernetes.kubeAPIServer.sni` */
const sniSchema: Schema = obj(
  'TLS server name indication settings.',
  {
    domainPatterns: strList('Domains and IP addresses, optionally with leading wildcards, the certificate is served for.'),
    secretName: {
      ...str('Secret with the TLS certificate and key; a labelled secret in the garden namespace when unset.'),
      minLength: 1,
    },
  },
);

/** `spec.virtualCluster.kubernetes.kubeAPIServer` */
const kubeAPIServerSchema: Schema = obj(
  "Settings of the virtual cluster's kube-apiserver.",
  {
    ...coreProperties('KubeAPIServerConfig'),
    auditWebhook: auditWebhookSchema,
    authentication: authenticationSchema,
    resourcesToStoreInETCDEvents: list(
      resourcesToStoreInETCDEventsItemSchema,
      'Resources stored in the events etcd instead of the main one; events always are.',
    ),
    sni: sniSchema,
  },
);

/** `spec.virtualCluster.kubernetes.kubeControllerManager` */
const kubeControllerManagerSchema: Schema = obj(
  "Settings of the virtual cluster's kube-controller-manager.",
  {
    ...coreProperties('KubeControllerManagerConfig'),
    certificateSigningDuration: {
      ...str('Longest validity of signed certificates (default 48h).'),
      default: '48h',
      pattern: '^([0-9]+(\\.[0-9]+)?(ns|us|\u00b5s|ms|s|m|h))+$',
    },
  },
);

/** `spec.virtualCluster.kubernetes` */
const kubernetesSchema: Schema = obj(
  'Kubernetes version and component settings of the virtual cluster.',
  {
    kubeAPIServer: kubeAPIServerSchema,
    kubeControllerManager: kubeControllerManagerSchema,
    version: { ...str('Kubernetes version of the virtual cluster.'), minLength: 1 },
  },
  ['version'],
);

/** A bound of the maintenance window, `HHMMSS+ZZZZ` (unanchored, as the CRD's pattern). */
const TIME_WINDOW_BOUND = '([0-1][0-9]|2[0-3])[0-5][0-9][0-5][0-9]([+](0[0-9]|1[0-4])|[-](0[0-9]|1[0-2]))00';

/** `spec.virtualCluster.maintenance.timeWindow`: the core type with the CRD's patterns. */
const timeWindowSchema: Schema = obj(
  'Daily time window for maintenance.',
  {
    begin: { ...str('Start of the window, e.g. 220000+0100.'), pattern: TIME_WINDOW_BOUND },
    end: { ...str('End of the window, e.g. 230000+0100.'), pattern: TIME_WINDOW_BOUND },
  },
  ['begin', 'end'],
);

/** `spec.virtualCluster.maintenance` */
const maintenanceSchema: Schema = obj(
  'Maintenance settings of the virtual cluster.',
  {
    timeWindow: timeWindowSchema,
  },
  ['timeWindow'],
);

/** `spec.virtualCluster.networking` */
const virtualClusterNetworkingSchema: Schema = obj(
  'Network settings of the virtual cluster.',
  {
    services: { ...strList('IP ranges of services; entries may be added but not removed.'), minItems: 1 },
  },
  ['services'],
);

/** `spec.virtualCluster` */
export const virtualClusterSchema: Schema = obj(
  'Settings of the virtual cluster that serves the Gardener API.',
  {
    controlPlane: controlPlaneSchema,
    dns: virtualClusterDnsSchema,
    etcd: etcdSchema,
    gardener: gardenerSchema,
    kubernetes: kubernetesSchema,
    maintenance: maintenanceSchema,
    networking: virtualClusterNetworkingSchema,
  },
  ['dns', 'gardener', 'kubernetes', 'maintenance', 'networking'],
);
