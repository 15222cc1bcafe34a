/**
 * Command-line flags, Kubernetes style (`--secure-port=8443` or `--secure-port 8443`), parsed with
 * commander. `npm start -- --help` lists them.
 */
import { posix } from 'node:path';
import { Command, Option } from 'commander';
import { createSecureContext, type SecureVersion } from 'node:tls';
import { cipherSuites, tlsPolicy, tlsVersion, type TLSPolicy } from './flags/tls.js';
import { addAuditWebhookFlags, auditWebhookOptions, type AuditWebhookFlags } from './flags/audit-webhook.js';
import { boolFlag, duration, level, list, port, positive, verbosity } from './flags/values.js';
// Only the light modules: flags are parsed before the rest of the server is loaded.
import { maxExpirationFromFlag } from '../registry/kubeconfig/expiration.js';
import { credentialsRotationIntervalFromFlag } from '../registry/shoot/rotation-interval.js';
import { CLIENT_KEY_TYPES, DEFAULT_CLIENT_KEY_TYPE, DEFAULT_KEY_POOL_SIZE, defaultKeyPoolWorkers, type ClientKeyType } from '../registry/kubeconfig/keys.js';

/** Parsed server options. */
export interface ServerOptions {
  securePort: number;
  bindAddress: string;
  /** Plain HTTP port serving only the health endpoints (on `bindAddress`); 0 disables it. */
  healthPort: number;
  dataDir: string;
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
  storageBackend: 'sqlite' | 'etcd3';
  etcdServers: string[];
  etcdCAFile?: string;
  etcdCertFile?: string;
  etcdKeyFile?: string;
  /** Milliseconds every etcd call may take. */
  etcdRequestTimeout: number;
  etcdPrefix: string;
  /** Milliseconds between storage compactions; 0 disables. */
  etcdCompactionInterval: number;
  encryptionProviderConfig?: string;
  encryptionProviderConfigAutomaticReload: boolean;
  encryptionProviderConfigReloadInterval: number;
  anonymousAuth: boolean;
  clientCAFile?: string;
  requestheaderClientCAFile?: string;
  requestheaderAllowedNames: string[];
  requestheaderUsernameHeaders: string[];
  requestheaderGroupHeaders: string[];
  requestheaderExtraHeadersPrefix: string[];
  requestheaderUIDHeaders: string[];
  authenticationKubeconfig?: string;
  authenticationSkipLookup: boolean;
  authenticationTolerateLookupFailure: boolean;
  tokenAuthFile?: string;
  /** Milliseconds. */
  authenticationTokenWebhookCacheTTL: number;
  authorizationPolicyFile?: string;
  authorizationKubeconfig?: string;
  /** Milliseconds. */
  authorizationWebhookCacheAuthorizedTTL: number;
  /** Milliseconds. */
  authorizationWebhookCacheUnauthorizedTTL: number;
  authorizationAlwaysAllowPaths: string[];
  enableAdmissionPlugins: string[];
  disableAdmissionPlugins: string[];
  /** Garden cluster kubeconfig (ConfigMaps such as `<shoot>.ca-cluster`); absent in standalone mode. */
  kubeconfig?: string;
  /** Standalone source of cluster CA bundles (ConfigMap/Secret manifests); default `<data-dir>/cluster-ca`. */
  clusterCADir?: string;
  /** Seconds. */
  shootAdminKubeconfigMaxExpiration: number;
  /** Seconds. */
  shootViewerKubeconfigMaxExpiration: number;
  /** Seconds after a Shoot's creation or last rotation when its warnings ask for a credentials rotation. */
  shootCredentialsRotationInterval: number;
  kubeconfigClientKeyType: ClientKeyType;
  /** RSA client keys generated ahead (`rsa-3072`). */
  kubeconfigKeyPoolSize: number;
  /** Worker threads generating them: the pool's refill rate. */
  kubeconfigKeyPoolWorkers: number;
  maxRequestsInflight: number;
  maxMutatingRequestsInflight: number;
  /** Milliseconds. */
  requestTimeout: number;
  /** Milliseconds /readyz fails before the listener closes on SIGTERM. */
  shutdownDelayDuration: number;
  /** `--audit-log-path`: audit log file, `-` for stdout; absent disables auditing. */
  auditLogPath?: string;
  /** `--audit-policy-file`: audit.k8s.io/v1 Policy (YAML or JSON). */
  auditPolicyFile?: string;
  /** Megabytes before the audit log is rotated (0: 100). */
  auditLogMaxSize: number;
  /** Rotated audit log files kept (0: all). */
  auditLogMaxBackup: number;
  /** Days rotated audit log files are kept (0: no limit). */
  auditLogMaxAge: number;
  /** `--tls-cipher-suites` and `--tls-min-version`. */
  tls: TLSPolicy;
  /** `--audit-webhook-*`, when `--audit-webhook-config-file` is given. */
  auditWebhook?: AuditWebhookFlags;
  verbosity: number;
}

/**
 * An etcd key prefix as kube-apiserver's storage cleans it: rooted at `/`, repeated and trailing
 * slashes dropped (`registry-gardener` and `//registry-gardener//` are `/registry-gardener`; `/` is
 * the empty prefix, under which keys start `/<group>/`). Servers sharing an etcd find each other's
 * keys only with the same cleaned prefix, and AES-GCM authenticates the whole key.
 */
export function etcdPrefix(value: string): string {
  return posix.join('/', value).replace(/\/+$/, '');
}

/** The flag definitions (also used to check deploy manifests against what the server accepts). */
export function buildCommand(): Command {
  const command = new Command('garden-apiserver')
    .description('Aggregated Kubernetes API server for the garden cluster: InternalSecrets, Shoots and Gardens.')
    .addOption(new Option('--secure-port <port>', 'HTTPS port to serve on (0 picks a free port)').default(8443).argParser(port))
    .addOption(new Option('--bind-address <ip>', 'IP address to listen on').default('127.0.0.1'))
    .addOption(
      new Option('--health-port <port>', 'plain HTTP port answering only /livez, /readyz and /healthz, for kubelet probes (0: none)').default(0).argParser(port),
    )
    .addOption(new Option('--data-dir <dir>', 'directory for the SQLite database, the generated PKI and admin.kubeconfig').default('.garden-apiserver'))
    .addOption(new Option('--tls-cert-file <file>', 'serving certificate (PEM); the generated one is used when absent'))
    .addOption(new Option('--tls-private-key-file <file>', 'private key of --tls-cert-file (PEM)'))
    .addOption(new Option('--tls-cipher-suites <suites>', 'comma-separated IANA names of the TLS 1.0-1.2 cipher suites offered (TLS 1.3 suites are always on); Node\'s defaults when absent').argParser(cipherSuites))
    .addOption(new Option('--tls-min-version <version>', 'oldest TLS version accepted: VersionTLS10, VersionTLS11, VersionTLS12 or VersionTLS13 (default: TLS 1.2)').argParser(tlsVersion))
    .addOption(new Option('--storage-backend <backend>', 'storage backend: embedded SQLite under --data-dir, or etcd').choices(['sqlite', 'etcd3']).default('sqlite'))
    .addOption(new Option('--etcd-servers <urls>', 'comma-separated etcd endpoints (with --storage-backend=etcd3)').default([]).argParser(list))
    .addOption(new Option('--etcd-cafile <file>', 'CA bundle that signs the etcd servers\' certificates'))
    .addOption(new Option('--etcd-certfile <file>', 'client certificate for etcd'))
    .addOption(new Option('--etcd-keyfile <file>', 'client key for etcd'))
    .addOption(new Option('--etcd-request-timeout <duration>', 'longest time one etcd call may take').default(10_000, '10s').argParser(duration))
    .addOption(new Option('--etcd-prefix <prefix>', 'prefix of every storage key').default('/registry-gardener').argParser(etcdPrefix))
    .addOption(new Option('--etcd-compaction-interval <duration>', 'how often old revisions are compacted (0 disables)').default(300_000, '5m').argParser(duration))
    .addOption(
      new Option('--encryption-provider-config <file>', 'EncryptionConfiguration (YAML or JSON); standalone mode generates one under --data-dir when absent'),
    )
    .addOption(
      new Option('--encryption-provider-config-automatic-reload [bool]', 're-read --encryption-provider-config when its content changes')
        .default(false)
        .argParser(boolFlag),
    )
    .addOption(
      new Option('--encryption-provider-config-reload-interval <seconds>', 'how often the file is checked with automatic reload')
        .default(60)
        .argParser(level),
    )
    .addOption(new Option('--anonymous-auth [bool]', 'treat requests without credentials as system:anonymous').default(true).argParser(boolFlag))
    .addOption(new Option('--client-ca-file <file>', 'CA bundle for client certificates (CN user, O groups); the generated CA stays trusted in standalone mode'))
    .addOption(new Option('--requestheader-client-ca-file <file>', 'CA bundle of the front proxy (the aggregator); only its certificates may set X-Remote-* headers'))
    .addOption(new Option('--requestheader-allowed-names <names>', 'front-proxy certificate CNs allowed (empty: any)').default([]).argParser(list))
    .addOption(new Option('--requestheader-username-headers <headers>', 'headers carrying the user name').default(['X-Remote-User']).argParser(list))
    .addOption(new Option('--requestheader-group-headers <headers>', 'headers carrying groups').default(['X-Remote-Group']).argParser(list))
    .addOption(new Option('--requestheader-extra-headers-prefix <prefixes>', 'header prefixes carrying extra user info').default(['X-Remote-Extra-']).argParser(list))
    .addOption(new Option('--requestheader-uid-headers <headers>', 'headers carrying the user UID').default([]).argParser(list))
    .addOption(new Option('--authentication-kubeconfig <file>', 'garden cluster for TokenReviews and the extension-apiserver-authentication ConfigMap'))
    .addOption(new Option('--authentication-skip-lookup [bool]', 'do not read the extension-apiserver-authentication ConfigMap').default(false).argParser(boolFlag))
    .addOption(new Option('--authentication-tolerate-lookup-failure [bool]', 'start even if that ConfigMap cannot be read').default(false).argParser(boolFlag))
    .addOption(new Option('--token-auth-file <file>', 'static bearer tokens (Kubernetes CSV: token,user,uid,"group1,group2")'))
    .addOption(new Option('--authentication-token-webhook-cache-ttl <duration>', 'how long TokenReview answers are cached').default(10_000, '10s').argParser(duration))
    .addOption(new Option('--authorization-policy-file <file>', 'RBAC objects (ClusterRole, ClusterRoleBinding, Role, RoleBinding) evaluated locally'))
    .addOption(new Option('--authorization-kubeconfig <file>', 'garden cluster for SubjectAccessReviews'))
    .addOption(new Option('--authorization-webhook-cache-authorized-ttl <duration>', 'how long allowed answers are cached').default(10_000, '10s').argParser(duration))
    .addOption(new Option('--authorization-webhook-cache-unauthorized-ttl <duration>', 'how long denied answers are cached').default(10_000, '10s').argParser(duration))
    .addOption(
      new Option('--authorization-always-allow-paths <paths>', 'comma-separated paths anyone may GET (exact or prefix*)')
        .default(['/healthz', '/readyz', '/livez'])
        .argParser(list),
    )
    .addOption(new Option('--enable-admission-plugins <names>', 'admission plugins to enable beyond the defaults').default([]).argParser(list))
    .addOption(new Option('--disable-admission-plugins <names>', 'admission plugins to disable').default([]).argParser(list))
    .addOption(new Option('--kubeconfig <file>', 'kubeconfig of the garden cluster, for ConfigMaps such as <shoot>.ca-cluster'))
    .addOption(new Option('--cluster-ca-dir <dir>', 'standalone: directory of ConfigMap/Secret manifests holding <shoot>.ca-cluster (default <data-dir>/cluster-ca)'))
    .addOption(
      new Option('--shoot-admin-kubeconfig-max-expiration <duration>', 'longest validity of an adminkubeconfig certificate, 1h to 2^32 s').default('24h'),
    )
    .addOption(
      new Option('--shoot-viewer-kubeconfig-max-expiration <duration>', 'longest validity of a viewerkubeconfig certificate, 1h to 2^32 s').default('24h'),
    )
    .addOption(
      new Option('--shoot-credentials-rotation-interval <duration>', 'time after a Shoot\'s creation or last credentials rotation when its warnings ask for a rotation, 24h to 2^32 s').default('2160h'),
    )
    .addOption(
      new Option('--kubeconfig-client-key-type <type>', 'key type of issued client certificates: rsa-3072 (PKCS#1, as Gardener; required by gardenlogin) or ecdsa-p256 (faster, but gardenlogin rejects it)')
        .choices([...CLIENT_KEY_TYPES])
        .default(DEFAULT_CLIENT_KEY_TYPE),
    )
    .addOption(new Option('--kubeconfig-key-pool-size <n>', 'RSA client keys generated ahead and kept ready (0: every request waits for its key)').default(DEFAULT_KEY_POOL_SIZE).argParser(level))
    .addOption(
      new Option('--kubeconfig-key-pool-workers <n>', 'worker threads generating RSA client keys, i.e. the refill rate (about 2-3 keys/s each)')
        .default(defaultKeyPoolWorkers())
        .argParser(positive),
    )
    .addOption(new Option('--max-requests-inflight <n>', 'concurrent non-mutating requests before 429 (0: no limit)').default(400).argParser(level))
    .addOption(new Option('--max-mutating-requests-inflight <n>', 'concurrent mutating requests before 429 (0: no limit)').default(200).argParser(level))
    .addOption(new Option('--request-timeout <duration>', 'time after which a non-watch request fails with 504').default(60_000, '1m0s').argParser(duration))
    .addOption(new Option('--shutdown-delay-duration <duration>', 'on SIGTERM, time /readyz fails before the server stops accepting requests').default(0, '0s').argParser(duration))
    .addOption(new Option('--audit-log-path <file>', 'write audit.k8s.io/v1 events as JSON lines to this file (- for stdout); needs --audit-policy-file'))
    .addOption(new Option('--audit-policy-file <file>', 'audit.k8s.io/v1 Policy (YAML or JSON) deciding what is audited'))
    .addOption(new Option('--audit-log-maxsize <megabytes>', 'size in megabytes at which the audit log is rotated (0: 100)').default(0).argParser(level))
    .addOption(new Option('--audit-log-maxbackup <n>', 'rotated audit log files to keep (0: all)').default(0).argParser(level))
    .addOption(new Option('--audit-log-maxage <days>', 'days to keep rotated audit log files (0: no limit)').default(0).argParser(level))
    .addOption(new Option('-v, --v <level>', 'log verbosity (0: errors and start-up, 2: one line per request)').default(0).argParser(verbosity))
    .allowExcessArguments(false)
    .showHelpAfterError();
  return addAuditWebhookFlags(command);
}

/** A flag value `read` checks (bounds of durations); exits with its message when it throws. */
function checked(command: Command, read: () => number): number {
  try {
    return read();
  } catch (e: unknown) {
    return command.error(`error: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Parses `argv` (without node and script) into options; exits with usage on bad flags. */
export function parseOptions(argv: readonly string[], command = buildCommand()): ServerOptions {
  command.parse([...argv], { from: 'user' });
  const o = command.opts<Record<string, unknown>>();
  if ((o.tlsCertFile === undefined) !== (o.tlsPrivateKeyFile === undefined)) {
    command.error('error: --tls-cert-file and --tls-private-key-file must be given together');
  }
  const options: ServerOptions = {
    securePort: o.securePort as number,
    bindAddress: o.bindAddress as string,
    healthPort: o.healthPort as number,
    dataDir: o.dataDir as string,
    storageBackend: o.storageBackend as 'sqlite' | 'etcd3',
    etcdServers: o.etcdServers as string[],
    etcdRequestTimeout: o.etcdRequestTimeout as number,
    etcdPrefix: o.etcdPrefix as string,
    etcdCompactionInterval: o.etcdCompactionInterval as number,
    encryptionProviderConfigAutomaticReload: o.encryptionProviderConfigAutomaticReload as boolean,
    encryptionProviderConfigReloadInterval: o.encryptionProviderConfigReloadInterval as number,
    anonymousAuth: o.anonymousAuth as boolean,
    requestheaderAllowedNames: o.requestheaderAllowedNames as string[],
    requestheaderUsernameHeaders: o.requestheaderUsernameHeaders as string[],
    requestheaderGroupHeaders: o.requestheaderGroupHeaders as string[],
    requestheaderExtraHeadersPrefix: o.requestheaderExtraHeadersPrefix as string[],
    requestheaderUIDHeaders: o.requestheaderUidHeaders as string[],
    authenticationSkipLookup: o.authenticationSkipLookup as boolean,
    authenticationTolerateLookupFailure: o.authenticationTolerateLookupFailure as boolean,
    authenticationTokenWebhookCacheTTL: o.authenticationTokenWebhookCacheTtl as number,
    authorizationWebhookCacheAuthorizedTTL: o.authorizationWebhookCacheAuthorizedTtl as number,
    authorizationWebhookCacheUnauthorizedTTL: o.authorizationWebhookCacheUnauthorizedTtl as number,
    authorizationAlwaysAllowPaths: o.authorizationAlwaysAllowPaths as string[],
    enableAdmissionPlugins: o.enableAdmissionPlugins as string[],
    disableAdmissionPlugins: o.disableAdmissionPlugins as string[],
    shootAdminKubeconfigMaxExpiration: checked(command, () => maxExpirationFromFlag('admin', String(o.shootAdminKubeconfigMaxExpiration))),
    shootViewerKubeconfigMaxExpiration: checked(command, () => maxExpirationFromFlag('viewer', String(o.shootViewerKubeconfigMaxExpiration))),
    shootCredentialsRotationInterval: checked(command, () => credentialsRotationIntervalFromFlag(String(o.shootCredentialsRotationInterval))),
    kubeconfigClientKeyType: o.kubeconfigClientKeyType as ClientKeyType,
    kubeconfigKeyPoolSize: o.kubeconfigKeyPoolSize as number,
    kubeconfigKeyPoolWorkers: o.kubeconfigKeyPoolWorkers as number,
    maxRequestsInflight: o.maxRequestsInflight as number,
    maxMutatingRequestsInflight: o.maxMutatingRequestsInflight as number,
    requestTimeout: o.requestTimeout as number,
    shutdownDelayDuration: o.shutdownDelayDuration as number,
    auditLogMaxSize: o.auditLogMaxsize as number,
    auditLogMaxBackup: o.auditLogMaxbackup as number,
    auditLogMaxAge: o.auditLogMaxage as number,
    verbosity: o.v as number,
    tls: tlsPolicy(o.tlsCipherSuites as string[] | undefined, o.tlsMinVersion as SecureVersion | undefined),
  };
  for (const [flag, key] of [['etcdCafile', 'etcdCAFile'], ['etcdCertfile', 'etcdCertFile'], ['etcdKeyfile', 'etcdKeyFile']] as const) {
    if (typeof o[flag] === 'string') options[key] = o[flag];
  }
  if (options.storageBackend === 'etcd3' && options.etcdServers.length === 0) {
    command.error('error: --storage-backend=etcd3 needs --etcd-servers');
  }
  if (typeof o.kubeconfig === 'string') options.kubeconfig = o.kubeconfig;
  const files = [
    ['clientCaFile', 'clientCAFile'],
    ['requestheaderClientCaFile', 'requestheaderClientCAFile'],
    ['authenticationKubeconfig', 'authenticationKubeconfig'],
    ['tokenAuthFile', 'tokenAuthFile'],
    ['authorizationPolicyFile', 'authorizationPolicyFile'],
    ['authorizationKubeconfig', 'authorizationKubeconfig'],
  ] as const;
  for (const [flag, key] of files) if (typeof o[flag] === 'string') options[key] = o[flag];
  if (typeof o.clusterCaDir === 'string') options.clusterCADir = o.clusterCaDir;
  if (typeof o.encryptionProviderConfig === 'string') options.encryptionProviderConfig = o.encryptionProviderConfig;
  if (typeof o.auditLogPath === 'string') options.auditLogPath = o.auditLogPath;
  if (typeof o.auditPolicyFile === 'string') options.auditPolicyFile = o.auditPolicyFile;
  try {
    const webhook = auditWebhookOptions(o);
    if (webhook !== undefined) options.auditWebhook = webhook;
  } catch (e: unknown) {
    command.error(`error: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof o.tlsCertFile === 'string') options.tlsCertFile = o.tlsCertFile;
  if (typeof o.tlsPrivateKeyFile === 'string') options.tlsPrivateKeyFile = o.tlsPrivateKeyFile;
  try {
    createSecureContext(options.tls);
  } catch (e: unknown) {
    command.error(`error: --tls-cipher-suites: ${e instanceof Error ? e.message : String(e)} (none of the TLS 1.2 suites named is available)`);
  }
  return options;
}
