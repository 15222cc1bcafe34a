/**
 * Schemas (core.gardener.cloud/v1beta1): The kube-apiserver settings, including the encryption-at-rest
 * configuration. Field names and types follow the upstream API; the descriptions are our own.
 */
import { ref, type Definitions } from '../../../openapi/schema.js';
import {
  bool,
  boolMap,
  core,
  duration,
  int32,
  int64,
  list,
  mergeKey,
  obj,
  quantityMap,
  raw,
  refTo,
  str,
  strList,
} from './helpers.js';
import { OBJECT_REFERENCE } from './k8s.js';

/** Definitions of this area, keyed by upstream definition name. */
export const kubeapiserverDefinitions: Definitions = {
  [core('KubeAPIServerConfig')]: obj(
    'Settings of the kube-apiserver.',
    {
      featureGates: boolMap('Feature gates to switch on (true) or off (false), by name.'),
      admissionPlugins: list(
        ref(core('AdmissionPlugin')),
        'Admission plugins to enable or disable in addition to the ones Gardener manages, with their configuration.',
        mergeKey('name'),
      ),
      apiAudiences: strList('Audiences the service account token authenticator accepts; defaults to ["kubernetes"].'),
      auditConfig: refTo(core('AuditConfig'), 'Audit logging settings.'),
      runtimeConfig: boolMap('API groups/versions to switch on (true) or off (false), e.g. "scheduling.k8s.io/v1alpha1".'),
      serviceAccountConfig: refTo(core('ServiceAccountConfig'), 'Service account token settings.'),
      watchCacheSizes: refTo(core('WatchCacheSizes'), 'Watch cache sizes of the API server.'),
      requests: refTo(core('APIServerRequests'), 'Limits on concurrently processed requests.'),
      enableAnonymousAuthentication: bool(
        'Allows anonymous requests (--anonymous-auth). Deprecated in favour of the anonymous authenticator configuration.',
      ),
      eventTTL: duration('How long events are kept (default 1h, at most 24h).'),
      logging: refTo(core('APIServerLogging'), 'Log settings.'),
      defaultNotReadyTolerationSeconds: int64(
        'Seconds of the notReady:NoExecute toleration added to pods that have none (default 300).',
      ),
      defaultUnreachableTolerationSeconds: int64(
        'Seconds of the unreachable:NoExecute toleration added to pods that have none (default 300).',
      ),
      encryptionConfig: refTo(core('EncryptionConfig'), 'Encryption at rest of resources in etcd.'),
      structuredAuthentication: refTo(core('StructuredAuthentication'), 'Authentication configuration read from a ConfigMap.'),
      structuredAuthorization: refTo(core('StructuredAuthorization'), 'Authorization configuration read from a ConfigMap.'),
      autoscaling: refTo(core('ControlPlaneAutoscaling'), 'Vertical autoscaling settings of the kube-apiserver.'),
      tlsMinVersion: str('Lowest TLS version the API server accepts: VersionTLS12 or VersionTLS13.'),
    },
  ),
  [core('AdmissionPlugin')]: obj(
    'An extra admission plugin of the kube-apiserver and its configuration.',
    {
      name: str('Name of the admission plugin.'),
      config: raw('Plugin-specific configuration, passed to the plugin as given.'),
      disabled: bool('Switches off a plugin that would otherwise be enabled.'),
      kubeconfigSecretName: str(
        'Name of a Secret holding a kubeconfig for this plugin; the Secret must be listed in spec.resources.',
      ),
    },
    ['name'],
  ),
  [core('AuditConfig')]: obj(
    'Audit logging settings of the kube-apiserver.',
    {
      auditPolicy: refTo(core('AuditPolicy'), 'The audit policy to use.'),
    },
  ),
  [core('AuditPolicy')]: obj(
    'Where the audit policy of the kube-apiserver comes from.',
    {
      configMapRef: refTo(OBJECT_REFERENCE, "Reference to a ConfigMap in the Shoot's namespace that holds the audit policy."),
    },
  ),
  [core('ServiceAccountConfig')]: obj(
    'Service account token settings of the kube-apiserver.',
    {
      issuer: str("Issuer written into new service account tokens; defaults to the API server's URL."),
      extendTokenExpiration: bool('Extends the lifetime of admission-injected tokens to ease the move to bound tokens.'),
      maxTokenExpiration: duration('Longest validity of requested tokens, between 30d and 90d.'),
      acceptedIssuers: strList('Further issuers whose tokens are accepted but never issued.'),
    },
  ),
  [core('WatchCacheSizes')]: obj(
    'Watch cache sizes of an API server.',
    {
      default: int32(
        'Default watch cache size. Deprecated: the cache is sized automatically; not allowed from Kubernetes 1.35.',
      ),
      resources: list(ref(core('ResourceWatchCacheSize')), 'Watch cache sizes per resource (--watch-cache-sizes).'),
    },
  ),
  [core('ResourceWatchCacheSize')]: obj(
    'Watch cache size for one resource.',
    {
      apiGroup: str('API group of the resource; empty for the core group.'),
      resource: str('Lower-case plural name of the resource, e.g. secrets.'),
      size: int32('Watch cache size for the resource; 0 switches the cache off.'),
    },
    ['resource', 'size'],
  ),
  [core('APIServerRequests')]: obj(
    'Limits on the requests an API server processes at the same time.',
    {
      maxNonMutatingInflight: int32('Upper bound of read-only requests handled concurrently; further requests are rejected.'),
      maxMutatingInflight: int32('Upper bound of mutating requests handled concurrently; further requests are rejected.'),
    },
  ),
  [core('APIServerLogging')]: obj(
    'Log settings of an API server.',
    {
      verbosity: int32('Log level of the API server (klog -v). Gardener uses 2 when unset.'),
      httpAccessVerbosity: int32('Log level from which HTTP access logs are written.'),
    },
  ),
  [core('EncryptionConfig')]: obj(
    'Which resources the API server encrypts at rest, and how.',
    {
      resources: strList(
        'Resources to encrypt besides secrets, each as plural "resource" or "resource.group" (custom resources too); no wildcards.',
      ),
      provider: refTo(core('EncryptionProvider'), 'The encryption provider to use.'),
    },
    ['provider'],
  ),
  [core('EncryptionProvider')]: obj(
    'Chooses the encryption provider.',
    {
      type: str('Encryption provider: aescbc, aesgcm or secretbox. Defaults to aescbc.'),
    },
  ),
  [core('StructuredAuthentication')]: obj(
    'Authentication configuration of the kube-apiserver from a ConfigMap.',
    {
      configMapName: str("Name of the ConfigMap, in the Shoot's namespace, with the AuthenticationConfiguration."),
    },
    ['configMapName'],
  ),
  [core('StructuredAuthorization')]: obj(
    'Authorization configuration of the kube-apiserver from a ConfigMap.',
    {
      configMapName: str("Name of the ConfigMap, in the Shoot's namespace, with the AuthorizationConfiguration."),
      kubeconfigs: list(
        ref(core('AuthorizerKubeconfigReference')),
        'Kubeconfigs of the webhook authorizers in the configuration.',
      ),
    },
    ['configMapName', 'kubeconfigs'],
  ),
  [core('AuthorizerKubeconfigReference')]: obj(
    'Links a webhook authorizer of the authorization configuration to its kubeconfig.',
    {
      authorizerName: str('Name of the webhook authorizer in the authorization configuration.'),
      secretName: str('Name of the Secret holding the kubeconfig for this authorizer.'),
    },
    ['authorizerName', 'secretName'],
  ),
  [core('ControlPlaneAutoscaling')]: obj(
    'Vertical autoscaling settings of a control plane component.',
    {
      minAllowed: quantityMap(
        'Lower bounds of the resource requests that autoscaling may set, per resource name. Not defaulted.',
      ),
    },
    ['minAllowed'],
  ),
};
