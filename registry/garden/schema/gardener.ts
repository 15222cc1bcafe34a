/**
 * Schema of the Garden kind (operator.gardener.cloud/v1alpha1): the Gardener control plane components of the
 * virtual cluster (except the dashboard). Field names and types follow the upstream CRD; the descriptions are
 * our own.
 */
import { API_VERSION_DESCRIPTION, KIND_DESCRIPTION } from '../../../openapi/meta.js';
import { ref, type Schema } from '../../../openapi/schema.js';
import {
  boolMap,
  core,
  duration,
  int32,
  int64,
  list,
  num,
  quantity,
  quantityMap,
  refTo,
  str,
  strList,
  strMap,
} from '../../shoot/schema/helpers.js';
import { gardenerDashboardSchema } from './dashboard.js';
import { immutable, obj, objWith } from './helpers.js';

/** `auditWebhook` of gardener-apiserver and of the virtual kube-apiserver. */
export const auditWebhookSchema: Schema = obj(
  'Sends audit events to a webhook.',
  {
    batchMaxSize: { ...int32('Largest number of events per batch (default 30).'), default: 30, minimum: 1 },
    kubeconfigSecretName: { ...str('Name of the Secret with the kubeconfig of the webhook.'), minLength: 1 },
    version: {
      ...str('API version of the audit events sent (audit.k8s.io/v1).'),
      default: 'audit.k8s.io/v1',
      enum: ['audit.k8s.io/v1'],
    },
  },
  ['kubeconfigSecretName'],
);

/** `spec.virtualCluster.gardener.gardenerAPIServer` */
const gardenerAPIServerSchema: Schema = obj(
  'Settings of gardener-apiserver.',
  {
    admissionPlugins: list(
      ref(core('AdmissionPlugin')),
      'Admission plugins of gardener-apiserver to enable or disable, with their configuration.',
    ),
    auditConfig: refTo(core('AuditConfig'), 'Audit logging settings.'),
    auditWebhook: auditWebhookSchema,
    encryptionConfig: refTo(
      core('EncryptionConfig'),
      'Encryption at rest of Gardener resources; the provider type must match the one of the kube-apiserver.',
    ),
    featureGates: boolMap('Feature gates to switch on (true) or off (false), by name.'),
    goAwayChance: {
      ...num('Probability (0 to 0.02) of closing an HTTP/2 connection with GOAWAY, to spread clients across replicas.'),
      minimum: 0,
      maximum: 0.02,
    },
    logging: refTo(core('APIServerLogging'), 'Log settings.'),
    requests: refTo(core('APIServerRequests'), 'Limits on concurrently processed requests.'),
    shootAdminKubeconfigMaxExpiration: duration(
      'Longest validity of kubeconfigs from shoots/adminkubeconfig, between 1h and 2^32 seconds (default 24h).',
    ),
    watchCacheSizes: refTo(core('WatchCacheSizes'), 'Watch cache sizes of gardener-apiserver.'),
  },
);

/** `spec.virtualCluster.gardener.gardenerAdmissionController.resourceAdmissionConfiguration.limits[]` */
const limitsItemSchema: Schema = obj(
  'A size or count limit for a set of resources.',
  {
    apiGroups: strList('API groups of the limited resources; "*" for all.'),
    apiVersions: strList('Versions of the limited resources; "*" for all.'),
    count: int64('Largest number of objects of the resource; cluster-scoped resources only.'),
    resources: strList('Limited resources; "*" for all.'),
    size: {
      ...quantity('Largest size of one object.'),
      pattern: '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$',
    },
  },
  ['resources'],
);

/** `spec.virtualCluster.gardener.gardenerAdmissionController.resourceAdmissionConfiguration.unrestrictedSubjects[]` */
const unrestrictedSubjectsItemSchema: Schema = objWith(
  'A user, group or service account.',
  {
    apiGroup: str('API group of the subject\'s kind: "" for ServiceAccount, rbac.authorization.k8s.io for User and Group.'),
    kind: str('Kind of subject: User, Group or ServiceAccount.'),
    name: str('Name of the subject.'),
    namespace: str('Namespace of a ServiceAccount subject.'),
  },
  ['kind', 'name'],
  { 'x-kubernetes-map-type': 'atomic' },
);

/** `spec.virtualCluster.gardener.gardenerAdmissionController.resourceAdmissionConfiguration` */
const resourceAdmissionConfigurationSchema: Schema = obj(
  'Size limits for resources of chosen kinds.',
  {
    limits: list(limitsItemSchema, 'The limits, each for a set of resources.'),
    operationMode: str('What happens when a limit is exceeded: block (default) or log.'),
    unrestrictedSubjects: list(unrestrictedSubjectsItemSchema, 'Users, groups and service accounts exempt from the limits.'),
  },
  ['limits'],
);

/** `spec.virtualCluster.gardener.gardenerAdmissionController` */
const gardenerAdmissionControllerSchema: Schema = obj(
  'Settings of gardener-admission-controller.',
  {
    logLevel: { ...str('Log level: info (default), debug or error.'), default: 'info', enum: ['info', 'debug', 'error'] },
    resourceAdmissionConfiguration: resourceAdmissionConfigurationSchema,
  },
);

/** `spec.virtualCluster.gardener.gardenerControllerManager.defaultProjectQuotas[].config.spec.scopeSelector.matchExpressions[]` */
const matchExpressionsItemSchema: Schema = obj(
  'One condition on a scope.',
  {
    operator: str('How the scope relates to the values: In, NotIn, Exists or DoesNotExist.'),
    scopeName: str('Name of the scope.'),
    values: { ...strList('Values to compare with; empty for Exists and DoesNotExist.'), 'x-kubernetes-list-type': 'atomic' },
  },
  ['operator', 'scopeName'],
);

/** `spec.virtualCluster.gardener.gardenerControllerManager.defaultProjectQuotas[].config.spec.scopeSelector` */
const scopeSelectorSchema: Schema = objWith(
  'Selects the objects the quota applies to by scope.',
  {
    matchExpressions: list(
      matchExpressionsItemSchema,
      'Scope requirements; all must hold.',
      { 'x-kubernetes-list-type': 'atomic' },
    ),
  },
  [],
  { 'x-kubernetes-map-type': 'atomic' },
);

/** `spec.virtualCluster.gardener.gardenerControllerManager.defaultProjectQuotas[].config.spec` */
const specSchema: Schema = obj(
  "The quota's limits.",
  {
    hard: quantityMap('Hard limit per resource name.'),
    scopeSelector: scopeSelectorSchema,
    scopes: { ...strList('Scopes every tracked object must match; all objects when empty.'), 'x-kubernetes-list-type': 'atomic' },
  },
);

/** `spec.virtualCluster.gardener.gardenerControllerManager.defaultProjectQuotas[].config.status` */
const statusSchema: Schema = obj(
  'Enforced limits and usage (not used for the set-up).',
  {
    hard: quantityMap('Enforced hard limit per resource name.'),
    used: quantityMap('Observed usage per resource name.'),
  },
);

/** `spec.virtualCluster.gardener.gardenerControllerManager.defaultProjectQuotas[].config` */
const configSchema: Schema = obj(
  'The ResourceQuota to create in the project namespace.',
  {
    apiVersion: str(API_VERSION_DESCRIPTION),
    kind: str(KIND_DESCRIPTION),
    metadata: { type: 'object', description: 'Object metadata of the ResourceQuota.' },
    spec: specSchema,
    status: statusSchema,
  },
);

/** `spec.virtualCluster.gardener.gardenerControllerManager.defaultProjectQuotas[].projectSelector.matchExpressions[]` */
const projectSelectorMatchExpressionsItemSchema: Schema = obj(
  'One condition on a label.',
  {
    key: str('Label key the condition is about.'),
    operator: str('How the label relates to the values: In, NotIn, Exists or DoesNotExist.'),
    values: { ...strList('Values to compare with; empty for Exists and DoesNotExist.'), 'x-kubernetes-list-type': 'atomic' },
  },
  ['key', 'operator'],
);

/** `spec.virtualCluster.gardener.gardenerControllerManager.defaultProjectQuotas[].projectSelector` */
const projectSelectorSchema: Schema = objWith(
  'Selects the projects by label; all projects when empty.',
  {
    matchExpressions: list(
      projectSelectorMatchExpressionsItemSchema,
      'Label requirements; all must hold.',
      { 'x-kubernetes-list-type': 'atomic' },
    ),
    matchLabels: strMap('Labels a project must have.'),
  },
  [],
  { 'x-kubernetes-map-type': 'atomic' },
);

/** `spec.virtualCluster.gardener.gardenerControllerManager.defaultProjectQuotas[]` */
const defaultProjectQuotasItemSchema: Schema = obj(
  'A quota and the projects it is set up for.',
  {
    config: configSchema,
    projectSelector: projectSelectorSchema,
  },
  ['config'],
);

/** `spec.virtualCluster.gardener.gardenerControllerManager` */
const gardenerControllerManagerSchema: Schema = obj(
  'Settings of gardener-controller-manager.',
  {
    defaultProjectQuotas: list(defaultProjectQuotasItemSchema, 'Quotas set up for matching projects that have none.'),
    featureGates: boolMap('Feature gates to switch on (true) or off (false), by name.'),
    logLevel: { ...str('Log level: info (default), debug or error.'), default: 'info', enum: ['info', 'debug', 'error'] },
  },
);

/** `spec.virtualCluster.gardener.gardenerDiscoveryServer.domain` */
const gardenerDiscoveryServerDomainSchema: Schema = obj(
  'Domain, and optionally DNS provider, of the discovery server instead of the ingress domains. Cannot be changed.',
  {
    name: { ...str('The domain name.'), minLength: 1 },
    provider: str('Name of a provider from spec.dns.providers; required when spec.dns is set.'),
  },
  ['name'],
);

/** `spec.virtualCluster.gardener.gardenerDiscoveryServer` */
const gardenerDiscoveryServerSchema: Schema = obj(
  'Settings of gardener-discovery-server; deployed when present and cannot be switched off again.',
  {
    domain: gardenerDiscoveryServerDomainSchema,
    tlsSecretName: str('Secret in the garden namespace with a trusted TLS certificate for the domain.'),
  },
);

/** `spec.virtualCluster.gardener.gardenerResourceManager` */
const gardenerResourceManagerSchema: Schema = obj(
  'Settings of the gardener-resource-manager of the virtual cluster.',
  {
    additionalTargetNamespaces: strList('Further namespaces the resource manager manages.'),
  },
);

/** `spec.virtualCluster.gardener.gardenerScheduler` */
const gardenerSchedulerSchema: Schema = obj(
  'Settings of gardener-scheduler.',
  {
    featureGates: boolMap('Feature gates to switch on (true) or off (false), by name.'),
    logLevel: { ...str('Log level: info (default), debug or error.'), default: 'info', enum: ['info', 'debug', 'error'] },
    strategy: {
      ...str('How candidate seeds are chosen for Shoots without a seed: SameRegion (default) or MinimalDistance.'),
      default: 'SameRegion',
      enum: ['SameRegion', 'MinimalDistance'],
    },
  },
);

/** `spec.virtualCluster.gardener` */
export const gardenerSchema: Schema = obj(
  'Settings of the Gardener control plane components.',
  {
    clusterIdentity: immutable({ ...str('Identity of the garden. Cannot be changed.'), minLength: 1 }, 'Value is immutable'),
    gardenerAPIServer: gardenerAPIServerSchema,
    gardenerAdmissionController: gardenerAdmissionControllerSchema,
    gardenerControllerManager: gardenerControllerManagerSchema,
    gardenerDashboard: gardenerDashboardSchema,
    gardenerDiscoveryServer: gardenerDiscoveryServerSchema,
    gardenerResourceManager: gardenerResourceManagerSchema,
    gardenerScheduler: gardenerSchedulerSchema,
  },
  ['clusterIdentity'],
);
