/**
 * Starts a complete server from options: PKI bootstrap, storage, resources, authentication,
 * authorization, admission, HTTPS. Returns a handle to stop it. `main.ts` and the tests both use this.
 */
import { listenHost } from './bind.js';
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:https';
import { join } from 'node:path';
import { buildAdmissionChain } from '../admission/chain.js';
import { startCompactor } from '../storage/compactor.js';
import { EtcdBackend, openEtcdBackend } from '../storage/etcd3/backend.js';
import type { EtcdConnection } from '../storage/etcd3/connection.js';
import { startCompactor as startEtcdCompactor } from '../storage/etcd3/compactor.js';
import { openSqliteBackend } from '../storage/sqlite/backend.js';
import { createStore } from '../storage/store/store.js';
import { createCachedStorage, type CachedStorage } from '../storage/cacher/cacher.js';
import type { KVBackend } from '../storage/interface.js';
import { observeWrites } from '../storage/observed.js';
import { ProjectCache } from '../registry/project/cache.js';
import type { ResourceStore } from '../registry/generic/store.js';
import { apiVersionOf } from '../registry/types.js';
import type { HealthCheck, HealthChecks } from './health.js';
import { listenHealth } from './health-port.js';
import { setupEncryption } from './encryption.js';
import { createLogger, type Logger } from './log.js';
import type { ServerOptions } from './options.js';
import { buildResourceIndex, type ResourceIndex } from './resources.js';
import { loadGardenKubeConfig } from './authn/kubeclient.js';
import { GardenNamespaces } from './garden/namespaces.js';
import { startKubeconfigService } from './kubeconfig.js';
import { startReencryptionService } from './reencryption.js';
import { buildSecurity, isAggregated } from './security.js';
import { graphLookups } from './authz/graph-lookups.js';
import { ProjectRelease } from './standalone/project-release.js';
import { configMapsResource, namespacesResource, type ReadOnlyResource } from './standalone/corev1.js';
import { ClusterCADirectorySource } from './standalone/cluster-ca-dir.js';
import { namespaceOfProject } from '../registry/project/namespace.js';
import type { ClusterCASource } from '../registry/kubeconfig/index.js';
import type { ReencryptionResource } from '../storage/reencrypt/rewriter.js';
import { Lifecycle } from './lifecycle.js';
import { reloadKeyPair } from './keypair-reload.js';
import { ServerMetrics } from './metrics.js';
import { instrumentBackend } from './storage-metrics.js';
import { SERVED_KINDS } from './resources-table.js';
import { createApp } from './server.js';
import { createAuditor } from './audit/index.js';
import { urlHost, writeAdminKubeconfig } from './standalone/bootstrap.js';
import { listenEarly, type EarlyListener } from './startup.js';

export const SERVER_VERSION = '0.1.0';

/** A running server. */
export interface RunningServer {
  port: number;
  url: string;
  kubeconfigPath: string;
  server: Server;
  /** Graceful stop: /readyz fails, `delayMs` passes, requests drain, watches end, storage closes. */
  close(delayMs?: number): Promise<void>;
}

function openBackend(options: ServerOptions, log: Logger): KVBackend {
  if (options.storageBackend === 'etcd3') {
    return openEtcdBackend({
      endpoints: options.etcdServers,
      requestTimeoutMs: options.etcdRequestTimeout,
      onMemberChange: (endpoint, healthy) => {
        if (healthy) log.info('etcd member answers again', { endpoint });
        else log.error('etcd member does not answer; requests go to the other members', { endpoint });
      },
      ...(options.etcdCAFile !== undefined && { caFile: options.etcdCAFile }),
      ...(options.etcdCertFile !== undefined && { certFile: options.etcdCertFile }),
      ...(options.etcdKeyFile !== undefined && { keyFile: options.etcdKeyFile }),
    });
  }
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  return openSqliteBackend(join(options.dataDir, 'garden-apiserver.db'));
}

/**
 * How often `--etcd-certfile` and `--etcd-keyfile` are read: kube-apiserver's etcd client reads them at
 * each new connection, so a renewed pair should reach new connections soon.
 */
const ETCD_CERT_CHECK_MS = 10_000;

/**
 * Re-reads the etcd client certificate files and hands a renewed pair to the connection (the storage's
 * and the re-encryption lock's).
 */
function reloadEtcdClientCertificate(options: ServerOptions, etcd: EtcdConnection, log: Logger): { stop(): void } | undefined {
  const { etcdCertFile: certFile, etcdKeyFile: keyFile } = options;
  const current = etcd.clientCertificate();
  if (certFile === undefined || keyFile === undefined || current === undefined) return undefined;
  return reloadKeyPair({
    name: 'etcd client certificate',
    certFile,
    keyFile,
    current,
    install: (pair) => etcd.updateClientCertificate(pair),
    log,
    intervalMs: ETCD_CERT_CHECK_MS,
  });
}

/** Periodic compaction: etcd's takes turns between replicas; SQLite's keeps recent history. */
function startStorageCompaction(options: ServerOptions, backend: KVBackend, log: Logger): { stop(): unknown } | undefined {
  if (options.etcdCompactionInterval <= 0) return undefined;
  const onError = (err: unknown) => log.error('storage compaction failed', { err });
  if (backend instanceof EtcdBackend) return startEtcdCompactor(backend, { intervalMs: options.etcdCompactionInterval, onError });
  return startCompactor(backend, { intervalMs: options.etcdCompactionInterval, onError });
}

/** The `/readyz` check that passes once every watch cache has loaded its resource. */
function watchCacheSync(caches: readonly CachedStorage[]): HealthCheck {
  return {
    name: 'watch-cache-sync',
    check: async () => {
      if (caches.some((c) => !c.stats().ready)) throw new Error('watch caches are loading');
    },
  };
}

/**
 * `/readyz` check `informer-sync`, as kube-apiserver's for its shared informers: the garden cluster's
 * Namespaces and cluster CA ConfigMaps/Secrets have loaded. (The client CA cache is no readiness
 * check, as in gardener-apiserver: one unreadable InternalSecret must not take every replica out.)
 */
function informerSync(sources: ReadonlyArray<{ readonly hasSynced?: boolean } | undefined>): HealthCheck {
  return {
    name: 'informer-sync',
    check: async () => {
      if (sources.some((s) => s?.hasSynced === false)) throw new Error('the garden cluster informers have not synced');
    },
  };
}

/** How long the storage health check may take (kube-apiserver's --etcd-healthcheck-timeout default). */
const STORAGE_CHECK_TIMEOUT_MS = 2_000;

/** Rejects when `p` has not settled within `ms`. */
async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000}s`)), ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

function healthChecks(backend: KVBackend, storageName: string, readyOnly: HealthCheck[]): HealthChecks {
  const ping = { name: 'ping', check: async () => {} };
  // A storage that hangs fails the check after 2 s, as kube-apiserver's, not after the request timeout.
  const storage = { name: storageName, check: () => within(backend.checkHealth(), STORAGE_CHECK_TIMEOUT_MS, storageName) };
  return { healthz: [ping, storage], livez: [ping, storage], readyz: [ping, storage, ...readyOnly] };
}

async function countObjects(index: ResourceIndex): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const r of index.resources) counts[`${r.descriptor.resource}.${r.descriptor.group}`] = await r.store.count();
  return counts;
}

/** The store of a served `core.gardener.cloud/v1beta1` resource. */
function coreStore(index: ResourceIndex, resource: string): ResourceStore {
  const served = index.get('core.gardener.cloud', 'v1beta1', resource);
  if (served === undefined) throw new Error(`${resource}.core.gardener.cloud are not served`);
  return served.store;
}

/** The garden's `v1` reads standalone mode answers: the Projects' namespaces, the directory's ConfigMaps. */
function standaloneCoreV1(projects: ProjectCache, clusterCA: ClusterCASource): ReadOnlyResource[] {
  const namespaces = namespacesResource(async () => (await projects.list()).flatMap((p) => namespaceOfProject(p) ?? []));
  if (!(clusterCA instanceof ClusterCADirectorySource)) return [namespaces];
  return [namespaces, configMapsResource((ns) => clusterCA.configMapObjects(ns))];
}

/**
 * Starts the server on `early` (opened here when not given): builds it, hands it the listener, then
 * loads the watch caches in the background (`/readyz` fails until they are loaded). Rejects, with the
 * listener closed, when it cannot start.
 */
export async function runServer(options: ServerOptions, log: Logger = createLogger(options.verbosity), early?: EarlyListener): Promise<RunningServer> {
  const opened = early ?? (await listenEarly(options));
  try {
    return await startServer(options, log, opened);
  } catch (e: unknown) {
    opened.listener.server.close();
    opened.listener.server.closeAllConnections();
    throw e;
  }
}

async function startServer(options: ServerOptions, log: Logger, early: EarlyListener): Promise<RunningServer> {
  const { listener, pki, serving } = early;
  // First, so that a bad policy or an unwritable log fails start-up before anything is opened.
  const auditor = createAuditor(
    {
      logPath: options.auditLogPath,
      policyFile: options.auditPolicyFile,
      maxSizeMB: options.auditLogMaxSize,
      maxBackups: options.auditLogMaxBackup,
      maxAgeDays: options.auditLogMaxAge,
      webhook: options.auditWebhook && { ...options.auditWebhook, userAgent: `garden-apiserver/${SERVER_VERSION}` },
    },
    log,
  );
  const encryption = await setupEncryption(
    {
      ...(options.encryptionProviderConfig !== undefined && { configFile: options.encryptionProviderConfig }),
      automaticReload: options.encryptionProviderConfigAutomaticReload,
      dataDir: options.dataDir,
      generateIfMissing: options.storageBackend === 'sqlite',
      reloadIntervalMs: options.encryptionProviderConfigReloadInterval * 1000,
      servedResources: SERVED_KINDS.map((d) => `${d.resource}.${d.group}`),
    },
    log,
  );
  const metrics = new ServerMetrics();
  const lifecycle = new Lifecycle();
  const rawBackend = openBackend(options, log);
  const backend = instrumentBackend(rawBackend, options.storageBackend, metrics);
  const compactor = startStorageCompaction(options, rawBackend, log);
  const rewritable = new Map<string, ReencryptionResource>();
  const watchCaches = new Map<string, CachedStorage>();
  const system = { user: { name: 'system:garden-apiserver', groups: ['system:masters'] }, dryRun: false, warnings: [] };
  const all = { ...system, namespace: '' };
  let projectRelease: ProjectRelease | undefined;
  const projects = new ProjectCache(
    {
      list: () => coreStore(index, 'projects').list(all, {}),
      watch: (rv) => coreStore(index, 'projects').watch(all, rv === '' ? {} : { resourceVersion: rv }),
    },
    { onError: (err) => log.error('project cache', { err: err.message }) },
  );
  const index = buildResourceIndex(
    SERVED_KINDS,
    (d) => {
      const groupResource = `${d.resource}.${d.group}`;
      const prefix = `${options.etcdPrefix.replace(/\/+$/, '')}/${d.group}/${d.resource}/`;
      const transformer = encryption.config.transformerFor(groupResource);
      const objectTemplate = { apiVersion: apiVersionOf(d), kind: d.kind };
      const storage = createStore(backend, { transformer, resourcePrefix: prefix, objectTemplate });
      if (!rewritable.has(groupResource)) rewritable.set(groupResource, { groupResource, prefix, storage });
      const cached = createCachedStorage(storage, backend, {
        prefix,
        transformer,
        objectTemplate,
        onError: (err) => log.info('watch cache: upstream watch failed, recovering', { resource: groupResource, err: err.message }),
      });
      watchCaches.set(groupResource, cached);
      if (d.group === 'core.gardener.cloud' && d.resource === 'shoots') {
        return observeWrites(cached, { written: () => undefined, deleted: (o) => projectRelease?.shootDeleted(o.metadata.namespace ?? '') });
      }
      if (d.group !== 'core.gardener.cloud' || d.resource !== 'projects') return cached;
      return observeWrites(cached, { written: (o) => projects.observe(o), deleted: (o) => projects.observeDeleted(o) });
    },
    options.etcdPrefix,
  );
  // Values unreadable with the old configuration may be readable with the new one (a restored key).
  encryption.config.onChange(() => {
    for (const cache of watchCaches.values()) cache.rereadUnreadable();
  });
  const etcd = rawBackend instanceof EtcdBackend ? rawBackend.connection : undefined;
  const reencryption = startReencryptionService(options, backend, [...rewritable.values()], encryption.config, metrics, log, etcd);
  const etcdCertReload = etcd === undefined ? undefined : reloadEtcdClientCertificate(options, etcd, log);
  const shoots = index.get('core.gardener.cloud', 'v1beta1', 'shoots');
  const gardens = index.get('operator.gardener.cloud', 'v1alpha1', 'gardens');
  const secrets = index.get('core.gardener.cloud', 'v1beta1', 'internalsecrets');
  // Standalone, nothing else keeps a Project (and its namespace) while Shoots remain in it.
  const projectStore = index.get('core.gardener.cloud', 'v1beta1', 'projects')?.store;
  if (!isAggregated(options) && projectStore !== undefined && shoots !== undefined) {
    projectRelease = new ProjectRelease(projectStore, shoots.store, all, (err) => log.error('project release', { err: err.message }));
  }
  const security = await buildSecurity(options, pki.ca.cert, graphLookups(shoots?.store, projects, system), projects, log);
  // The garden cluster (ConfigMaps, Namespaces): --kubeconfig, or in-cluster config when running in a pod.
  const garden = loadGardenKubeConfig(options.kubeconfig);
  const namespaces = garden === undefined ? undefined : new GardenNamespaces(garden, { onError: (err) => log.error('namespace informer', { err }) });
  void namespaces?.start();
  const secretsCache = watchCaches.get('internalsecrets.core.gardener.cloud');
  const kubeconfigs = startKubeconfigService(options, index, security.authz.checkAccessNow, garden, metrics, log, async () => (await secretsCache?.whenReady()) ?? true);
  const health = healthChecks(backend, options.storageBackend === 'etcd3' ? 'etcd' : 'storage', [
    lifecycle.readyzCheck,
    reencryption.healthCheck,
    watchCacheSync([...watchCaches.values()]),
    informerSync([namespaces, kubeconfigs.clusterCA]),
    {
      name: 'project-cache-sync',
      check: async () => {
        if (!projects.hasSynced) throw new Error('the Project cache has not synced');
      },
    },
  ]);
  const app = createApp({
    index,
    admission: buildAdmissionChain(
      { enable: options.enableAdmissionPlugins, disable: options.disableAdmissionPlugins },
      {
        getShoot: async (ns, name) => shoots?.store.get({ ...system, namespace: ns }, name),
        projectForNamespace: (ns) => projects.forNamespace(ns),
        may: security.authz.checkAccess,
        getInternalSecret: async (ns, name) => secrets?.store.get({ ...system, namespace: ns }, name),
        gardens: async () => (await gardens?.store.list({ ...system, namespace: '' }, {}))?.items ?? [],
        ...(namespaces !== undefined && { namespaces }),
      },
    ),
    authenticator: security.authn.authenticator,
    authorizer: security.authz.authorizer,
    subresourceCreators: kubeconfigs.creators,
    settings: { shootCredentialsRotationIntervalSeconds: options.shootCredentialsRotationInterval },
    ...(!isAggregated(options) && { standalone: { coreV1: standaloneCoreV1(projects, kubeconfigs.clusterCA) } }),
    auditor,
    anonymousAuth: options.anonymousAuth,
    health,
    version: SERVER_VERSION,
    log,
    metrics,
    lifecycle,
    limits: {
      maxRequestsInflight: options.maxRequestsInflight,
      maxMutatingRequestsInflight: options.maxMutatingRequestsInflight,
      requestTimeoutMs: options.requestTimeout,
    },
  });
  metrics.storedObjects(() => countObjects(index));
  // The CAs named in the TLS certificate request follow the trusted bundles (Go clients that pick their
  // certificate by them send none when it was issued by a CA not named).
  const clientCAs = () => [pki.ca.cert, ...security.authn.clientCABundles(), security.authn.requestHeaderCA() ?? ''].join('\n');
  const healthServer = options.healthPort > 0 ? await listenHealth(await listenHost(options.bindAddress), options.healthPort, health) : undefined;
  listener.serve(app, { ...serving, clientCA: clientCAs() });
  security.authn.onTrustChange(() => {
    try {
      listener.updateTLS({ clientCA: clientCAs() });
    } catch (e: unknown) {
      log.error('client CA bundles: cannot install them in the listener, keeping the current ones', { err: e instanceof Error ? e.message : String(e) });
    }
  });
  const servingReload =
    options.tlsCertFile !== undefined && options.tlsPrivateKeyFile !== undefined
      ? reloadKeyPair({ name: 'serving certificate', certFile: options.tlsCertFile, keyFile: options.tlsPrivateKeyFile, current: serving, install: (pair) => listener.updateTLS(pair), log })
      : undefined;
  // Loaded after the server is in place: until then lists are read from storage and /readyz fails.
  for (const cache of watchCaches.values()) cache.start();
  void projects.start();
  projectRelease?.start();
  const { server, port } = listener;
  const url = `https://${urlHost(options.bindAddress)}:${port}`;
  return {
    port,
    url,
    kubeconfigPath: writeAdminKubeconfig(options.dataDir, pki, url),
    server,
    async close(delayMs = 0) {
      servingReload?.stop();
      etcdCertReload?.stop();
      await lifecycle.shutdown(server, delayMs);
      await kubeconfigs.stop();
      projects.stop();
      projectRelease?.stop();
      await namespaces?.stop();
      security.stop();
      await reencryption.stop();
      for (const cache of watchCaches.values()) cache.stop();
      encryption.stop();
      compactor?.stop();
      await backend.close();
      await auditor?.close();
      await healthServer?.close();
    },
  };
}
