/**
 * Wiring of `shoots/adminkubeconfig` and `shoots/viewerkubeconfig`: the issuer with its client CA cache
 * (fed by a watch on InternalSecrets), the cluster CA source (garden cluster or a local directory), the
 * group choice through the server's authorizer, and a log line and metric per issuance.
 */
import { mkdirSync } from 'node:fs';
import type { KubeConfig } from '@kubernetes/client-node';
import { join } from 'node:path';
import type { KubeObject } from '../apimachinery/types.js';
import {
  ClientCACache,
  ClientCertificateIssuer,
  clientKeySource,
  groupDecider,
  KubeconfigIssuer,
  RsaKeyPool,
  type ClusterCASource,
  type KubeconfigKind,
} from '../registry/kubeconfig/index.js';
import type { RequestContext } from '../registry/types.js';
import type { AccessChecker } from './authz/access.js';
import { GardenClusterCASource } from './garden/cluster-ca.js';
import { admissionHooks, type SubresourceCreator } from './handlers/context.js';
import type { Logger } from './log.js';
import type { ServerMetrics } from './metrics.js';
import type { ServerOptions } from './options.js';
import { str } from './query.js';
import { fieldValidationOf } from './decode.js';
import type { ResourceIndex } from './resources.js';
import { ClusterCADirectorySource } from './standalone/cluster-ca-dir.js';

/** The running kubeconfig issuance and how to stop its background work. */
export interface KubeconfigService {
  creators: Map<string, SubresourceCreator>;
  /** Where cluster CA bundles come from (in standalone mode a directory, whose ConfigMaps are also served). */
  clusterCA: ClusterCASource;
  stop(): Promise<void>;
}

function systemContext(namespace: string): RequestContext {
  return { user: { name: 'system:garden-apiserver', groups: ['system:masters'] }, namespace, dryRun: false, warnings: [] };
}

function clusterCASource(options: ServerOptions, garden: KubeConfig | undefined, log: Logger): ClusterCASource & { stop(): unknown } {
  const onError = (err: unknown) => log.error('cluster CA source', { err });
  if (garden !== undefined) {
    const kc = garden;
    const source = new GardenClusterCASource(kc, { onError });
    void source.start();
    return source;
  }
  const dir = options.clusterCADir ?? join(options.dataDir, 'cluster-ca');
  mkdirSync(dir, { recursive: true }); // where the README tells users to put their manifests
  return new ClusterCADirectorySource(dir, { onError });
}

/**
 * Builds the issuer and the subresource creators for the Shoot resource. The client CA cache lists
 * InternalSecrets once `secretsCached` resolves true (the watch cache of InternalSecrets has loaded, so
 * the list is read from memory instead of decrypting every object in storage once more); requests
 * that need a CA before then wait for it.
 */
export function startKubeconfigService(
  options: ServerOptions,
  index: ResourceIndex,
  checkAccess: AccessChecker,
  garden: KubeConfig | undefined,
  metrics: ServerMetrics,
  log: Logger,
  secretsCached: () => Promise<boolean>,
): KubeconfigService {
  const secrets = index.get('core.gardener.cloud', 'v1beta1', 'internalsecrets');
  const shoots = index.get('core.gardener.cloud', 'v1beta1', 'shoots');
  if (secrets === undefined || shoots === undefined) throw new Error('kubeconfig subresources need InternalSecrets and Shoots');
  const all = systemContext('');
  const clientCAs = new ClientCACache(
    // resourceVersion "0": the watch cache's state, as informers list; a consistent list may still be
    // read from storage right after start-up, a second decrypted copy of every InternalSecret.
    { list: () => secrets.store.list(all, { resourceVersion: '0' }), watch: (rv) => secrets.store.watch(all, rv === undefined ? {} : { resourceVersion: rv }) },
    { onError: (err) => log.error('client CA cache', { err }) },
  );
  let stopped = false;
  void secretsCached().then((cached) => {
    if (cached && !stopped) void clientCAs.start();
  });
  const clusterCA = clusterCASource(options, garden, log);
  const keys = clientKeySource(options.kubeconfigClientKeyType, {
    size: options.kubeconfigKeyPoolSize,
    workers: options.kubeconfigKeyPoolWorkers,
    onError: (err) => log.error('client key pool worker failed', { err: err.message }),
  });
  if (keys instanceof RsaKeyPool) metrics.keyPool(() => keys.stats());
  const issuer = new KubeconfigIssuer({
    decideGroup: groupDecider((user, q) => checkAccess(user, { verb: q.verb, group: q.group, resource: q.resource, namespace: '' })),
    getShoot: (ns, name) => shoots.store.get(systemContext(ns), name),
    clientCAs,
    clusterCA,
    certificates: new ClientCertificateIssuer(keys),
    maxExpirationSeconds: { admin: options.shootAdminKubeconfigMaxExpiration, viewer: options.shootViewerKubeconfigMaxExpiration },
    onIssued: (e) => {
      metrics.kubeconfigsIssued.inc({ kind: e.kind, group: e.group });
      log.info('issued kubeconfig', { kind: e.kind, user: e.user, namespace: e.namespace, shoot: e.shoot, group: e.group, serial: e.serial, expiration: e.expiration });
    },
  });
  const creator = (kind: KubeconfigKind): SubresourceCreator => async (r, body) => {
    const hooks = admissionHooks(r, 'CREATE', r.info.name);
    const response = await issuer.handle(kind, {
      namespace: r.info.namespace,
      shootName: r.info.name,
      user: r.user,
      body: body.value,
      admit: async (req) => hooks.validate?.(req as unknown as KubeObject, undefined),
      decode: {
        fieldValidation: fieldValidationOf(str(r.query, 'fieldValidation')),
        warnings: r.ctx.warnings,
        text: body.raw.toString('utf8'),
        ...(body.rawJson !== undefined && { rawJson: body.rawJson }),
      },
    });
    return response as unknown as Record<string, unknown>;
  };
  const creators = new Map<string, SubresourceCreator>([
    ['core.gardener.cloud/shoots/adminkubeconfig', creator('admin')],
    ['core.gardener.cloud/shoots/viewerkubeconfig', creator('viewer')],
  ]);
  return {
    creators,
    clusterCA,
    async stop() {
      stopped = true;
      clientCAs.stop();
      await clusterCA.stop();
      await keys.close();
    },
  };
}
